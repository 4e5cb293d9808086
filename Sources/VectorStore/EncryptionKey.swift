import Crypto
import Foundation

/// The 256-bit key of an encrypted store, given as 64 hex digits or as base64 of 32 bytes.
///
/// The key itself never touches the database: values are sealed with an AES-256-GCM key derived from it by
/// HKDF-SHA256, and the store records only `id` (8 bytes of another HKDF output, 16 hex digits), so an
/// error can say which key a store expects without revealing anything that helps guess it.
public struct EncryptionKey: Sendable {
    /// 16 hex digits naming the key; safe to print and log.
    public let id: String
    let sealingKey: SymmetricKey
    let idBytes: [UInt8]

    /// - Throws: `VectorStoreError(.invalidEncryptionKey)` unless `bytes` is exactly 32 bytes.
    public init(bytes: [UInt8]) throws {
        guard bytes.count == 32 else {
            throw VectorStoreError(.invalidEncryptionKey, "an encryption key must be 32 bytes (256 bits); got \(bytes.count)")
        }
        let material = SymmetricKey(data: bytes)
        sealingKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: material, info: Data("ragctl store aes-256-gcm v1".utf8),
                                            outputByteCount: 32)
        idBytes = HKDF<SHA256>.deriveKey(inputKeyMaterial: material, info: Data("ragctl store key id v1".utf8),
                                         outputByteCount: 8).withUnsafeBytes { Array($0) }
        id = idBytes.map { String(format: "%02x", $0) }.joined()
    }

    /// Parses 64 hex digits or base64 (standard or URL-safe, padding optional) of 32 bytes; surrounding
    /// whitespace (a trailing newline in a key file) is ignored.
    /// - Throws: `VectorStoreError(.invalidEncryptionKey)` saying what was expected (never echoing the input).
    public init(encoded: String) throws {
        let text = encoded.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.count == 64, let bytes = Self.hex(text) {
            try self.init(bytes: bytes)
            return
        }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64) else {
            throw VectorStoreError(.invalidEncryptionKey,
                "an encryption key must be 64 hex digits or base64 of 32 bytes (openssl rand -base64 32); the given value is neither")
        }
        guard data.count == 32 else {
            throw VectorStoreError(.invalidEncryptionKey, "an encryption key must be 32 bytes; the given base64 decodes to \(data.count)")
        }
        try self.init(bytes: Array(data))
    }

    /// Reads a key file (64 hex digits or base64 of 32 bytes).
    /// - Throws: `VectorStoreError(.invalidEncryptionKey)` when the file is missing, unreadable, readable or
    ///   writable by group or others (like ssh's private keys), or holds no valid key; the message names the file.
    public init(file path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw VectorStoreError(.invalidEncryptionKey, "cannot read the encryption key file \(path): \(String(cString: strerror(errno)))",
                                   context: path)
        }
        guard info.st_mode & 0o077 == 0 else {
            throw VectorStoreError(.invalidEncryptionKey,
                "the encryption key file \(path) is accessible by group or others (mode \(String(info.st_mode & 0o777, radix: 8))); run chmod 600 \(path)",
                context: path)
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw VectorStoreError(.invalidEncryptionKey, "cannot read the encryption key file \(path)", context: path)
        }
        do {
            try self.init(encoded: text)
        } catch let error as VectorStoreError {
            throw VectorStoreError(.invalidEncryptionKey, "encryption key file \(path): \(error.message)", context: path)
        }
    }

    /// A new random key, base64-encoded (what `init(encoded:)` reads).
    public static func generateEncoded() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    private static func hex(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var iterator = text.utf8.makeIterator()
        while let high = iterator.next() {
            guard let low = iterator.next(), let h = nibble(high), let l = nibble(low) else { return nil }
            bytes.append(h << 4 | l)
        }
        return bytes
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
