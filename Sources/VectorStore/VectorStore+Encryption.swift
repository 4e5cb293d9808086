import Foundation

/// Encryption at rest.
///
/// A store is encrypted when `store_encryption` holds its key check: the key id and a known text sealed with the
/// key. Every value of a column registered in `encrypted_columns` is then stored sealed (`StoreCipher`) and
/// opened only into memory. Opening decides, before anything is read or written:
///
/// | file | key given | result |
/// |---|---|---|
/// | encrypted | the same key | opens; every sealed value read is authenticated (an altered value is an error naming its row) |
/// | encrypted | another key | `encryptionKeyMismatch` naming both key ids |
/// | encrypted | none | `encryptionKeyMissing` |
/// | plaintext with data in an encrypted column | a key | `storeNotEncrypted`: encrypt it with a rotation first, never a mixed file |
/// | new, or no value in any encrypted column yet | a key | becomes encrypted (the key check is written) |
/// | plaintext | none | opens as before |
extension VectorStore {
    /// True when the store seals its encrypted columns.
    public var isEncrypted: Bool { cipher != nil }

    /// The key check's column: a known text sealed with the key, bound to the single `store_encryption` row.
    static let keyCheck = EncryptedColumn(table: "store_encryption", column: "key_check", rowKey: ["id"], kind: .text)
    static let keyCheckText = "ragctl store key check v1"

    // MARK: Sealing values of other modules' columns

    /// The stored form of `value` for `column` in the row whose key is `row` (values in `column.rowKey`
    /// order): sealed as a blob in an encrypted store, `value` itself otherwise. NULL stays NULL.
    public func seal(_ value: SQLValue, _ column: EncryptedColumn, row: [SQLValue]) -> SQLValue {
        guard let cipher else { return value }
        let associated = column.associatedData(row: row)
        switch value {
        case .null: return .null
        case .text(let text): return .blob(cipher.seal(Array(text.utf8), associatedData: associated))
        case .blob(let bytes): return .blob(cipher.seal(bytes, associatedData: associated))
        case .integer, .real:
            preconditionFailure("only text and blob values are sealed (\(column))")
        }
    }

    /// `seal(.text(text), …)`.
    public func seal(text: String, _ column: EncryptedColumn, row: [SQLValue]) -> SQLValue {
        seal(.text(text), column, row: row)
    }

    /// The plaintext of a stored value of `column` in `row`, as `column.kind` (`.text` or `.blob`); NULL stays
    /// NULL. In a plaintext store the value is returned as stored.
    /// - Throws: `VectorStoreError(.decryptionFailed)` naming the table, column and row when the value is not
    ///   sealed, was altered or moved, or was sealed with another key — never a garbled value.
    public func open(_ stored: SQLValue, _ column: EncryptedColumn, row: [SQLValue]) throws -> SQLValue {
        guard let cipher else {
            if column.kind == .text, case .blob = stored {
                throw VectorStoreError(.decryptionFailed,
                    "\(column) of row \(column.describe(row: row)) holds binary data in a store without an encryption key record (was the record deleted?)",
                    context: path)
            }
            return stored
        }
        let sealed: [UInt8]
        switch stored {
        case .null: return .null
        case .blob(let bytes): sealed = bytes
        case .text, .integer, .real:
            throw VectorStoreError(.decryptionFailed,
                "\(column) of row \(column.describe(row: row)) is not encrypted, in an encrypted store", context: path)
        }
        let plain = try sealed.withUnsafeBytes { try open($0, column, row: row, cipher: cipher) }
        switch column.kind {
        case .text: return .text(String(decoding: plain, as: UTF8.self))
        case .blob: return .blob(Array(plain))
        }
    }

    /// `open` for a text column: the text, or nil for NULL.
    public func openText(_ stored: SQLValue, _ column: EncryptedColumn, row: [SQLValue]) throws -> String? {
        switch try open(stored, column, row: row) {
        case .text(let text): return text
        case .null: return nil
        case .blob(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .integer(let v): return String(v)
        case .real(let v): return String(v)
        }
    }

    /// `open` for a blob column: the bytes, or nil for NULL.
    public func openBytes(_ stored: SQLValue, _ column: EncryptedColumn, row: [SQLValue]) throws -> [UInt8]? {
        switch try open(stored, column, row: row) {
        case .blob(let bytes): return bytes
        case .text(let text): return Array(text.utf8)
        case .null, .integer, .real: return nil
        }
    }

    /// Opens one sealed value, turning a failure into an error that names the value's place.
    func open(_ sealed: UnsafeRawBufferPointer, _ column: EncryptedColumn, row: [SQLValue], cipher: StoreCipher) throws -> Data {
        do {
            return try cipher.open(sealed, associatedData: column.associatedData(row: row))
        } catch {
            throw VectorStoreError(.decryptionFailed, "cannot decrypt \(column) of row \(column.describe(row: row)): \(error)",
                                   context: path)
        }
    }

    // MARK: Opening

    /// The cipher for the file `connection` holds, given the configured key (see the table above); writes the
    /// key check when a key makes a store without encrypted-column data encrypted.
    static func establishCipher(_ connection: SQLiteConnection, key: EncryptionKey?) throws -> StoreCipher? {
        let record = try connection.keyRecord()
        guard let key else {
            if let record {
                throw VectorStoreError(.encryptionKeyMissing,
                    "store \(connection.path) is encrypted (key id \(record.keyID)) and no encryption key was given",
                    context: connection.path)
            }
            return nil
        }
        let cipher = StoreCipher(key: key)
        if let record {
            try verify(record, cipher: cipher, path: connection.path)
            return cipher
        }
        if let column = try connection.firstColumnHoldingData() {
            throw VectorStoreError(.storeNotEncrypted,
                "store \(connection.path) holds unencrypted data (\(column) and perhaps more) but an encryption key was given: "
                    + "encrypt it first (a rotation from no key to this one), or open it without a key",
                context: connection.path)
        }
        let check = cipher.seal(Array(keyCheckText.utf8), associatedData: keyCheck.associatedData(row: [.integer(1)]))
        try connection.transaction {
            // OR IGNORE: another process may have made the store encrypted meanwhile; its record is checked below.
            let insert = try connection.prepare("INSERT OR IGNORE INTO store_encryption(id, key_id, key_check, created_at) VALUES (1, ?, ?, ?)")
            insert.bind(1, cipher.keyID)
            insert.bind(2, blob: check)
            insert.bind(3, Date().timeIntervalSince1970)
            try insert.run()
        }
        guard let written = try connection.keyRecord() else {
            throw VectorStoreError(.storage, "the encryption key check was not recorded", context: connection.path)
        }
        try verify(written, cipher: cipher, path: connection.path)
        return cipher
    }

    private static func verify(_ record: KeyRecord, cipher: StoreCipher, path: String) throws {
        guard record.keyID == cipher.keyID else {
            throw VectorStoreError(.encryptionKeyMismatch,
                "the encryption key does not match store \(path): the store is encrypted with key id \(record.keyID), the given key has id \(cipher.keyID)",
                context: path)
        }
        do {
            let text = try cipher.open(record.check, associatedData: keyCheck.associatedData(row: [.integer(1)]))
            guard text.elementsEqual(keyCheckText.utf8) else { throw StoreCipher.OpenFailure.authentication }
        } catch {
            throw VectorStoreError(.encryptionKeyMismatch,
                "the encryption key does not match store \(path): key id \(cipher.keyID) is right but its key check does not open (\(error))",
                context: path)
        }
    }

    /// Inside a write transaction: the key this store was opened with is still the file's (another process
    /// may have rotated it), so no value is ever written under a stale key.
    func checkKeyUnchanged() throws {
        let statement = try writer.cached("SELECT key_id FROM store_encryption WHERE id = 1")
        defer { statement.reset() }
        let current = try statement.step() ? statement.string(0) : nil
        guard current == cipher?.keyID else {
            throw VectorStoreError(.encryptionKeyMismatch,
                "the encryption of store \(path) changed since it was opened (key id now \(current ?? "none"), was \(cipher?.keyID ?? "none")): "
                    + "another process rotated it; open the store again with the new key",
                context: path)
        }
    }
}

struct KeyRecord {
    var keyID: String
    var check: [UInt8]
}

extension SQLiteConnection {
    /// The key check, or nil for a store that is not encrypted.
    func keyRecord() throws -> KeyRecord? {
        let select = try prepare("SELECT key_id, key_check FROM store_encryption WHERE id = 1")
        guard try select.step() else { return nil }
        return KeyRecord(keyID: select.string(0) ?? "", check: Array(select.bytes(1)))
    }

    /// Every column registered in `encrypted_columns` whose table exists.
    func encryptedColumns() throws -> [EncryptedColumn] {
        let select = try prepare("""
            SELECT table_name, column_name, row_key, kind FROM encrypted_columns
            WHERE table_name IN (SELECT name FROM sqlite_master WHERE type = 'table') ORDER BY table_name, column_name
            """)
        var columns: [EncryptedColumn] = []
        while try select.step() {
            columns.append(EncryptedColumn(table: select.string(0) ?? "", column: select.string(1) ?? "",
                                           rowKey: (select.string(2) ?? "").split(separator: ",").map(String.init),
                                           kind: EncryptedColumn.Kind(rawValue: select.string(3) ?? "") ?? .blob))
        }
        return columns
    }

    /// The first encrypted column holding a (non-NULL) value, if any.
    func firstColumnHoldingData() throws -> EncryptedColumn? {
        for column in try encryptedColumns() {
            let probe = try prepare("SELECT 1 FROM \(quoted(column.table)) WHERE \(quoted(column.column)) IS NOT NULL LIMIT 1")
            if try probe.step() { return column }
        }
        return nil
    }
}

/// An SQL identifier in double quotes.
func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
