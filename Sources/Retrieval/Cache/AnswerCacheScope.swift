import Foundation
import Ingest
import VectorStore

/// Everything an answer depends on except the query text: the namespace and its content generation, the
/// caller's clearance and namespace scope, the filter, `top_k`, the search mode and its ranking options, the
/// model and the temperature.
///
/// Two requests share cached answers only when their scopes are equal, so a caller never sees an answer built
/// from passages above their clearance or outside their namespaces, and any write to the namespace (which bumps
/// its generation) retires every earlier answer.
public struct AnswerCacheScope: Sendable, Hashable {
    /// The namespaces a caller may read: all (`"*"`) or a list.
    public enum CallerNamespaces: Sendable, Hashable {
        case all
        case only(Set<String>)

        /// `"*"` or the sorted list: the form that goes into the key.
        var canonical: Any {
            switch self {
            case .all: "*"
            case .only(let names): names.sorted()
            }
        }
    }

    public var namespace: String
    /// `VectorStore.namespace(ns).generation` when the answer was computed.
    public var generation: Int64
    public var filter: Filter
    public var topK: Int
    /// The LLM model (or `extractive`) that writes the answer.
    public var model: String
    public var temperature: Double
    public var clearance: AccessLevel
    public var callerNamespaces: CallerNamespaces
    /// How passages were retrieved: a dense and a hybrid search of the same question pick different passages.
    public var mode: SearchMode
    public var ranking: RankingOptions

    public init(namespace: String, generation: Int64, filter: Filter = .all, topK: Int, model: String,
                temperature: Double, clearance: AccessLevel, callerNamespaces: CallerNamespaces = .all,
                mode: SearchMode = .default, ranking: RankingOptions = RankingOptions()) {
        self.namespace = namespace
        self.generation = generation
        self.filter = filter
        self.topK = topK
        self.model = model
        self.temperature = temperature
        self.clearance = clearance
        self.callerNamespaces = callerNamespaces
        self.mode = mode
        self.ranking = ranking
    }

    /// The scope with the namespace's current generation read from `store`.
    /// - Throws: `VectorStoreError.namespaceNotFound` for an unknown namespace.
    public static func current(in store: VectorStore, namespace: String, filter: Filter = .all, topK: Int, model: String,
                               temperature: Double, clearance: AccessLevel,
                               callerNamespaces: CallerNamespaces = .all, mode: SearchMode = .default,
                               ranking: RankingOptions = RankingOptions()) throws -> AnswerCacheScope {
        AnswerCacheScope(namespace: namespace, generation: try store.namespace(namespace).generation, filter: filter,
                         topK: topK, model: model, temperature: temperature, clearance: clearance,
                         callerNamespaces: callerNamespaces, mode: mode, ranking: ranking)
    }

    /// The scope's fields as a JSON object (keys as in the config and API).
    var jsonObject: [String: Any] {
        [
            "namespace": namespace,
            "generation": generation,
            "filter": CanonicalJSON.object(filter),
            "top_k": topK,
            "model": model,
            // Fixed precision so 0.7 and 0.70000000001 do not split the cache, and the text is stable.
            "temperature": String(format: "%.4f", temperature),
            "clearance": clearance.rawValue,
            "caller_namespaces": callerNamespaces.canonical,
            "mode": mode.rawValue,
            "ranking": ranking.jsonObject(mode: mode),
        ]
    }

    /// Canonical JSON of the scope (sorted keys).
    public var canonicalJSON: String { CanonicalJSON.string(jsonObject) }

    /// sha256 (hex) of `canonicalJSON`: the semantic cache's partition key.
    public var hash: String { Hashing.sha256Hex(canonicalJSON) }
}
