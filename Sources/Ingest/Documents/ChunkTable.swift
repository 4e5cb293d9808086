import VectorStore

/// The one place `chunks` rows are written or deleted. Each change carries the chunk's BM25 row along in the
/// same transaction, so the lexical index never disagrees with the chunks (and, since callers change vectors in
/// that transaction too, with the dense index). In an encrypted store the text and heading path are sealed and
/// the BM25 rows go to the in-memory index after the commit (`LexicalMemory`).
enum ChunkTable {
    /// Replaces every chunk of `documentID` with `chunks` (their `documentID` must be `documentID`).
    static func replace(_ documentID: String, with chunks: [ChunkRecord], namespace: String, in tx: WriteTransaction) throws {
        let store = tx.vectorStore
        guard store.isEncrypted else {
            let table = try LexicalIndex.table(for: namespace, in: tx)
            try delete(documentID, namespace: namespace, table: table, in: tx)
            for chunk in chunks {
                let rowid = try LexicalIndex.insert(chunkID: chunk.id, heading: chunk.headingPath, text: chunk.text, table: table, in: tx)
                try insert(chunk, of: documentID, text: .text(chunk.text), heading: .text(chunk.headingPath),
                           lexicalRowID: .integer(rowid), namespace: namespace, in: tx)
            }
            return
        }
        var change = LexicalMemory.Change()
        change.deleted = try deleteSealed(documentID, namespace: namespace, in: tx)
        for chunk in chunks {
            let key: [SQLValue] = [.text(namespace), .text(chunk.id)]
            try insert(chunk, of: documentID, text: store.seal(text: chunk.text, .chunksText, row: key),
                       heading: store.seal(text: chunk.headingPath, .chunksHeadingPath, row: key), lexicalRowID: .null,
                       namespace: namespace, in: tx)
            guard let rowid = try tx.query("SELECT last_insert_rowid()").first?.first?.int else {
                throw IngestError(.storage, "no rowid after inserting chunk \"\(chunk.id)\"", context: namespace)
            }
            change.inserted.append((Int64(rowid), chunk.id, chunk.headingPath, chunk.text))
        }
        LexicalMemory.of(store).record(change, namespace: namespace, in: tx)
    }

    /// Deletes every chunk of `documentID` with its BM25 row.
    static func delete(_ documentID: String, namespace: String, in tx: WriteTransaction) throws {
        if tx.vectorStore.isEncrypted {
            let deleted = try deleteSealed(documentID, namespace: namespace, in: tx)
            LexicalMemory.of(tx.vectorStore).record(LexicalMemory.Change(deleted: deleted), namespace: namespace, in: tx)
            return
        }
        guard let table = try tx.query("SELECT table_name FROM lexical_indexes WHERE namespace = ?",
                                       [.text(namespace)]).first?.first?.string else {
            // No index: the namespace never had chunks written since BM25 existed; build it lazily later.
            try tx.execute("DELETE FROM chunks WHERE namespace = ? AND document_id = ?", [.text(namespace), .text(documentID)])
            return
        }
        try delete(documentID, namespace: namespace, table: table, in: tx)
    }

    private static func insert(_ chunk: ChunkRecord, of documentID: String, text: SQLValue, heading: SQLValue, lexicalRowID: SQLValue, namespace: String,
                               in tx: WriteTransaction) throws {
        try tx.execute("""
            INSERT INTO chunks(namespace, id, document_id, ordinal, text, start_offset, end_offset, heading_path, token_count,
                               text_hash, lexical_rowid)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(namespace), .text(chunk.id), .text(documentID), .integer(Int64(chunk.ordinal)), text,
                  .integer(Int64(chunk.start)), .integer(Int64(chunk.end)), heading,
                  .integer(Int64(chunk.tokenCount)), .text(chunk.textHash), lexicalRowID])
    }

    private static func delete(_ documentID: String, namespace: String, table: String, in tx: WriteTransaction) throws {
        let rowids = try tx.query("SELECT lexical_rowid FROM chunks WHERE namespace = ? AND document_id = ? AND lexical_rowid IS NOT NULL",
                                  [.text(namespace), .text(documentID)]).compactMap { $0.first?.int.map(Int64.init) }
        try LexicalIndex.delete(rowids: rowids, table: table, in: tx)
        try tx.execute("DELETE FROM chunks WHERE namespace = ? AND document_id = ?", [.text(namespace), .text(documentID)])
    }

    /// Deletes the document's chunks from an encrypted store; returns their rowids (their in-memory BM25 rows).
    private static func deleteSealed(_ documentID: String, namespace: String, in tx: WriteTransaction) throws -> [Int64] {
        let rowids = try tx.query("SELECT rowid FROM chunks WHERE namespace = ? AND document_id = ?",
                                  [.text(namespace), .text(documentID)]).compactMap { $0.first?.int.map(Int64.init) }
        try tx.execute("DELETE FROM chunks WHERE namespace = ? AND document_id = ?", [.text(namespace), .text(documentID)])
        return rowids
    }
}
