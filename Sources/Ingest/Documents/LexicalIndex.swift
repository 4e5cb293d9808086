import Foundation
import VectorStore

/// One chunk matched by a BM25 search: its id and BM25 score (higher is better).
public struct LexicalHit: Sendable, Equatable {
    public var chunkID: String
    public var score: Double

    public init(chunkID: String, score: Double) {
        self.chunkID = chunkID
        self.score = score
    }
}

/// BM25 over a namespace's chunks, kept by SQLite FTS5 in the store's file — or, for an encrypted store, in
/// memory only (`LexicalMemory`: an FTS5 table on disk would hold the text and its words in plaintext).
///
/// **One FTS5 table per namespace.** FTS5's `bm25()` takes its statistics (document count, average length,
/// each term's document frequency) from the whole table, so a table shared by namespaces would let one tenant's
/// documents shift another's scores. A table per namespace makes every statistic exact for the namespace, and
/// the built-in `bm25()` (k1 = 1.2, b = 0.75) then needs no code of ours: a grid over k1 ∈ {0.6…1.5} and
/// b ∈ {0.4…0.9} on the SciFact train split moved nDCG@10 by at most 0.002, so the defaults stay.
///
/// Tables are named `lexical_N` (N never reused) and registered in `lexical_indexes`. Columns: `chunk_id`
/// (not indexed), `heading` (the heading path) and `text`, tokenized by `porter unicode61 remove_diacritics 2`
/// (Porter stemming: SciFact train nDCG@10 0.699 against 0.670 without). Each `chunks` row stores its FTS5
/// rowid, so deleting a document's chunks deletes their index rows by key, in the same transaction
/// (`ChunkTable` is the only writer of both). Filters and clearance are not the index's business: the searcher
/// checks its hits with the vector store, which owns the metadata.
public struct LexicalIndex: Sendable {
    /// The FTS5 tokenizer of every table.
    public static let tokenizer = "porter unicode61 remove_diacritics 2"

    public let store: VectorStore

    public init(store: VectorStore) { self.store = store }

    /// Runs SQL against the database that holds an index.
    typealias Run = (_ sql: String, _ arguments: [SQLValue]) throws -> [[SQLValue]]

    /// The namespace's FTS5 table in the store's file, or nil when it has none (no chunk was ever written to it,
    /// or the store is encrypted and keeps its index in memory).
    public func tableName(namespace: String) throws -> String? {
        try store.query("SELECT table_name FROM lexical_indexes WHERE namespace = ?", [.text(namespace)]).first?.first?.string
    }

    /// Makes sure a namespace with chunks has its index: on disk, built from the chunks when they were written
    /// before BM25 existed (a database from an older version); for an encrypted store, built in memory from the
    /// decrypted chunks (or rebuilt when another process changed the namespace). Returns false when there is
    /// nothing to index (no chunks on disk; the namespace does not exist in memory).
    @discardableResult
    public func prepare(namespace: String) throws -> Bool {
        try withIndex(namespace: namespace) { _, _ in true } ?? false
    }

    /// Runs `body` with the namespace's FTS5 table and the database holding it; nil when it has no index.
    private func withIndex<T>(namespace: String, _ body: (_ table: String, _ run: Run) throws -> T) throws -> T? {
        if store.isEncrypted {
            return try LexicalMemory.of(store).withIndex(store: store, namespace: namespace) { database in
                try body(LexicalMemory.table, database.query)
            }
        }
        if let table = try tableName(namespace: namespace) { return try body(table, store.query) }
        guard try !store.query("SELECT 1 FROM chunks WHERE namespace = ? LIMIT 1", [.text(namespace)]).isEmpty else { return nil }
        let table = try store.write { tx in try Self.table(for: namespace, in: tx) }
        return try body(table, store.query)
    }

    /// Chunks matching any word of `query`, best first by BM25 score (ties in index order).
    /// - Parameter limit: the best `limit` matches; nil for every match.
    /// - Complexity: FTS5 scores every chunk holding a query word (stop words are left out of the query); only
    ///   the returned rows' ids are read.
    public func search(_ query: LexicalQuery, namespace: String, limit: Int?) throws -> [LexicalHit] {
        guard let expression = query.matchExpression else { return [] }
        return try withIndex(namespace: namespace) { table, run in
            let rows = try Self.rankedRows(expression, table: table, limit: limit, run: run)
            let ids = try Self.chunkIDs(rows.map(\.rowid), table: table, run: run)
            return rows.compactMap { row in ids[row.rowid].map { LexicalHit(chunkID: $0, score: row.score) } }
        } ?? []
    }

    /// The best `k` matches that `accept` lets through, best first.
    ///
    /// `accept` receives chunk ids in rank order, a page at a time, and answers one flag per id; pages grow until
    /// `k` are accepted or the matches run out, so the result equals ranking only the accepted chunks.
    /// - Parameter selective: true when `accept` may reject many chunks (a filter, a clearance below the highest):
    ///   every match is then ranked in memory first. Otherwise FTS5 ranks and cuts to `k` itself, and the walk
    ///   happens only if `accept` rejects one of those.
    public func search(_ query: LexicalQuery, namespace: String, k: Int, selective: Bool,
                       accept: ([String]) throws -> [Bool]) throws -> [LexicalHit] {
        guard k > 0, let expression = query.matchExpression else { return [] }
        return try withIndex(namespace: namespace) { table, run in
            if !selective {
                let rows = try Self.rankedRows(expression, table: table, limit: k, run: run)
                let ids = try Self.chunkIDs(rows.map(\.rowid), table: table, run: run)
                let hits = rows.compactMap { row in ids[row.rowid].map { LexicalHit(chunkID: $0, score: row.score) } }
                if try !accept(hits.map(\.chunkID)).contains(false) { return hits }
            }
            let rows = try Self.rankedRows(expression, table: table, limit: nil, run: run)
            var kept: [LexicalHit] = []
            var start = 0
            var page = max(64, 2 * k)
            while start < rows.count && kept.count < k {
                let slice = rows[start..<min(rows.count, start + page)]
                let ids = try Self.chunkIDs(slice.map(\.rowid), table: table, run: run)
                let hits = slice.compactMap { row in ids[row.rowid].map { LexicalHit(chunkID: $0, score: row.score) } }
                for (hit, pass) in zip(hits, try accept(hits.map(\.chunkID))) where pass && kept.count < k { kept.append(hit) }
                start += slice.count
                page *= 2
            }
            return kept
        } ?? []
    }

    /// FTS5 rowids and BM25 scores (higher is better) of the matches, best first, ties by rowid.
    /// Column weights: chunk_id (not indexed) 0, heading 1, text 1.
    static func rankedRows(_ expression: String, table: String, limit: Int?, run: Run) throws -> [(rowid: Int64, score: Double)] {
        let quoted = Self.quoted(table)
        let bm25 = "bm25(\(quoted), 0.0, 1.0, 1.0)"
        // Only rowids and scores: reading the chunk id of every match would cost as much as the scoring.
        if let limit {
            return try run("SELECT rowid, -\(bm25) FROM \(quoted) WHERE \(quoted) MATCH ? ORDER BY \(bm25), rowid LIMIT ?",
                           [.text(expression), .integer(Int64(max(0, limit)))])
                .map { (Int64($0[0].int ?? 0), $0[1].double ?? 0) }
        }
        var rows = try run("SELECT rowid, -\(bm25) FROM \(quoted) WHERE \(quoted) MATCH ?", [.text(expression)])
            .map { (rowid: Int64($0[0].int ?? 0), score: $0[1].double ?? 0) }
        rows.sort { $0.score != $1.score ? $0.score > $1.score : $0.rowid < $1.rowid }
        return rows
    }

    /// Chunk ids of index rows.
    static func chunkIDs(_ rowids: [Int64], table: String, run: Run) throws -> [Int64: String] {
        var result: [Int64: String] = [:]
        let quoted = Self.quoted(table)
        for start in stride(from: 0, to: rowids.count, by: 500) {
            let slice = rowids[start..<min(rowids.count, start + 500)]
            let placeholders = slice.map { _ in "?" }.joined(separator: ",")
            for row in try run("SELECT rowid, chunk_id FROM \(quoted) WHERE rowid IN (\(placeholders))", slice.map { .integer($0) }) {
                if let rowid = row[0].int, let id = row[1].string { result[Int64(rowid)] = id }
            }
        }
        return result
    }

    /// Drops FTS5 tables no namespace refers to any more (left by `VectorStore.dropNamespace`, whose trigger
    /// unregisters them but cannot drop a table it does not know the name of); for an encrypted store, forgets
    /// the in-memory indexes of dropped namespaces.
    public func dropOrphans() throws {
        if store.isEncrypted {
            LexicalMemory.of(store).retain(Set(store.listNamespaces().map(\.name)))
            return
        }
        try store.write { tx in try Self.dropOrphans(in: tx) }
    }

    /// For `VectorStore.rotateEncryption`'s transaction: a store becoming encrypted loses its on-disk FTS5 tables
    /// (they hold the text; the in-memory index replaces them). A store being decrypted needs nothing: its
    /// tables are built from the chunks on first use.
    public static func prepareForRotation(encrypting: Bool, in tx: WriteTransaction) throws {
        guard encrypting else { return }
        let tables = try tx.query("""
            SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'lexical_[0-9]*' AND sql LIKE 'CREATE VIRTUAL TABLE%'
            """)
        for row in tables {
            guard let name = row.first?.string else { continue }
            try tx.execute("DROP TABLE \(quoted(name))")
        }
        try tx.execute("DELETE FROM lexical_indexes")
        try tx.execute("UPDATE chunks SET lexical_rowid = NULL")
    }

    // MARK: Writes, inside a store transaction (used by `ChunkTable`)

    /// The namespace's table, created (and filled from its existing chunks) when missing.
    static func table(for namespace: String, in tx: WriteTransaction) throws -> String {
        if let name = try tx.query("SELECT table_name FROM lexical_indexes WHERE namespace = ?", [.text(namespace)]).first?.first?.string {
            return name
        }
        try dropOrphans(in: tx)
        try tx.execute("INSERT INTO lexical_indexes(namespace, table_name, tokenizer, created_at) VALUES (?, '', ?, ?)",
                       [.text(namespace), .text(tokenizer), .real(Date().timeIntervalSince1970)])
        guard let id = try tx.query("SELECT id FROM lexical_indexes WHERE namespace = ?", [.text(namespace)]).first?.first?.int else {
            throw IngestError(.storage, "could not register the BM25 index", context: namespace)
        }
        let name = "lexical_\(id)"
        try tx.execute("UPDATE lexical_indexes SET table_name = ? WHERE id = ?", [.text(name), .integer(Int64(id))])
        try tx.execute("CREATE VIRTUAL TABLE \(quoted(name)) USING fts5(chunk_id UNINDEXED, heading, text, tokenize = '\(tokenizer)')")
        // Chunks written before this index existed: their own rowids are unique and the table is empty, so they
        // serve as index rowids; later rows get fresh ones from FTS5.
        try tx.execute("""
            INSERT INTO \(quoted(name))(rowid, chunk_id, heading, text)
            SELECT rowid, id, heading_path, text FROM chunks WHERE namespace = ?
            """, [.text(namespace)])
        try tx.execute("UPDATE chunks SET lexical_rowid = rowid WHERE namespace = ?", [.text(namespace)])
        return name
    }

    /// Adds one chunk's row; returns its rowid.
    static func insert(chunkID: String, heading: String, text: String, table: String, in tx: WriteTransaction) throws -> Int64 {
        try tx.execute("INSERT INTO \(quoted(table))(chunk_id, heading, text) VALUES (?, ?, ?)",
                       [.text(chunkID), .text(heading), .text(text)])
        guard let rowid = try tx.query("SELECT last_insert_rowid()").first?.first?.int else {
            throw IngestError(.storage, "no rowid after inserting chunk \"\(chunkID)\" into \(table)")
        }
        return Int64(rowid)
    }

    static func delete(rowids: [Int64], table: String, in tx: WriteTransaction) throws {
        for rowid in rowids {
            try tx.execute("DELETE FROM \(quoted(table)) WHERE rowid = ?", [.integer(rowid)])
        }
    }

    static func dropOrphans(in tx: WriteTransaction) throws {
        let orphans = try tx.query("""
            SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'lexical_[0-9]*' AND sql LIKE 'CREATE VIRTUAL TABLE%'
              AND name NOT IN (SELECT table_name FROM lexical_indexes)
            """)
        for row in orphans {
            guard let name = row.first?.string else { continue }
            try tx.execute("DROP TABLE \(quoted(name))")
        }
    }

    /// A table name as an SQL identifier (names are `lexical_N`; quoting is belt and braces).
    static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}
