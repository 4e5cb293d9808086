import VectorStore

/// Tables the Server module keeps in the store's SQLite file. Every opener of a store that `ragctl serve`
/// uses passes `IngestSchema.migrations + RetrievalSchema.migrations + ServerSchema.migrations`.
/// Shipped migrations are never edited: a change is a new `server.v1.…` migration appended here.
public enum ServerSchema {
    public static let migrations: [Migration] = [
        // API keys: only an HMAC-SHA256 of the whole key (keyed by the server's pepper) is stored. A rotation
        // keeps the previous hash until `previous_until` (Unix seconds).
        Migration("server.v1.api_keys", """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('reader', 'writer', 'admin')),
                namespaces TEXT,
                clearance TEXT NOT NULL CHECK (clearance IN ('public', 'internal', 'restricted')),
                rpm INTEGER,
                tpm INTEGER,
                secret_hash BLOB NOT NULL,
                previous_hash BLOB,
                previous_until REAL,
                created_at REAL NOT NULL,
                expires_at REAL,
                revoked_at REAL,
                rotated_at REAL
            );
            """),
    ]
}
