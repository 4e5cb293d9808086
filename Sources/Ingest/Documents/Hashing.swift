import Crypto
import Foundation

/// SHA-256 helpers: content hashes, stable ids and embedding-cache keys.
public enum Hashing {
    public static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    public static func sha256Hex(_ text: String) -> String { sha256Hex(Data(text.utf8)) }

    /// A document's id: stable for (namespace, source), 32 hex characters.
    public static func documentID(namespace: String, source: String) -> String {
        String(sha256Hex(namespace + "\u{0}" + source).prefix(32))
    }
}
