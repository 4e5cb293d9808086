import CSQLite
import Foundation

/// Owns one `sqlite3*` handle. Not thread-safe by itself: `VectorStore` serialises writers with a lock and
/// gives each reader its own connection.
final class SQLiteConnection {
    let handle: OpaquePointer
    let path: String
    /// Prepared statements by SQL text, reused across calls (preparing cost more than running small inserts).
    private var statements: [String: Statement] = [:]

    /// Opens (creating if needed) the database at `path` in WAL mode.
    /// - Parameter synchronous: `FULL` makes every commit durable against power loss, `NORMAL` only against
    ///   process crashes (WAL keeps them atomic either way).
    /// - Parameter memory: an in-memory database (`path` ":memory:"): no journal or sync settings.
    init(path: String, readOnly: Bool = false, synchronous: String = "FULL", memory: Bool = false) throws {
        var db: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw VectorStoreError(.storage, "cannot open database: \(message)", context: path)
        }
        self.handle = db
        self.path = path
        sqlite3_busy_timeout(db, 10_000)
        sqlite3_extended_result_codes(db, 1)
        if !readOnly && !memory {
            try execute("PRAGMA journal_mode=WAL")
            try execute("PRAGMA synchronous=\(synchronous)")
        }
        try execute("PRAGMA foreign_keys=ON")
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    var errorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// Runs one or more statements that return no rows.
    func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? errorMessage
            sqlite3_free(error)
            throw VectorStoreError(.storage, "SQLite error \(rc): \(message)", context: sql)
        }
    }

    func prepare(_ sql: String) throws -> Statement {
        try Statement(connection: self, sql: sql)
    }

    /// A prepared statement from the cache, reset and with no bindings. The caller must not keep it across
    /// another `cached` call with the same SQL.
    func cached(_ sql: String) throws -> Statement {
        if let statement = statements[sql] {
            statement.reset()
            return statement
        }
        let statement = try prepare(sql)
        if statements.count > 256 { statements.removeAll() }
        statements[sql] = statement
        return statement
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`; rolls back if it throws. The commit is durable when this
    /// returns (with `synchronous=FULL`).
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    var changes: Int { Int(sqlite3_changes(handle)) }
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
}
