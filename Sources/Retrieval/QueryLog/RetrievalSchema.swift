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
    ]
}
