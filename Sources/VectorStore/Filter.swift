import Foundation

/// A metadata filter in the Mongo-style syntax of INTERFACE.md, parsed and checked before any row is read.
///
/// `{"category": "a"}` is `$eq`; several keys in one object are ANDed; a field's operator object may hold
/// several operators (`{"n": {"$gte": 3, "$lt": 9}}`), also ANDed. The pseudo-fields `id` and `document_id`
/// filter on the record's identifiers. Missing fields match `$ne`, `$nin` and `$exists: false`, as in MongoDB.
public indirect enum Filter: Sendable, Hashable {
    case all
    case and([Filter])
    case or([Filter])
    case not(Filter)
    case field(String, Condition)

    public enum Condition: Sendable, Hashable {
        case eq(MetadataValue)
        case ne(MetadataValue)
        case `in`([MetadataValue])
        case nin([MetadataValue])
        case lt(MetadataValue)
        case lte(MetadataValue)
        case gt(MetadataValue)
        case gte(MetadataValue)
        case exists(Bool)
        case contains(String)
    }

    /// Parses filter JSON text; the empty string and `{}` match everything.
    /// - Throws: `VectorStoreError.invalidFilter` naming the operator or field at fault.
    public static func parse(json text: String) throws -> Filter {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return .all }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(trimmed.utf8), options: [.fragmentsAllowed])
        } catch {
            throw VectorStoreError(.invalidFilter, "filter is not valid JSON: \(Self.describe(error))")
        }
        return try parse(object: object)
    }

    /// Parses a filter already decoded by `JSONSerialization`.
    public static func parse(object: Any) throws -> Filter {
        guard let dictionary = object as? [String: Any] else {
            throw VectorStoreError(.invalidFilter, "filter must be a JSON object")
        }
        return try parseObject(dictionary, path: "")
    }

    private static func describe(_ error: Error) -> String {
        let ns = error as NSError
        return (ns.userInfo["NSDebugDescription"] as? String) ?? ns.localizedDescription
    }

    private static func parseObject(_ object: [String: Any], path: String) throws -> Filter {
        var clauses: [Filter] = []
        for key in object.keys.sorted() {
            let value = object[key]!
            let where_ = path.isEmpty ? key : "\(path).\(key)"
            if key.hasPrefix("$") {
                switch key {
                case "$and", "$or":
                    guard let list = value as? [Any], !list.isEmpty else {
                        throw VectorStoreError(.invalidFilter, "\(key) needs a non-empty list of filters (at \(where_))")
                    }
                    let parts = try list.enumerated().map { index, element -> Filter in
                        guard let sub = element as? [String: Any] else {
                            throw VectorStoreError(.invalidFilter, "\(key)[\(index)] must be an object")
                        }
                        return try parseObject(sub, path: "\(where_)[\(index)]")
                    }
                    clauses.append(key == "$and" ? .and(parts) : .or(parts))
                case "$not":
                    guard let sub = value as? [String: Any] else {
                        throw VectorStoreError(.invalidFilter, "$not needs a filter object (at \(where_))")
                    }
                    clauses.append(.not(try parseObject(sub, path: where_)))
                default:
                    throw VectorStoreError(.invalidFilter, "unknown top-level operator \(key); use $and, $or, $not or a field name")
                }
            } else {
                guard !key.isEmpty else { throw VectorStoreError(.invalidFilter, "empty field name in filter") }
                clauses.append(try parseField(key, value))
            }
        }
        return clauses.count == 1 ? clauses[0] : (clauses.isEmpty ? .all : .and(clauses))
    }

    private static func parseField(_ field: String, _ value: Any) throws -> Filter {
        if let operators = value as? [String: Any] {
            guard !operators.isEmpty else {
                throw VectorStoreError(.invalidFilter, "field \"\(field)\": empty operator object")
            }
            var conditions: [Filter] = []
            for op in operators.keys.sorted() {
                let operand = operators[op]!
                guard op.hasPrefix("$") else {
                    throw VectorStoreError(.invalidFilter,
                        "field \"\(field)\": nested objects are not supported; use operators such as $eq (found \"\(op)\")")
                }
                conditions.append(.field(field, try parseCondition(field, op, operand)))
            }
            return conditions.count == 1 ? conditions[0] : .and(conditions)
        }
        return .field(field, .eq(try scalar(field, "$eq", value)))
    }

    private static func parseCondition(_ field: String, _ op: String, _ operand: Any) throws -> Condition {
        switch op {
        case "$eq": return .eq(try scalar(field, op, operand))
        case "$ne": return .ne(try scalar(field, op, operand))
        case "$in", "$nin":
            guard let list = operand as? [Any] else {
                throw VectorStoreError(.invalidFilter, "field \"\(field)\": \(op) needs a list")
            }
            let values = try list.map { try scalar(field, op, $0) }
            return op == "$in" ? .in(values) : .nin(values)
        case "$lt", "$lte", "$gt", "$gte":
            let bound = try scalar(field, op, operand)
            switch bound {
            case .number, .string: break
            default:
                throw VectorStoreError(.invalidFilter, "field \"\(field)\": \(op) needs a number or a string (timestamp), got \(bound.typeName)")
            }
            switch op {
            case "$lt": return .lt(bound)
            case "$lte": return .lte(bound)
            case "$gt": return .gt(bound)
            default: return .gte(bound)
            }
        case "$exists":
            guard isJSONBool(operand), let flag = operand as? Bool else {
                throw VectorStoreError(.invalidFilter, "field \"\(field)\": $exists needs true or false")
            }
            return .exists(flag)
        case "$contains":
            guard let string = operand as? String else {
                throw VectorStoreError(.invalidFilter, "field \"\(field)\": $contains needs a string")
            }
            return .contains(string)
        default:
            throw VectorStoreError(.invalidFilter,
                "field \"\(field)\": unknown operator \(op); supported: $eq $ne $in $nin $lt $lte $gt $gte $exists $contains")
        }
    }

    private static func scalar(_ field: String, _ op: String, _ value: Any) throws -> MetadataValue {
        if value is [Any] || value is [String: Any] || value is NSNull {
            throw VectorStoreError(.invalidFilter, "field \"\(field)\": \(op) needs a string, number or bool")
        }
        do {
            return try MetadataValue(json: value, field: field)
        } catch let error as VectorStoreError {
            throw VectorStoreError(.invalidFilter, "field \"\(field)\": \(op): \(error.message)")
        }
    }
}
