import VectorStore

/// Tables Retrieval keeps in the store's SQLite file: the query log, answer feedback and the semantic answer
/// cache. Pass `IngestSchema.migrations + RetrievalSchema.migrations` as `VectorStore.Configuration.migrations`.
/// Shipped migrations are never edited: a change is a new `retrieval.v1.…` migration appended here.
public enum RetrievalSchema {
    public static let migrations: [Migration] = [
        Migration("retrieval.v1.query_log_semantic_cache", """
            CREATE TABLE query_logs (
                id TEXT PRIMARY KEY,
                user_id TEXT,
                query_text TEXT NOT NULL,
                query_hash TEXT NOT NULL,
                model_used TEXT NOT NULL DEFAULT '',
                prompt_tokens INTEGER NOT NULL DEFAULT 0,
                completion_tokens INTEGER NOT NULL DEFAULT 0,
                latency_ms INTEGER NOT NULL DEFAULT 0,
                created_at REAL NOT NULL,
                namespace TEXT NOT NULL DEFAULT '',
                cache_layer TEXT,
                path TEXT NOT NULL DEFAULT '',
                status TEXT NOT NULL DEFAULT 'ok',
                cost REAL NOT NULL DEFAULT 0
            );
            CREATE INDEX idx_query_logs_user_created ON query_logs(user_id, created_at DESC);
            CREATE INDEX idx_query_logs_created ON query_logs(created_at);
            CREATE TABLE feedback (
                id INTEGER PRIMARY KEY,
                query_id TEXT NOT NULL,
                rating INTEGER NOT NULL,
                comment TEXT,
                created_at REAL NOT NULL
            );
            CREATE INDEX idx_feedback_query ON feedback(query_id);
            CREATE TABLE semantic_cache (
                id INTEGER PRIMARY KEY,
                scope_hash TEXT NOT NULL,
                namespace TEXT NOT NULL,
                generation INTEGER NOT NULL,
                query_text TEXT NOT NULL,
                embedding_model TEXT NOT NULL,
                embedding BLOB NOT NULL,
                answer TEXT NOT NULL,
                created_at REAL NOT NULL
            );
            CREATE INDEX idx_semantic_cache_scope ON semantic_cache(scope_hash, created_at);
            CREATE INDEX idx_semantic_cache_created ON semantic_cache(created_at);
            CREATE INDEX idx_semantic_cache_namespace ON semantic_cache(namespace, generation);
            """),
        // Encryption at rest: questions, cached answers (they quote the documents) and their embeddings, and
        // feedback comments are sealed in an encrypted store. Rows equal `RetrievalSchema.encryptedColumns`.
        Migration("retrieval.v2.encrypted_columns", """
            INSERT INTO encrypted_columns(table_name, column_name, row_key, kind) VALUES
                ('query_logs', 'query_text', 'id', 'text'),
                ('feedback', 'comment', 'id', 'text'),
                ('semantic_cache', 'query_text', 'id', 'text'),
                ('semantic_cache', 'embedding', 'id', 'blob'),
                ('semantic_cache', 'answer', 'id', 'text');
            """),
    ]

    /// The columns `retrieval.v2.encrypted_columns` registers.
    public static let encryptedColumns: [EncryptedColumn] = [
        .queryLogsQueryText, .feedbackComment, .semanticCacheQueryText, .semanticCacheEmbedding, .semanticCacheAnswer,
    ]
}

extension EncryptedColumn {
    /// A logged question (redacted, or its hash under `hash_only`), bound to the query id.
    public static let queryLogsQueryText = EncryptedColumn(table: "query_logs", column: "query_text", rowKey: ["id"], kind: .text)
    /// A feedback comment, bound to the feedback row's id.
    public static let feedbackComment = EncryptedColumn(table: "feedback", column: "comment", rowKey: ["id"], kind: .text)
    /// A semantic-cache entry's question, embedding and answer, bound to the entry's id.
    public static let semanticCacheQueryText = EncryptedColumn(table: "semantic_cache", column: "query_text", rowKey: ["id"], kind: .text)
    public static let semanticCacheEmbedding = EncryptedColumn(table: "semantic_cache", column: "embedding", rowKey: ["id"], kind: .blob)
    public static let semanticCacheAnswer = EncryptedColumn(table: "semantic_cache", column: "answer", rowKey: ["id"], kind: .text)
}
