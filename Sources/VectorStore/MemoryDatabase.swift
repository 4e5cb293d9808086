/// A private SQLite database that lives only in this process's memory (`:memory:`, temporary storage in memory
/// too), for data derived from an encrypted store that must never reach the disk in plaintext: Ingest keeps the
/// BM25 (FTS5) index of an encrypted store's namespaces here.
///
/// Not thread-safe: the owner serialises every call (one lock per database).
public final class MemoryDatabase: @unchecked Sendable {
    private let connection: SQLiteConnection

    /// - Throws: `VectorStoreError(.storage)` when SQLite cannot allocate the database.
    public init() throws {
        connection = try SQLiteConnection(path: ":memory:", memory: true)
        try connection.execute("PRAGMA temp_store = MEMORY")
    }

    /// Runs one statement that returns no rows.
    public func execute(_ sql: String, _ arguments: [SQLValue] = []) throws {
        let statement = try connection.cached(sql)
        statement.bind(arguments)
        try statement.run()
    }

    /// Runs a query; every row's values in column order.
    public func query(_ sql: String, _ arguments: [SQLValue] = []) throws -> [[SQLValue]] {
        let statement = try connection.cached(sql)
        defer { statement.reset() }
        statement.bind(arguments)
        var rows: [[SQLValue]] = []
        while try statement.step() { rows.append(statement.row()) }
        return rows
    }

    /// Runs `body` in one transaction (rolled back if it throws): many inserts cost one commit.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try connection.transaction(body)
    }

    /// The rowid of the last row inserted.
    public var lastInsertRowID: Int64 { connection.lastInsertRowID }
}
