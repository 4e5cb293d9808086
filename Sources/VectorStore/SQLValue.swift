/// A value bound to or read from SQL run through `WriteTransaction.execute` or `VectorStore.query`, for
/// modules that keep their own tables in the store's database (documents, jobs, logs).
public enum SQLValue: Sendable, Equatable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    public var string: String? { if case .text(let v) = self { return v }; return nil }
    public var int: Int? {
        switch self {
        case .integer(let v): Int(v)
        case .real(let v): Int(v)
        default: nil
        }
    }
    public var double: Double? {
        switch self {
        case .integer(let v): Double(v)
        case .real(let v): v
        default: nil
        }
    }
    public var bytes: [UInt8]? { if case .blob(let v) = self { return v }; return nil }
}

extension Statement {
    func bind(_ values: [SQLValue]) {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .null: bind(index, nil as String?)
            case .integer(let v): bind(index, v)
            case .real(let v): bind(index, v)
            case .text(let v): bind(index, v)
            case .blob(let v): bind(index, blob: v)
            }
        }
    }

    func row() -> [SQLValue] {
        (0..<columnCount).map { column in
            switch columnType(column) {
            case 1: .integer(int(column))
            case 2: .real(double(column))
            case 3: .text(string(column) ?? "")
            case 4: .blob(Array(bytes(column)))
            default: .null
            }
        }
    }
}
