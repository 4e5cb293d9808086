import Crypto
import Foundation

/// SHA-256 helpers: content hashes, stable ids and embedding-cache keys.
public enum Hashing {
    public static func sha256Hex(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    /// Lower-case hex of a digest, without `String(format:)` (which cost more than the hashing itself).
    /// Inlinable so callers in other modules get it specialised for their digest type: the generic version
    /// stepped through the digest by protocol witness and was most of the audit chain's hashing time.
    @inlinable
    public static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(hexDigit(byte >> 4))
            out.append(hexDigit(byte & 0x0F))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The lower-case hex digit of a value 0–15.
    @inlinable
    public static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
    }

    public static func sha256Hex(_ text: String) -> String { sha256Hex(Data(text.utf8)) }

    /// A document's id: stable for (namespace, source), 32 hex characters.
    public static func documentID(namespace: String, source: String) -> String {
        String(sha256Hex(namespace + "\u{0}" + source).prefix(32))
    }
}
