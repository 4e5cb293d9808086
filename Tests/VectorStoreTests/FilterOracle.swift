import Foundation
import TestSupport
@testable import VectorStore

/// An independent, row-at-a-time evaluation of filters over metadata dictionaries: the oracle that the
/// column-scanning implementation must agree with.
enum FilterOracle {
    static func matches(_ filter: Filter, id: String, documentID: String?, metadata: Metadata) -> Bool {
        switch filter {
        case .all: return true
        case .and(let parts): return parts.allSatisfy { matches($0, id: id, documentID: documentID, metadata: metadata) }
        case .or(let parts): return parts.contains { matches($0, id: id, documentID: documentID, metadata: metadata) }
        case .not(let inner): return !matches(inner, id: id, documentID: documentID, metadata: metadata)
        case .field(let field, let condition):
            let value: MetadataValue?
            switch field {
            case "id": value = .string(id)
            case "document_id": value = documentID.map { .string($0) }
            default: value = metadata[field]
            }
            return test(condition, field: field, value)
        }
    }

    static func rank(_ text: String) -> Int { ["public": 0, "internal": 1, "restricted": 2][text]! }

    static func compare(_ field: String, _ a: MetadataValue, _ b: MetadataValue) -> Int? {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.number(let x), .string(let s)) where field == "created_at":
            let y = Timestamp.parse(s)!
            return x < y ? -1 : (x > y ? 1 : 0)
        case (.string(let x), .string(let y)):
            if field == "access_level" { return rank(x) - rank(y) }
            return x < y ? -1 : (x > y ? 1 : 0)
        default: return nil
        }
    }

    static func equal(_ field: String, _ value: MetadataValue, _ operand: MetadataValue) -> Bool {
        if case .strings(let list) = value, case .string(let s) = operand { return list.contains(s) }
        return compare(field, value, operand) == 0 || value == operand
    }

    static func test(_ condition: Filter.Condition, field: String, _ value: MetadataValue?) -> Bool {
        switch condition {
        case .exists(let flag): return (value != nil) == flag
        case .ne(let operand): return !test(.eq(operand), field: field, value)
        case .nin(let operands): return !test(.in(operands), field: field, value)
        default: break
        }
        guard let value else { return false }
        switch condition {
        case .eq(let operand): return equal(field, value, operand)
        case .in(let operands): return operands.contains { equal(field, value, $0) }
        case .lt(let operand): return compare(field, value, operand).map { $0 < 0 } ?? false
        case .lte(let operand): return compare(field, value, operand).map { $0 <= 0 } ?? false
        case .gt(let operand): return compare(field, value, operand).map { $0 > 0 } ?? false
        case .gte(let operand): return compare(field, value, operand).map { $0 >= 0 } ?? false
        case .contains(let s):
            switch value {
            case .strings(let list): return list.contains(s)
            case .string(let text): return text.contains(s)
            default: return false
            }
        default: return false
        }
    }
}
