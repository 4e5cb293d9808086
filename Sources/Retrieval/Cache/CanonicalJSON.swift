import Foundation
import VectorStore

/// Deterministic JSON text for cache keys: object keys sorted, no insignificant whitespace, and filters
/// written in one normal form (the children of `$and`/`$or` and the values of `$in`/`$nin` sorted), so two
/// filters that mean the same thing in a different order give the same key.
enum CanonicalJSON {
    /// `object` (a `JSONSerialization`-compatible value) as sorted-key JSON text.
    static func string(_ object: Any) -> String {
        JSONText.string(object)
    }

    /// The canonical JSON object of a filter; `.all` is `{}`.
    static func object(_ filter: Filter) -> Any {
        switch filter {
        case .all:
            return [String: Any]()
        case .and(let children):
            return ["$and": sortedByText(children.map(object))]
        case .or(let children):
            return ["$or": sortedByText(children.map(object))]
        case .not(let child):
            return ["$not": object(child)]
        case .field(let name, let condition):
            return [name: object(condition)]
        }
    }

    /// The canonical JSON text of a filter.
    static func string(_ filter: Filter) -> String { string(object(filter)) }

    private static func object(_ condition: Filter.Condition) -> Any {
        switch condition {
        case .eq(let v): ["$eq": v.jsonObject]
        case .ne(let v): ["$ne": v.jsonObject]
        case .in(let vs): ["$in": sortedByText(vs.map(\.jsonObject))]
        case .nin(let vs): ["$nin": sortedByText(vs.map(\.jsonObject))]
        case .lt(let v): ["$lt": v.jsonObject]
        case .lte(let v): ["$lte": v.jsonObject]
        case .gt(let v): ["$gt": v.jsonObject]
        case .gte(let v): ["$gte": v.jsonObject]
        case .exists(let b): ["$exists": b]
        case .contains(let s): ["$contains": s]
        }
    }

    private static func sortedByText(_ values: [Any]) -> [Any] {
        values.map { (string($0), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
    }
}
