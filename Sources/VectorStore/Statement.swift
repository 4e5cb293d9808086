import CSQLite
import Foundation

/// A prepared statement. Bind with 1-based indexes, `step()` until it returns false.
final class Statement {
    let handle: OpaquePointer
    let sql: String
    unowned let connection: SQLiteConnection

    init(connection: SQLiteConnection, sql: String) throws {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(connection.handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else {
            throw VectorStoreError(.storage, "cannot prepare statement: \(connection.errorMessage)", context: sql)
        }
        self.handle = stmt
        self.sql = sql
        self.connection = connection
    }

    deinit { sqlite3_finalize(handle) }

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    func bind(_ index: Int32, _ value: String?) {
        guard var value else { sqlite3_bind_null(handle, index); return }
        // The string's own UTF-8 with its length: passing the `String?` as a C string made a NUL-terminated
        // copy (an allocation) of every bound value. SQLite copies the bytes (`SQLITE_TRANSIENT`).
        value.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { text in
                // A NULL pointer would bind SQL NULL; an empty string is bound from a static "".
                _ = sqlite3_bind_text(handle, index, text.baseAddress ?? Self.empty, Int32(text.count), csqlite_transient())
            }
        }
    }

    nonisolated(unsafe) private static let empty: UnsafePointer<CChar> = {   // never written after this
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
        pointer.initialize(to: 0)
        return UnsafePointer(pointer)
    }()

    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }
    func bind(_ index: Int32, _ value: Int) { sqlite3_bind_int64(handle, index, Int64(value)) }
    func bind(_ index: Int32, _ value: Double) { sqlite3_bind_double(handle, index, value) }

    func bind(_ index: Int32, floats: UnsafeBufferPointer<Float>) {
        sqlite3_bind_blob(handle, index, floats.baseAddress, Int32(floats.count * MemoryLayout<Float>.size), csqlite_transient())
    }

    func bind(_ index: Int32, blob: [UInt8]) {
        blob.withUnsafeBytes { raw in
            _ = sqlite3_bind_blob(handle, index, raw.baseAddress, Int32(raw.count), csqlite_transient())
        }
    }

    /// Steps once; true when a row is available.
    @discardableResult
    func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            throw VectorStoreError(.storage, "SQLite error \(rc): \(connection.errorMessage)", context: sql)
        }
    }

    /// Executes a statement that returns no rows, then resets it for reuse.
    func run() throws {
        defer { reset() }
        while try step() {}
    }

    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }
    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func string(_ column: Int32) -> String? {
        guard let text = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// The raw bytes of a text or blob column, valid until the next step or reset.
    func bytes(_ column: Int32) -> UnsafeRawBufferPointer {
        let pointer = sqlite3_column_blob(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        return UnsafeRawBufferPointer(start: pointer, count: pointer == nil ? 0 : count)
    }
}

extension Statement {
    var columnCount: Int32 { sqlite3_column_count(handle) }
    /// SQLITE_INTEGER 1, SQLITE_FLOAT 2, SQLITE_TEXT 3, SQLITE_BLOB 4, SQLITE_NULL 5.
    func columnType(_ column: Int32) -> Int32 { sqlite3_column_type(handle, column) }
}
