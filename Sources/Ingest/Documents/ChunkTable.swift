import VectorStore

/// The one place `chunks` rows are written or deleted. Each change carries the chunk's BM25 row along in the
/// same transaction, so the lexical index never disagrees with the chunks (and, since callers change vectors in
/// that transaction too, with the dense index).
enum ChunkTable {
    /// Replaces every chunk of `documentID` with `chunks` (their `documentID` must be `documentID`).
    static func replace(_ documentID: String, with chunks: [ChunkRecord], namespace: String, in tx: WriteTransaction) throws {
        let table = try LexicalIndex.table(for: namespace, in: tx)
        try delete(documentID, namespace: namespace, table: table, in: tx)
        for chunk in chunks {
            let rowid = try LexicalIndex.insert(chunkID: chunk.id, heading: chunk.headingPath, text: chunk.text, table: table, in: tx)
            try tx.execute("""
                INSERT INTO chunks(namespace, id, document_id, ordinal, text, start_offset, end_offset, heading_path, token_count,
                                   text_hash, lexical_rowid)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(namespace), .text(chunk.id), .text(documentID), .integer(Int64(chunk.ordinal)), .text(chunk.text),
                      .integer(Int64(chunk.start)), .integer(Int64(chunk.end)), .text(chunk.headingPath),
                      .integer(Int64(chunk.tokenCount)), .text(chunk.textHash), .integer(rowid)])
        }
    }

    /// Deletes every chunk of `documentID` with its BM25 row.
    static func delete(_ documentID: String, namespace: String, in tx: WriteTransaction) throws {
        guard let table = try tx.query("SELECT table_name FROM lexical_indexes WHERE namespace = ?",
                                       [.text(namespace)]).first?.first?.string else {
            // No index: the namespace never had chunks written since BM25 existed; build it lazily later.
            try tx.execute("DELETE FROM chunks WHERE namespace = ? AND document_id = ?", [.text(namespace), .text(documentID)])
            return
        }
        try delete(documentID, namespace: namespace, table: table, in: tx)
    }

    private static func delete(_ documentID: String, namespace: String, table: String, in tx: WriteTransaction) throws {
        let rowids = try tx.query("SELECT lexical_rowid FROM chunks WHERE namespace = ? AND document_id = ? AND lexical_rowid IS NOT NULL",
                                  [.text(namespace), .text(documentID)]).compactMap { $0.first?.int.map(Int64.init) }
        try LexicalIndex.delete(rowids: rowids, table: table, in: tx)
        try tx.execute("DELETE FROM chunks WHERE namespace = ? AND document_id = ?", [.text(namespace), .text(documentID)])
    }
}
