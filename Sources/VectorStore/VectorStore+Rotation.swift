import Foundation

/// What `VectorStore.rotateEncryption` did.
public struct EncryptionRotationReport: Sendable, Equatable {
    /// The key id before (nil: the store was not encrypted) and after (nil: it is no longer encrypted).
    public var previousKeyID: String?
    public var newKeyID: String?
    /// Values re-sealed (or decrypted) per `table.column`, every registered column listed.
    public var values: [String: Int]
    public var seconds: Double

    public var total: Int { values.values.reduce(0, +) }
}

extension VectorStore {
    /// Re-seals every value of every registered encrypted column under `newKey` — or, with `newKey` nil,
    /// stores them as plaintext — in one transaction: either every value moves to the new key or nothing
    /// changes. The store's current key is `configuration.encryptionKey` (nil for a plaintext store, which this
    /// then encrypts for the first time).
    ///
    /// Runs alone: it takes the store's lock file exclusively and fails at once if any other process or
    /// `VectorStore` has the store open. After the commit the write-ahead log is checkpointed and truncated and
    /// the file is rebuilt with `VACUUM` (with `secure_delete` on), so no page of the old form stays in the file.
    /// - Parameter inTransaction: runs last inside the transaction (Ingest drops its on-disk BM25 tables there
    ///   when the store becomes encrypted).
    /// - Throws: the open errors (wrong or missing current key); `storeInUse`; `invalidArgument` when the store
    ///   is already in the asked state; `decryptionFailed` naming the first value that does not open (nothing
    ///   is changed then).
    public static func rotateEncryption(path: String, configuration: Configuration, to newKey: EncryptionKey?,
                                        inTransaction: (WriteTransaction) throws -> Void = { _ in }) throws -> EncryptionRotationReport {
        let started = Date()
        let store = try VectorStore(path: path, configuration: configuration, loadNamespaces: false)
        try store.lockFile.lockExclusively(storePath: path)
        let old = store.cipher
        let new = newKey.map(StoreCipher.init)
        if old == nil, new == nil {
            throw VectorStoreError(.invalidArgument, "store \(path) is not encrypted; there is nothing to decrypt", context: path)
        }
        if let old, let new, old.keyID == new.keyID {
            throw VectorStoreError(.invalidArgument, "the new key is the store's current key (key id \(old.keyID))", context: path)
        }
        let writer = store.writer
        try writer.execute("PRAGMA secure_delete = ON; PRAGMA temp_store = MEMORY")
        var values: [String: Int] = [:]
        try store.writeLock.withLock {
            try writer.transaction {
                for column in try writer.encryptedColumns() {
                    values[column.description] = try store.reseal(column, from: old, to: new)
                }
                try writer.execute("DELETE FROM store_encryption")
                if let new {
                    let check = new.seal(Array(keyCheckText.utf8), associatedData: keyCheck.associatedData(row: [.integer(1)]))
                    let insert = try writer.prepare("""
                        INSERT INTO store_encryption(id, key_id, key_check, created_at, rotated_at) VALUES (1, ?, ?, ?, ?)
                        """)
                    insert.bind(1, new.keyID)
                    insert.bind(2, blob: check)
                    insert.bind(3, Date().timeIntervalSince1970)
                    insert.bind(4, Date().timeIntervalSince1970)
                    try insert.run()
                }
                try inTransaction(WriteTransaction(store: store))
            }
            // The old form may still sit in the log and in freed pages: copy the log in and truncate it, then
            // rebuild the file from the live rows only, and truncate the log VACUUM wrote through.
            try writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            try writer.execute("VACUUM")
            try writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        return EncryptionRotationReport(previousKeyID: old?.keyID, newKeyID: new?.keyID, values: values,
                                        seconds: Date().timeIntervalSince(started))
    }

    /// `rotateEncryption` for the store in `directory/store.sqlite`.
    public static func rotateEncryption(directory: String, configuration: Configuration, to newKey: EncryptionKey?,
                                        inTransaction: (WriteTransaction) throws -> Void = { _ in }) throws -> EncryptionRotationReport {
        try rotateEncryption(path: (directory as NSString).appendingPathComponent("store.sqlite"), configuration: configuration,
                             to: newKey, inTransaction: inTransaction)
    }

    /// Re-seals one column's values, 512 rows at a time in rowid order (a page is read whole before any of it
    /// is updated). Returns how many values it rewrote.
    private func reseal(_ column: EncryptedColumn, from old: StoreCipher?, to new: StoreCipher?) throws -> Int {
        let keys = column.rowKey.map(quoted).joined(separator: ", ")
        let select = try writer.prepare("""
            SELECT rowid, \(keys), \(quoted(column.column)) FROM \(quoted(column.table))
            WHERE rowid > ? AND \(quoted(column.column)) IS NOT NULL ORDER BY rowid LIMIT 512
            """)
        let update = try writer.prepare("UPDATE \(quoted(column.table)) SET \(quoted(column.column)) = ? WHERE rowid = ?")
        var last = Int64.min
        var count = 0
        while true {
            select.bind(1, last)
            var page: [(rowid: Int64, row: [SQLValue], value: SQLValue)] = []
            while try select.step() {
                let values = select.row()
                page.append((select.int(0), Array(values[1..<values.count - 1]), values[values.count - 1]))
            }
            select.reset()
            guard let end = page.last?.rowid else { return count }
            for item in page {
                let associated = column.associatedData(row: item.row)
                let plain: [UInt8]
                if let old {
                    guard case .blob(let sealed) = item.value else {
                        throw VectorStoreError(.decryptionFailed,
                            "\(column) of row \(column.describe(row: item.row)) is not encrypted, in an encrypted store", context: path)
                    }
                    do {
                        plain = Array(try old.open(sealed, associatedData: associated))
                    } catch {
                        throw VectorStoreError(.decryptionFailed,
                            "cannot decrypt \(column) of row \(column.describe(row: item.row)): \(error); nothing was changed", context: path)
                    }
                } else {
                    switch item.value {
                    case .text(let text): plain = Array(text.utf8)
                    case .blob(let bytes): plain = bytes
                    case .null, .integer, .real: continue
                    }
                }
                if let new {
                    update.bind(1, blob: new.seal(plain, associatedData: associated))
                } else if column.kind == .text {
                    update.bind(1, String(decoding: plain, as: UTF8.self))
                } else {
                    update.bind(1, blob: plain)
                }
                update.bind(2, item.rowid)
                try update.run()
                count += 1
            }
            last = end
        }
    }
}
