import Foundation
import VectorStore

/// The BM25 indexes of an encrypted store: one FTS5 table per namespace in a `MemoryDatabase`, because an FTS5
/// table on disk holds every indexed word in plaintext (its term dictionary and its copy of the text).
///
/// An index is built from the namespace's decrypted chunks on the first search and tagged with the namespace's
/// generation read before the chunks. It then follows this process's own writes: `ChunkTable` records each
/// transaction's deleted and inserted rows, and after the commit they are applied when the index was current
/// just before it (or already rebuilt from it). Any other change of the generation — another process ingested,
/// a transaction touched the namespace without going through `ChunkTable` — makes the next search rebuild it.
///
/// Rows use the chunk's own rowid as their FTS5 rowid. Ties in BM25 are ordered by rowid, and both rowids grow
/// in the order chunks were written, so rankings (and scores: FTS5 computes them from the same statistics) equal
/// those of the on-disk index of an unencrypted store with the same history.
final class LexicalMemory: @unchecked Sendable {
    /// The table name inside every namespace's database.
    static let table = "lexical"

    /// One transaction's changes to a namespace's chunks.
    struct Change: Sendable {
        var deleted: [Int64] = []
        var inserted: [(rowid: Int64, chunkID: String, heading: String, text: String)] = []
    }

    final class Entry: @unchecked Sendable {
        let lock = NSLock()
        var database: MemoryDatabase?       // guarded by lock
        var generation: Int64?              // guarded by lock; nil: rebuild before use
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]   // guarded by lock

    /// The store's indexes (one object per open store).
    static func of(_ store: VectorStore) -> LexicalMemory {
        store.attachment(LexicalMemory.self) { LexicalMemory() }
    }

    /// Runs `body` with the namespace's current index, building it first when it is missing or stale; nil when
    /// the namespace does not exist. Searches of one namespace run one at a time (as the disk path shares one
    /// reader connection); different namespaces run in parallel.
    /// - Throws: `VectorStoreError(.decryptionFailed)` naming a chunk that does not decrypt; SQLite errors.
    func withIndex<T>(store: VectorStore, namespace: String, _ body: (MemoryDatabase) throws -> T) throws -> T? {
        let entry = lock.withLock {
            if let entry = entries[namespace] { return entry }
            let entry = Entry()
            entries[namespace] = entry
            return entry
        }
        return try entry.lock.withLock {
            guard let generation = try store.query("SELECT generation FROM namespaces WHERE name = ?", [.text(namespace)])
                .first?.first.flatMap({ $0.int.map(Int64.init) }) else {
                entry.database = nil
                entry.generation = nil
                lock.withLock { if entries[namespace] === entry { entries[namespace] = nil } }
                return nil
            }
            if entry.generation != generation || entry.database == nil {
                entry.database = nil
                entry.database = try Self.build(store: store, namespace: namespace)
                entry.generation = generation
            }
            return try body(entry.database!)
        }
    }

    /// Queues `change` to be applied after the transaction commits (and marks the namespace changed).
    func record(_ change: Change, namespace: String, in tx: WriteTransaction) {
        tx.touch(namespace)
        tx.onCommit { [self] generations in apply(change, namespace: namespace, generation: generations[namespace]) }
    }

    /// Forgets the indexes of namespaces not in `existing`.
    func retain(_ existing: Set<String>) {
        lock.withLock { entries = entries.filter { existing.contains($0.key) } }
    }

    private func apply(_ change: Change, namespace: String, generation new: Int64?) {
        guard let entry = lock.withLock({ entries[namespace] }) else { return }
        entry.lock.withLock {
            guard let new, let database = entry.database, let current = entry.generation, current == new - 1 || current == new else {
                entry.generation = nil
                return
            }
            do {
                // Idempotent: applied to an index rebuilt after the commit, it leaves that index as it was.
                try database.transaction {
                    for rowid in change.deleted + change.inserted.map(\.rowid) {
                        try database.execute("DELETE FROM \(Self.table) WHERE rowid = ?", [.integer(rowid)])
                    }
                    for row in change.inserted {
                        try database.execute("INSERT INTO \(Self.table)(rowid, chunk_id, heading, text) VALUES (?, ?, ?, ?)",
                                             [.integer(row.rowid), .text(row.chunkID), .text(row.heading), .text(row.text)])
                    }
                }
                entry.generation = new
            } catch {
                entry.generation = nil
            }
        }
    }

    /// A fresh index of the namespace's chunks, decrypted 1,000 at a time in rowid order. `NOT INDEXED` makes
    /// each page a rowid range scan (the namespace index would sort the whole namespace again for every page).
    private static func build(store: VectorStore, namespace: String) throws -> MemoryDatabase {
        let database = try MemoryDatabase()
        try database.execute("""
            CREATE VIRTUAL TABLE \(table) USING fts5(chunk_id UNINDEXED, heading, text, tokenize = '\(LexicalIndex.tokenizer)')
            """)
        try database.transaction {
            var last = Int64.min
            while true {
                let rows = try store.query("""
                    SELECT rowid, id, heading_path, text FROM chunks NOT INDEXED WHERE namespace = ? AND rowid > ? ORDER BY rowid LIMIT 1000
                    """, [.text(namespace), .integer(last)])
                guard let end = rows.last?.first?.int else { break }
                for row in rows {
                    let key: [SQLValue] = [.text(namespace), row[1]]
                    let heading = try store.openText(row[2], .chunksHeadingPath, row: key) ?? ""
                    let text = try store.openText(row[3], .chunksText, row: key) ?? ""
                    try database.execute("INSERT INTO \(table)(rowid, chunk_id, heading, text) VALUES (?, ?, ?, ?)",
                                         [row[0], row[1], .text(heading), .text(text)])
                }
                last = Int64(end)
            }
        }
        return database
    }
}
