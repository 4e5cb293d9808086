/// All values of one metadata key across a namespace's rows, split by type so that filters scan flat
/// arrays. Storage for a type is allocated the first time a row holds a value of that type.
///
/// A class, not a struct: mutating a struct held in a dictionary value copies its arrays on every write,
/// which made loading quadratic. Mutated only under the owning namespace's write lock.
final class FieldColumn: @unchecked Sendable {
    private(set) var count = 0
    var strings: StringColumn?
    var numbers: [Double]?       // NaN = absent (NaN is rejected on input)
    var bools: [UInt8]?          // 0 false, 1 true, 2 absent
    var lists: [[Int32]?]?       // codes into `listDictionary`
    var listDictionary = StringColumn()

    init(rows: Int) { count = rows }

    /// The kinds of value this key holds across rows, for type checks of filters.
    var kinds: Set<String> {
        var kinds = Set<String>()
        if strings != nil { kinds.insert("string") }
        if numbers != nil { kinds.insert("number") }
        if bools != nil { kinds.insert("bool") }
        if lists != nil { kinds.insert("string array") }
        return kinds
    }

    func append(_ value: MetadataValue?) {
        count += 1
        strings?.append(nil)
        numbers?.append(.nan)
        bools?.append(2)
        lists?.append(nil)
        if let value { set(count - 1, value) }
    }

    func set(_ row: Int, _ value: MetadataValue?) {
        strings?.set(row, nil)
        numbers?[row] = .nan
        bools?[row] = 2
        lists?[row] = nil
        guard let value else { return }
        switch value {
        case .string(let string):
            if strings == nil { strings = StringColumn(rows: count) }
            strings!.set(row, string)
        case .number(let number):
            if numbers == nil { numbers = Array(repeating: .nan, count: count) }
            numbers![row] = number
        case .bool(let bool):
            if bools == nil { bools = Array(repeating: 2, count: count) }
            bools![row] = bool ? 1 : 0
        case .strings(let values):
            if lists == nil { lists = Array(repeating: nil, count: count) }
            lists![row] = values.map { listDictionary.intern($0) }
        }
    }

    func value(at row: Int) -> MetadataValue? {
        if let string = strings?.value(at: row) { return .string(string) }
        if let number = numbers?[row], !number.isNaN { return .number(number) }
        if let bool = bools?[row], bool != 2 { return .bool(bool == 1) }
        if let list = lists?[row] { return .strings(list.map { listDictionary.values[Int($0)] }) }
        return nil
    }

    func moveLast(to row: Int) {
        strings?.moveLast(to: row)
        if numbers != nil { numbers![row] = numbers![count - 1]; numbers!.removeLast() }
        if bools != nil { bools![row] = bools![count - 1]; bools!.removeLast() }
        if lists != nil { lists![row] = lists![count - 1]; lists!.removeLast() }
        count -= 1
    }

    func removeLast() {
        strings?.removeLast()
        numbers?.removeLast()
        bools?.removeLast()
        lists?.removeLast()
        count -= 1
    }

    var byteSize: Int {
        (strings?.byteSize ?? 0) + (numbers?.capacity ?? 0) * 8 + (bools?.capacity ?? 0)
            + (lists.map { $0.capacity * 9 + $0.reduce(0) { $0 + ($1?.count ?? 0) * 4 } } ?? 0)
            + listDictionary.byteSize
    }
}
