/// A dictionary-encoded column: each row holds the code of its string, or -1 when absent. A filter on a
/// string is first evaluated over the (small) dictionary, then the row scan is a table lookup.
struct StringColumn: Sendable {
    private(set) var codes: [Int32] = []
    private(set) var values: [String] = []
    private var lookup: [String: Int32] = [:]

    init(rows: Int = 0) {
        codes = Array(repeating: -1, count: rows)
    }

    func code(of value: String) -> Int32? { lookup[value] }

    mutating func intern(_ value: String) -> Int32 {
        if let code = lookup[value] { return code }
        let code = Int32(values.count)
        values.append(value)
        lookup[value] = code
        return code
    }

    func value(at row: Int) -> String? {
        let code = codes[row]
        return code < 0 ? nil : values[Int(code)]
    }

    mutating func append(_ value: String?) {
        codes.append(value.map { intern($0) } ?? -1)
    }

    mutating func set(_ row: Int, _ value: String?) {
        codes[row] = value.map { intern($0) } ?? -1
    }

    /// Moves the last row into `row` and drops the last row (swap-remove).
    mutating func moveLast(to row: Int) {
        codes[row] = codes[codes.count - 1]
        codes.removeLast()
    }

    mutating func removeLast() { codes.removeLast() }

    mutating func reserve(_ capacity: Int) { codes.reserveCapacity(capacity) }

    /// Rows whose value satisfies `predicate` (evaluated once per distinct value).
    func matching(count: Int, missing: Bool = false, _ predicate: (String) -> Bool) -> Bitmap {
        let table = values.map(predicate)
        return codes.withUnsafeBufferPointer { codes in
            table.withUnsafeBufferPointer { table in
                Bitmap(count: count) { row in
                    let code = codes[row]
                    return code < 0 ? missing : table[Int(code)]
                }
            }
        }
    }

    var byteSize: Int { codes.capacity * 4 + values.reduce(0) { $0 + $1.utf8.count + 32 } }
}
