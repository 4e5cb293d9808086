import Crypto
import Foundation

/// Seals and opens single column values with AES-256-GCM under one `EncryptionKey`.
///
/// A sealed value is `01 ‖ key id (8 bytes) ‖ nonce (12) ‖ ciphertext ‖ tag (16)`: 37 bytes more than the
/// plaintext. The nonce is random per value (96 bits: far below the 2^32 values per key where random nonces
/// start to matter, even for a billion-chunk store). The authenticated data is the 9-byte header followed by
/// the value's place (`EncryptedColumn.associatedData`), so a changed header, a flipped bit or a value moved
/// to another row all fail to open.
public struct StoreCipher: Sendable {
    static let version: UInt8 = 1
    static let headerSize = 9
    static let overhead = headerSize + 12 + 16

    /// The key's id (16 hex digits).
    public var keyID: String { key.id }
    let key: EncryptionKey
    /// `01 ‖ key id`: the first 9 bytes of every value this key seals.
    let header: [UInt8]

    public init(key: EncryptionKey) {
        self.key = key
        header = [Self.version] + key.idBytes
    }

    /// Why a value did not open.
    enum OpenFailure: Error, CustomStringConvertible {
        case tooShort(Int)
        case unknownVersion(UInt8)
        case otherKey(String)
        case authentication

        var description: String {
            switch self {
            case .tooShort(let count): "it is \(count) bytes, shorter than any sealed value (not encrypted?)"
            case .unknownVersion(let v): "unknown format byte \(v) (not encrypted, or written by a newer version)"
            case .otherKey(let id): "it was sealed with key id \(id), not this store's key"
            case .authentication: "authentication failed: the value was altered, or moved from another row or column"
            }
        }
    }

    /// Seals `plaintext` for the place `associatedData` names.
    func seal(_ plaintext: UnsafeRawBufferPointer, associatedData: [UInt8]) -> [UInt8] {
        // AES-GCM with a fresh random 12-byte nonce cannot fail; `combined` exists for 12-byte nonces.
        let box = try! AES.GCM.seal(plaintext, using: key.sealingKey, nonce: AES.GCM.Nonce(),
                                    authenticating: header + associatedData)
        return header + box.combined!
    }

    func seal(_ plaintext: [UInt8], associatedData: [UInt8]) -> [UInt8] {
        plaintext.withUnsafeBytes { seal($0, associatedData: associatedData) }
    }

    /// Opens a value sealed by `seal` for the same place.
    func open(_ sealed: UnsafeRawBufferPointer, associatedData: [UInt8]) throws(OpenFailure) -> Data {
        guard sealed.count >= Self.overhead else { throw .tooShort(sealed.count) }
        guard sealed[0] == Self.version else { throw .unknownVersion(sealed[0]) }
        let stored = UnsafeRawBufferPointer(rebasing: sealed[0..<Self.headerSize])
        guard stored.elementsEqual(header) else {
            throw .otherKey(stored.dropFirst().map { String(format: "%02x", $0) }.joined())
        }
        do {
            let box = try AES.GCM.SealedBox(combined: UnsafeRawBufferPointer(rebasing: sealed[Self.headerSize...]))
            return try AES.GCM.open(box, using: key.sealingKey, authenticating: header + associatedData)
        } catch {
            throw .authentication
        }
    }

    func open(_ sealed: [UInt8], associatedData: [UInt8]) throws(OpenFailure) -> Data {
        let result = sealed.withUnsafeBytes { raw in Result { () throws(OpenFailure) in try open(raw, associatedData: associatedData) } }
        return try result.get()
    }
}
