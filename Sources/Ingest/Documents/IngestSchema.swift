import VectorStore

/// Tables Ingest keeps in the store's SQLite file, beside the vectors. Shipped migrations are never edited.
public enum IngestSchema {
    public static let migrations: [Migration] = [
        Migration("ingest.v1.documents_chunks_cache_jobs", """
            CREATE TABLE documents (
                namespace TEXT NOT NULL,
                id TEXT NOT NULL,
                title TEXT,
                source_url TEXT NOT NULL,
                uploaded_at REAL NOT NULL,
                chunk_count INTEGER NOT NULL DEFAULT 0,
                last_indexed_at REAL NOT NULL,
                content_hash TEXT NOT NULL,
                signature TEXT NOT NULL,
                metadata TEXT NOT NULL DEFAULT '{}',
                access_level TEXT NOT NULL DEFAULT 'public',
                language TEXT NOT NULL DEFAULT 'und',
                format TEXT,
                size_bytes INTEGER,
                PRIMARY KEY (namespace, id)
            );
            CREATE INDEX idx_documents_last_indexed ON documents(last_indexed_at);
            CREATE UNIQUE INDEX documents_by_source ON documents(namespace, source_url);
            CREATE TABLE chunks (
                namespace TEXT NOT NULL,
                id TEXT NOT NULL,
                document_id TEXT NOT NULL,
                ordinal INTEGER NOT NULL,
                text TEXT NOT NULL,
                start_offset INTEGER NOT NULL,
                end_offset INTEGER NOT NULL,
                heading_path TEXT NOT NULL DEFAULT '',
                token_count INTEGER NOT NULL,
                text_hash TEXT NOT NULL,
                PRIMARY KEY (namespace, id)
            );
            CREATE INDEX chunks_by_document ON chunks(namespace, document_id, ordinal);
            CREATE TABLE embedding_cache (
                model TEXT NOT NULL,
                text_hash TEXT NOT NULL,
                vector BLOB NOT NULL,
                created_at REAL NOT NULL,
                PRIMARY KEY (model, text_hash)
            );
            CREATE TABLE jobs (
                id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                namespace TEXT NOT NULL,
                state TEXT NOT NULL,
                created_at REAL NOT NULL,
                started_at REAL,
                finished_at REAL,
                pid INTEGER,
                request TEXT NOT NULL DEFAULT '{}',
                progress TEXT NOT NULL DEFAULT '{}',
                errors TEXT NOT NULL DEFAULT '[]',
                message TEXT
            );
            CREATE INDEX jobs_by_created ON jobs(created_at DESC);
            """),
        // BM25: one FTS5 table per namespace (see `LexicalIndex`), registered here; each chunk remembers its
        // row in it. Dropping a namespace (from any caller of `VectorStore.dropNamespace`) takes its documents,
        // chunks and index registration with it; the orphaned FTS5 table is dropped by the next index write.
        Migration("ingest.v2.lexical_index", """
            CREATE TABLE lexical_indexes (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                namespace TEXT NOT NULL UNIQUE,
                table_name TEXT NOT NULL UNIQUE,
                tokenizer TEXT NOT NULL,
                created_at REAL NOT NULL
            );
            ALTER TABLE chunks ADD COLUMN lexical_rowid INTEGER;
            CREATE TRIGGER ingest_namespace_dropped AFTER DELETE ON namespaces BEGIN
                DELETE FROM chunks WHERE namespace = OLD.name;
                DELETE FROM documents WHERE namespace = OLD.name;
                DELETE FROM lexical_indexes WHERE namespace = OLD.name;
            END;
            """),
        // Encryption at rest: the columns holding document text (or vectors that give it away) are sealed in an
        // encrypted store. Rows equal `IngestSchema.encryptedColumns`. An encrypted store keeps its BM25 index in
        // memory (`LexicalMemory`), never in `lexical_N` tables.
        Migration("ingest.v3.encrypted_columns", """
            INSERT INTO encrypted_columns(table_name, column_name, row_key, kind) VALUES
                ('chunks', 'text', 'namespace,id', 'text'),
                ('chunks', 'heading_path', 'namespace,id', 'text'),
                ('documents', 'title', 'namespace,id', 'text'),
                ('embedding_cache', 'vector', 'model,text_hash', 'blob');
            """),
    ]

    /// The columns `ingest.v3.encrypted_columns` registers.
    public static let encryptedColumns: [EncryptedColumn] = [.chunksText, .chunksHeadingPath, .documentsTitle, .embeddingCacheVector]
}

extension EncryptedColumn {
    /// A chunk's text, bound to (namespace, chunk id).
    public static let chunksText = EncryptedColumn(table: "chunks", column: "text", rowKey: ["namespace", "id"], kind: .text)
    /// A chunk's heading path (the document's own headings).
    public static let chunksHeadingPath = EncryptedColumn(table: "chunks", column: "heading_path", rowKey: ["namespace", "id"], kind: .text)
    /// A document's title (its first heading, HTML title or file name).
    public static let documentsTitle = EncryptedColumn(table: "documents", column: "title", rowKey: ["namespace", "id"], kind: .text)
    /// A cached embedding, bound to (model, text hash).
    public static let embeddingCacheVector = EncryptedColumn(table: "embedding_cache", column: "vector", rowKey: ["model", "text_hash"], kind: .blob)
}
