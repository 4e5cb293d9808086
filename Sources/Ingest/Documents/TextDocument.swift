import Foundation
import VectorStore

/// A document given as finished text, stored as one chunk whose id is the document's id: no extraction, no
/// chunking. For benchmark corpora (whose relevance judgements name document ids) and callers that chunk
/// themselves.
public struct TextDocument: Sendable, Equatable {
    public var id: String
    public var title: String
    /// Exactly what is embedded and indexed for BM25.
    public var text: String
    /// Stored as the vector's metadata (`access_level` there sets the chunk's level; public when absent).
    public var metadata: Metadata

    public init(id: String, title: String = "", text: String, metadata: Metadata = [:]) {
        self.id = id
        self.title = title
        self.text = text
        self.metadata = metadata
    }
}

extension DocumentRepository {
    /// Writes `documents` in one transaction, each as a documents row, one chunk (id = the document id), its
    /// BM25 row and its vector `vectors[i]`, replacing what an earlier call wrote for the same ids.
    /// - Throws: `IngestError(.invalidArgument)` when the counts differ; `VectorStoreError` for a bad vector or
    ///   an unknown namespace. Nothing is written then.
    public func put(_ documents: [TextDocument], vectors: [[Float]], namespace: String) throws {
        guard documents.count == vectors.count else {
            throw IngestError(.invalidArgument, "\(documents.count) documents but \(vectors.count) vectors", context: namespace)
        }
        let now = Date().timeIntervalSince1970
        let counter = HeuristicTokenCounter()
        try store.write { tx in
            try tx.upsert(zip(documents, vectors).map { document, vector in
                VectorRecord(id: document.id, documentID: document.id, vector: vector, metadata: document.metadata)
            }, into: namespace)
            for document in documents {
                let hash = Hashing.sha256Hex(document.text)
                let chunk = ChunkRecord(id: document.id, documentID: document.id, ordinal: 0, text: document.text, start: 0,
                                        end: document.text.unicodeScalars.count, headingPath: "",
                                        tokenCount: counter.countTokens(document.text), textHash: hash)
                try ChunkTable.replace(document.id, with: [chunk], namespace: namespace, in: tx)
                let level: String
                if case .string(let value)? = document.metadata[MetadataKey.accessLevel] { level = value } else { level = "public" }
                try tx.execute("""
                    INSERT INTO documents(namespace, id, title, source_url, uploaded_at, chunk_count, last_indexed_at, content_hash,
                                          signature, metadata, access_level, language, format, size_bytes)
                    VALUES (?, ?, ?, ?, ?, 1, ?, ?, 'text', '{}', ?, 'und', 'text', ?)
                    ON CONFLICT(namespace, id) DO UPDATE SET title = excluded.title, last_indexed_at = excluded.last_indexed_at,
                        content_hash = excluded.content_hash, access_level = excluded.access_level, size_bytes = excluded.size_bytes
                    """, [.text(namespace), .text(document.id),
                          store.seal(text: document.title, .documentsTitle, row: [.text(namespace), .text(document.id)]),
                          .text("text:" + document.id), .real(now),
                          .real(now), .text(hash), .text(level), .integer(Int64(document.text.utf8.count))])
            }
        }
    }
}
