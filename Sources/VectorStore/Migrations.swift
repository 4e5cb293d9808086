/// A named schema step. Shipped migrations are never edited: a change is a new migration.
public struct Migration: Sendable {
    public let name: String
    public let sql: String

    public init(_ name: String, _ sql: String) {
        self.name = name
        self.sql = sql
    }
}

enum StoreSchema {
    /// The vector store's own migrations, applied in order. Other modules (documents, jobs, logs) append theirs
    /// through `VectorStore.Configuration.migrations`.
    static let migrations: [Migration] = [
        Migration("vectorstore.v1.namespaces_and_vectors", """
            CREATE TABLE namespaces (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                dimension INTEGER NOT NULL CHECK (dimension > 0),
                metric TEXT NOT NULL DEFAULT 'cosine',
                model TEXT,
                generation INTEGER NOT NULL DEFAULT 0,
                created_at REAL NOT NULL
            );
            CREATE TABLE vectors (
                rowid INTEGER PRIMARY KEY,
                namespace_id INTEGER NOT NULL REFERENCES namespaces(id) ON DELETE CASCADE,
                id TEXT NOT NULL,
                document_id TEXT,
                vector BLOB NOT NULL,
                metadata TEXT NOT NULL DEFAULT '{}',
                updated_at REAL NOT NULL,
                UNIQUE (namespace_id, id)
            );
            CREATE INDEX vectors_by_document ON vectors(namespace_id, document_id);
            """),
        // Encryption at rest (see `VectorStore+Encryption.swift`): the key check of an encrypted store (no row:
        // the store is not encrypted) and the registry of columns an encrypted store seals, which every module
        // fills from its own migration so that a rotation re-seals everything.
        Migration("vectorstore.v2.encryption", """
            CREATE TABLE store_encryption (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                key_id TEXT NOT NULL,
                key_check BLOB NOT NULL,
                created_at REAL NOT NULL,
                rotated_at REAL
            );
            CREATE TABLE encrypted_columns (
                table_name TEXT NOT NULL,
                column_name TEXT NOT NULL,
                row_key TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('text', 'blob')),
                PRIMARY KEY (table_name, column_name)
            );
            INSERT INTO encrypted_columns(table_name, column_name, row_key, kind) VALUES
                ('vectors', 'vector', 'namespace_id,id', 'blob'),
                ('vectors', 'metadata', 'namespace_id,id', 'text');
            """),
    ]
}

extension SQLiteConnection {
    /// Applies the migrations not yet recorded in `schema_migrations`, each in its own transaction.
    ///
    /// Migration names start with their module (`vectorstore.`, `ingest.`): a file may carry another module's
    /// tables that this opener does not use, but an unknown migration of a module it does use means the file
    /// was written by a newer build.
    /// - Throws: `schemaTooNew` when the file records migrations this build does not know.
    func migrate(_ migrations: [Migration]) throws {
        try execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, applied_at REAL NOT NULL)
            """)
        let select = try prepare("SELECT name FROM schema_migrations ORDER BY version")
        var applied: [String] = []
        while try select.step() { applied.append(select.string(0) ?? "") }
        let known = Set(migrations.map(\.name))
        let modules = Set(migrations.map { $0.name.split(separator: ".").first.map(String.init) ?? "" })
        if let unknown = applied.first(where: { name in
            !known.contains(name) && modules.contains(name.split(separator: ".").first.map(String.init) ?? "")
        }) {
            throw VectorStoreError(.schemaTooNew,
                "the database was written by a newer version (unknown migration \(unknown)); upgrade ragctl", context: path)
        }
        let done = Set(applied)
        for migration in migrations where !done.contains(migration.name) {
            try transaction {
                // Another process opening the same new file may have applied it since the list above was read.
                let check = try prepare("SELECT 1 FROM schema_migrations WHERE name = ?")
                check.bind(1, migration.name)
                let applied = try check.step()
                check.reset()
                if applied { return }
                try execute(migration.sql)
                let insert = try prepare("""
                    INSERT INTO schema_migrations(version, name, applied_at)
                    VALUES ((SELECT COALESCE(MAX(version), 0) + 1 FROM schema_migrations), ?, strftime('%s','now'))
                    """)
                insert.bind(1, migration.name)
                try insert.run()
            }
        }
    }
}
