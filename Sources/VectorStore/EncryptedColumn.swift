/// A column whose values an encrypted store keeps sealed (AES-256-GCM), and the columns that name its row.
///
/// Each sealed value is bound to its place: the associated data is the table, the column and the row's key
/// values, so a value copied into another row or column (or a row's key changed) fails authentication instead
/// of being read as the other row's data. The row key must therefore be known when a value is written (use an
/// explicit id for `INTEGER PRIMARY KEY` tables).
///
/// Every module registers its columns in the `encrypted_columns` table from a migration (rows equal to these
/// constants), so a rotation re-seals every encrypted value in the file, whichever module wrote it.
public struct EncryptedColumn: Sendable, Hashable, CustomStringConvertible {
    /// What the plaintext is: UTF-8 text or bytes.
    public enum Kind: String, Sendable {
        case text, blob
    }

    public let table: String
    public let column: String
    /// Columns whose values identify the row, in order (bound into every sealed value).
    public let rowKey: [String]
    public let kind: Kind
    /// The associated data's fixed part: the domain tag, table and column (computed once).
    private let prefix: [UInt8]

    public init(table: String, column: String, rowKey: [String], kind: Kind) {
        self.table = table
        self.column = column
        self.rowKey = rowKey
        self.kind = kind
        var prefix = Array("ragctl.sealed.v1".utf8)
        Self.append(UInt8(ascii: "T"), Array(table.utf8), to: &prefix)
        Self.append(UInt8(ascii: "C"), Array(column.utf8), to: &prefix)
        self.prefix = prefix
    }

    /// `table.column`.
    public var description: String { "\(table).\(column)" }

    /// The vector store's own: each record's vector and metadata (metadata is filtered in memory, never by SQL,
    /// so it can be sealed too).
    public static let vectorsVector = EncryptedColumn(table: "vectors", column: "vector", rowKey: ["namespace_id", "id"], kind: .blob)
    public static let vectorsMetadata = EncryptedColumn(table: "vectors", column: "metadata", rowKey: ["namespace_id", "id"], kind: .text)

    /// The associated data of the value in `row` (the row key's values, in `rowKey` order): a domain tag,
    /// then table, column and each value length-prefixed with its type, so no two places share bytes.
    func associatedData(row: [SQLValue]) -> [UInt8] {
        var out = prefix
        out.reserveCapacity(prefix.count + 64)
        for value in row {
            switch value {
            case .null: Self.append(UInt8(ascii: "n"), [], to: &out)
            case .integer(let v): withUnsafeBytes(of: v.bigEndian) { Self.append(UInt8(ascii: "i"), $0, to: &out) }
            case .real(let v): withUnsafeBytes(of: v.bitPattern.bigEndian) { Self.append(UInt8(ascii: "r"), $0, to: &out) }
            case .text(let v): Self.append(UInt8(ascii: "t"), v.utf8, to: &out)
            case .blob(let v): Self.append(UInt8(ascii: "b"), v, to: &out)
            }
        }
        return out
    }

    /// A tag byte, a 4-byte big-endian length and the bytes.
    private static func append(_ tag: UInt8, _ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        out.append(tag)
        let length = UInt32(bytes.count)
        for shift in [24, 16, 8, 0] as [UInt32] { out.append(UInt8(truncatingIfNeeded: length >> shift)) }
        out += bytes
    }

    /// Names the row in error messages: `(namespace_id 3, id "c1")`.
    func describe(row: [SQLValue]) -> String {
        let parts = zip(rowKey, row).map { name, value -> String in
            switch value {
            case .null: "\(name) NULL"
            case .integer(let v): "\(name) \(v)"
            case .real(let v): "\(name) \(v)"
            case .text(let v): "\(name) \"\(v)\""
            case .blob(let v): "\(name) <\(v.count) bytes>"
            }
        }
        return "(" + parts.joined(separator: ", ") + ")"
    }
}
