import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `<store>-lock`: every open store holds a shared `flock` on it; a rotation of the store's encryption takes it
/// exclusively, so it never runs while another process (a server, an ingest) has the store open, and no
/// process opens the store while a rotation runs. Closed (and released) when the owner goes away.
final class LockFile: @unchecked Sendable {
    private let descriptor: Int32
    let path: String

    /// Opens (creating, mode 0600) `storePath + "-lock"` and takes the shared lock.
    /// - Throws: `storeInUse` while a rotation holds it; `storage` when the file cannot be opened. A file
    ///   system without `flock` support leaves the store unlocked rather than unusable.
    init(storePath: String) throws {
        path = storePath + "-lock"
        descriptor = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw VectorStoreError(.storage, "cannot open the lock file \(path): \(String(cString: strerror(errno)))", context: storePath)
        }
        if flock(descriptor, LOCK_SH | LOCK_NB) != 0, errno == EWOULDBLOCK {
            close(descriptor)
            throw VectorStoreError(.storeInUse,
                "store \(storePath) is being re-encrypted by another process (ragctl keys rotate-encryption); open it when that has finished",
                context: storePath)
        }
    }

    deinit { close(descriptor) }

    /// Upgrades to the exclusive lock.
    /// - Throws: `storeInUse` when another process (or another `VectorStore` of this one) has the store open.
    func lockExclusively(storePath: String) throws {
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            throw VectorStoreError(.storeInUse,
                "store \(storePath) is open in another process (a running ragctl serve, an ingest?); stop it first: re-encryption needs the store alone",
                context: storePath)
        }
    }
}
