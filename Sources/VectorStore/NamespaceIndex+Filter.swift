/// Filter compilation: a `Filter` becomes a `Bitmap` of candidate rows by scanning flat columns (strings via
/// their dictionary), before any vector is scored. Call under the read lock.
extension NamespaceIndex {
    /// The rows a caller may see that match `filter`, or nil when that is every row. Compiled bitmaps are
    /// kept in a small cache until the namespace next changes: applications repeat the same tenant or
    /// category filters, and a cached bitmap leaves only the candidate rows to score.
    /// - Throws: `VectorStoreError.invalidFilter` when an operand's type cannot match the field's values.
    func candidates(filter: Filter, clearance: AccessLevel) throws -> Bitmap? {
        let key = CandidateCache.Key(filter: filter, clearance: clearance)
        if let hit = candidateCache.get(key) { return hit.bitmap }
        let bitmap = try compileCandidates(filter: filter, clearance: clearance)
        candidateCache.put(key, CandidateCache.Entry(bitmap: bitmap))
        return bitmap
    }

    private func compileCandidates(filter: Filter, clearance: AccessLevel) throws -> Bitmap? {
        var result: Bitmap? = (filter == .all) ? nil : try evaluate(filter)
        let hidden = (Int(clearance.rank) + 1..<3).reduce(0) { $0 + levelCounts[$1] }
        if hidden > 0 {
            let allowed = clearance.rank
            let visible = levels.withUnsafeBufferPointer { levels in
                Bitmap(count: count) { levels[$0] <= allowed }
            }
            if result == nil { result = visible } else { result!.formIntersection(visible) }
        }
        return result
    }

    func evaluate(_ filter: Filter) throws -> Bitmap {
        switch filter {
        case .all:
            return Bitmap(count: count, filled: true)
        case .and(let parts):
            var result = try evaluate(parts[0])
            for part in parts.dropFirst() { result.formIntersection(try evaluate(part)) }
            return result
        case .or(let parts):
            var result = try evaluate(parts[0])
            for part in parts.dropFirst() { result.formUnion(try evaluate(part)) }
            return result
        case .not(let inner):
            var result = try evaluate(inner)
            result.invert()
            return result
        case .field(let field, let condition):
            return try evaluate(field: field, condition)
        }
    }

    private func evaluate(field: String, _ condition: Filter.Condition) throws -> Bitmap {
        // Negations are complements of their positive forms, so missing fields match them (MongoDB rules).
        switch condition {
        case .ne(let value):
            var result = try evaluate(field: field, .eq(value))
            result.invert()
            return result
        case .nin(let values):
            var result = try evaluate(field: field, .in(values))
            result.invert()
            return result
        case .exists(false):
            var result = try evaluate(field: field, .exists(true))
            result.invert()
            return result
        default:
            break
        }
        switch field {
        case "id":
            return try evaluateID(condition)
        case "document_id":
            return try evaluateStrings(documents, field: field, condition)
        case MetadataKey.accessLevel:
            return try evaluateLevel(condition)
        default:
            return try evaluateMetadata(field: field, condition)
        }
    }

    private func evaluateID(_ condition: Filter.Condition) throws -> Bitmap {
        switch condition {
        case .eq(let value):
            _ = try stringPredicate(field: "id", condition)
            var result = Bitmap(count: count)
            if case .string(let id) = value, let row = rowOf[id] { result.insert(Int(row)) }
            return result
        case .in(let values):
            _ = try stringPredicate(field: "id", condition)
            var result = Bitmap(count: count)
            for case .string(let id) in values { if let row = rowOf[id] { result.insert(Int(row)) } }
            return result
        case .exists:
            return Bitmap(count: count, filled: true)
        default:
            let predicate = try stringPredicate(field: "id", condition)
            return ids.withUnsafeBufferPointer { ids in Bitmap(count: count) { predicate(ids[$0]) } }
        }
    }

    private func evaluateLevel(_ condition: Filter.Condition) throws -> Bitmap {
        func rank(_ value: MetadataValue) throws -> UInt8 {
            guard case .string(let text) = value, let level = AccessLevel(rawValue: text) else {
                throw VectorStoreError(.invalidFilter,
                    "field \"access_level\": expected public, internal or restricted, got \(value.jsonDescription)")
            }
            return level.rank
        }
        let test: (UInt8) -> Bool
        switch condition {
        case .eq(let value): let r = try rank(value); test = { $0 == r }
        case .in(let values): let rs = Set(try values.map(rank)); test = { rs.contains($0) }
        case .lt(let value): let r = try rank(value); test = { $0 < r }
        case .lte(let value): let r = try rank(value); test = { $0 <= r }
        case .gt(let value): let r = try rank(value); test = { $0 > r }
        case .gte(let value): let r = try rank(value); test = { $0 >= r }
        case .exists: test = { _ in true }
        case .contains:
            throw VectorStoreError(.invalidFilter, "field \"access_level\": $contains applies to strings and lists, not levels")
        case .ne, .nin: fatalError("negations are rewritten before this point")
        }
        return levels.withUnsafeBufferPointer { levels in Bitmap(count: count) { test(levels[$0]) } }
    }

    private func evaluateStrings(_ column: StringColumn, field: String, _ condition: Filter.Condition) throws -> Bitmap {
        if case .exists = condition { return column.matching(count: count) { _ in true } }
        let predicate = try stringPredicate(field: field, condition)
        return column.matching(count: count, predicate)
    }

    /// A predicate over strings for a condition; throws when the operand is not a string.
    private func stringPredicate(field: String, _ condition: Filter.Condition) throws -> (String) -> Bool {
        func text(_ value: MetadataValue) throws -> String {
            guard case .string(let string) = value else {
                throw VectorStoreError(.invalidFilter, "field \"\(field)\" holds strings; got \(value.typeName) \(value.jsonDescription)")
            }
            return string
        }
        switch condition {
        case .eq(let value): let s = try text(value); return { $0 == s }
        case .in(let values): let set = Set(try values.map(text)); return { set.contains($0) }
        case .lt(let value): let s = try text(value); return { $0 < s }
        case .lte(let value): let s = try text(value); return { $0 <= s }
        case .gt(let value): let s = try text(value); return { $0 > s }
        case .gte(let value): let s = try text(value); return { $0 >= s }
        case .contains(let s): return { $0.contains(s) }
        case .exists: return { _ in true }
        case .ne, .nin: fatalError("negations are rewritten before this point")
        }
    }

    private func evaluateMetadata(field: String, _ condition: Filter.Condition) throws -> Bitmap {
        let isTimestamp = field == MetadataKey.createdAt
        guard let column = fields[field] else {
            // No row has this key: only the positive forms reach here, and none can match. Operands are still
            // type-checked for the well-known timestamp key.
            if isTimestamp { _ = try condition.operands.map { try timestampOperand($0) } }
            return Bitmap(count: count)
        }
        if case .exists = condition {
            var result = Bitmap(count: count)
            for kind in [MetadataValue.string(""), .number(0), .bool(false), .strings([])] {
                result.formUnion(try presence(column, kind))
            }
            return result
        }
        var operands = condition.operands
        if isTimestamp { operands = try operands.map { .number(try timestampOperand($0)) } }
        let kinds = column.kinds
        for operand in operands {
            let fits: Bool
            switch operand {
            case .string: fits = kinds.contains("string") || kinds.contains("string array")
            case .number: fits = kinds.contains("number")
            case .bool: fits = kinds.contains("bool")
            case .strings: fits = false
            }
            guard fits else {
                let held = kinds.sorted().joined(separator: " and ")
                throw VectorStoreError(.invalidFilter,
                    "field \"\(field)\" holds \(held) values; the filter compares it with \(operand.typeName) \(operand.jsonDescription)")
            }
        }
        let n = count
        switch condition {
        case .eq, .in:
            var result = Bitmap(count: n)
            for operand in operands {
                switch operand {
                case .string(let s):
                    if let strings = column.strings { result.formUnion(strings.matching(count: n) { $0 == s }) }
                    if let lists = column.lists, let code = column.listDictionary.code(of: s) {
                        result.formUnion(lists.withUnsafeBufferPointer { l in Bitmap(count: n) { l[$0]?.contains(code) ?? false } })
                    }
                case .number(let x):
                    if let numbers = column.numbers {
                        result.formUnion(numbers.withUnsafeBufferPointer { v in Bitmap(count: n) { v[$0] == x } })
                    }
                case .bool(let b):
                    if let bools = column.bools {
                        let code: UInt8 = b ? 1 : 0
                        result.formUnion(bools.withUnsafeBufferPointer { v in Bitmap(count: n) { v[$0] == code } })
                    }
                case .strings:
                    break
                }
            }
            return result
        case .lt, .lte, .gt, .gte:
            let operand = operands[0]
            switch operand {
            case .number(let x):
                guard let numbers = column.numbers else { return Bitmap(count: n) }
                return numbers.withUnsafeBufferPointer { v in
                    switch condition {
                    case .lt: Bitmap(count: n) { v[$0] < x }
                    case .lte: Bitmap(count: n) { v[$0] <= x }
                    case .gt: Bitmap(count: n) { v[$0] > x }
                    default: Bitmap(count: n) { v[$0] >= x }
                    }
                }
            case .string:
                guard let strings = column.strings else { return Bitmap(count: n) }
                let relabelled: Filter.Condition
                switch condition {
                case .lt: relabelled = .lt(operand)
                case .lte: relabelled = .lte(operand)
                case .gt: relabelled = .gt(operand)
                default: relabelled = .gte(operand)
                }
                return strings.matching(count: n, try stringPredicate(field: field, relabelled))
            default:
                return Bitmap(count: n)
            }
        case .contains(let s):
            var result = Bitmap(count: n)
            if let lists = column.lists {
                if let code = column.listDictionary.code(of: s) {
                    result.formUnion(lists.withUnsafeBufferPointer { l in Bitmap(count: n) { l[$0]?.contains(code) ?? false } })
                }
            }
            if let strings = column.strings { result.formUnion(strings.matching(count: n) { $0.contains(s) }) }
            return result
        case .exists, .ne, .nin:
            fatalError("handled above")
        }
    }

    private func presence(_ column: FieldColumn, _ kind: MetadataValue) throws -> Bitmap {
        let n = count
        switch kind {
        case .string: return column.strings?.matching(count: n) { _ in true } ?? Bitmap(count: n)
        case .number: return column.numbers?.withUnsafeBufferPointer { v in Bitmap(count: n) { !v[$0].isNaN } } ?? Bitmap(count: n)
        case .bool: return column.bools?.withUnsafeBufferPointer { v in Bitmap(count: n) { v[$0] != 2 } } ?? Bitmap(count: n)
        case .strings: return column.lists?.withUnsafeBufferPointer { v in Bitmap(count: n) { v[$0] != nil } } ?? Bitmap(count: n)
        }
    }

    private func timestampOperand(_ value: MetadataValue) throws -> Double {
        switch value {
        case .number(let seconds): return seconds
        case .string(let text):
            guard let seconds = Timestamp.parse(text) else {
                throw VectorStoreError(.invalidFilter,
                    "field \"created_at\": \"\(text)\" is not an RFC 3339 timestamp such as 2026-01-02T03:04:05Z")
            }
            return seconds
        default:
            throw VectorStoreError(.invalidFilter, "field \"created_at\" holds timestamps; got \(value.typeName)")
        }
    }
}

extension Filter.Condition {
    var operands: [MetadataValue] {
        switch self {
        case .eq(let v), .ne(let v), .lt(let v), .lte(let v), .gt(let v), .gte(let v): [v]
        case .in(let vs), .nin(let vs): vs
        case .contains(let s): [.string(s)]
        case .exists: []
        }
    }
}

extension MetadataValue {
    var jsonDescription: String {
        switch self {
        case .string(let s): "\"\(s)\""
        case .number(let x): x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
        case .bool(let b): b ? "true" : "false"
        case .strings(let values): "[" + values.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        }
    }
}

/// Compiled candidate bitmaps by (filter, clearance), least recently used first out; emptied by every change
/// to the namespace. Readers share it under its own lock.
final class CandidateCache: @unchecked Sendable {
    struct Key: Hashable {
        let filter: Filter
        let clearance: AccessLevel
    }

    struct Entry {
        let bitmap: Bitmap?
    }

    private let lock = Mutex()
    private var entries: [Key: (entry: Entry, used: UInt64)] = [:]
    private var clock: UInt64 = 0
    let capacity: Int

    init(capacity: Int = 16) { self.capacity = capacity }

    func get(_ key: Key) -> Entry? {
        lock.withLock {
            guard let found = entries[key] else { return nil }
            clock += 1
            entries[key] = (found.entry, clock)
            return found.entry
        }
    }

    func put(_ key: Key, _ entry: Entry) {
        lock.withLock {
            clock += 1
            if entries.count >= capacity, let oldest = entries.min(by: { $0.value.used < $1.value.used })?.key {
                entries[oldest] = nil
            }
            entries[key] = (entry, clock)
        }
    }

    func removeAll() { lock.withLock { entries.removeAll() } }
}
