import Crypto
import Foundation

/// SHA-256 helpers: content hashes, stable ids and embedding-cache keys.
public enum Hashing {
    public static func sha256Hex(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    private static let digits = Array("0123456789abcdef".utf8)

    /// Lower-case hex of a digest, without `String(format:)` (which cost more than the hashing itself).
    public static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func sha256Hex(_ text: String) -> String { sha256Hex(Data(text.utf8)) }

    /// A document's id: stable for (namespace, source), 32 hex characters.
    public static func documentID(namespace: String, source: String) -> String {
        String(sha256Hex(namespace + "\u{0}" + source).prefix(32))
    }
}
