import Foundation
import Ingest

/// The exact cache's key: sha256 of the canonical JSON (sorted keys) of the normalised query plus every field
/// of the `AnswerCacheScope`.
public struct AnswerCacheKey: Sendable, Hashable, CustomStringConvertible {
    /// The query lowercased, whitespace runs collapsed to one space, trimmed.
    public let normalizedQuery: String
    public let scope: AnswerCacheScope
    /// 64 hex characters.
    public let hash: String

    /// - Parameter query: the validated (already redacted) query text.
    public init(query: String, scope: AnswerCacheScope) {
        normalizedQuery = Self.normalize(query)
        self.scope = scope
        var object = scope.jsonObject
        object["query"] = normalizedQuery
        hash = Hashing.sha256Hex(CanonicalJSON.string(object))
    }

    /// Lowercases, collapses every whitespace run to one space and trims.
    public static func normalize(_ query: String) -> String {
        query.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    public static func == (lhs: AnswerCacheKey, rhs: AnswerCacheKey) -> Bool { lhs.hash == rhs.hash }
    public func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    public var description: String { hash }
}
