import VectorStore

/// The audit tables in the store's SQLite file. Pass `AuditSchema.migrations` with the other modules' migrations
/// as `VectorStore.Configuration.migrations` (ragctl's `GlobalOptions.openStore` does). Shipped migrations are
/// never edited: a change is a new `audit.v…` migration appended here.
///
/// - `audit_log`: one row per request or admin action, hash-chained (`AuditChain`). `id` is AUTOINCREMENT so
///   `sqlite_sequence` keeps the highest id ever written: a deleted tail shows as a gap at verification.
///   `resource_ids` and `shown_document_ids` are JSON arrays of strings; `created_at` is seconds since 1970.
/// - `audit_anchor`: at most one row, written by retention: the id and hash of the last pruned entry, from
///   which verification starts once the head of the chain is gone.
public enum AuditSchema {
    public static let migrations: [Migration] = [
        Migration("audit.v1.audit_log_and_anchor", """
            CREATE TABLE audit_log (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                created_at REAL NOT NULL,
                principal TEXT NOT NULL,
                action TEXT NOT NULL,
                namespace TEXT,
                resource_ids TEXT NOT NULL DEFAULT '[]',
                status INTEGER NOT NULL,
                request_id TEXT NOT NULL,
                shown_document_ids TEXT NOT NULL DEFAULT '[]',
                shown_omitted INTEGER NOT NULL DEFAULT 0,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            );
            CREATE INDEX idx_audit_log_created ON audit_log(created_at);
            CREATE INDEX idx_audit_log_principal ON audit_log(principal, id);
            CREATE TABLE audit_anchor (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                last_id INTEGER NOT NULL,
                last_hash TEXT NOT NULL,
                pruned INTEGER NOT NULL,
                pruned_at REAL NOT NULL
            );
            """),
    ]
}
