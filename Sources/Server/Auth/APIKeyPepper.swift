import Crypto
import Foundation

/// The server-side secret mixed into every stored key hash: HMAC-SHA256(pepper, key). A copy of the
/// database alone (a backup, a stolen file) does not allow offline guessing without the pepper.
public struct APIKeyPepper: Sendable {
    private let key: SymmetricKey

    /// - Throws: `AuthError(.configuration)` for fewer than 32 bytes.
    public init(bytes: [UInt8]) throws {
        guard bytes.count >= 32 else {
            throw AuthError(.configuration, "the API key pepper must be at least 32 bytes; got \(bytes.count)")
        }
        key = SymmetricKey(data: bytes)
    }

    /// The 32-byte hash stored for `token`.
    func hash(_ token: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Data(token.utf8), using: key))
    }

    /// Reads the pepper file, creating it (32 random bytes, mode 0600, exclusively) when it does not exist.
    ///
    /// - Throws: `AuthError(.configuration)` when the file is unreadable, shorter than 32 bytes, or readable
    ///   by group or others.
    public static func loadOrCreate(file path: String) throws -> APIKeyPepper {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if fd >= 0 {
            let bytes = APIKeyToken.randomSecret()
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            let synced = fsync(fd)
            close(fd)
            guard written == bytes.count, synced == 0 else {
                unlink(path)
                throw AuthError(.configuration, "cannot write the API key pepper to \(path): \(String(cString: strerror(errno)))", context: path)
            }
            return try APIKeyPepper(bytes: bytes)
        }
        guard errno == EEXIST else {
            throw AuthError(.configuration, "cannot create the API key pepper file \(path): \(String(cString: strerror(errno)))", context: path)
        }
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw AuthError(.configuration, "cannot read the API key pepper file \(path): \(String(cString: strerror(errno)))", context: path)
        }
        guard info.st_mode & 0o077 == 0 else {
            throw AuthError(.configuration, "the API key pepper file \(path) is readable by others; run chmod 600 \(path)", context: path)
        }
        guard let data = FileManager.default.contents(atPath: path), data.count >= 32 else {
            throw AuthError(.configuration, "the API key pepper file \(path) is unreadable or shorter than 32 bytes", context: path)
        }
        return try APIKeyPepper(bytes: Array(data))
    }
}

/// Equality in time independent of where the bytes differ (lengths are public: always 32 here).
func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for index in a.indices { difference |= a[index] ^ b[index] }
    return difference == 0
}
