import Foundation

/// One row of the query log: who asked what, how it was answered and what it cost.
public struct QueryLogEntry: Sendable, Equatable, Codable {
    /// UUID text; generated when not given.
    public var id: String
    /// The user or API key id; nil for anonymous (local CLI) queries.
    public var userID: String?
    /// The query as the log stores it: the redacted text, or `sha256:<hex>` under `hashOnly`. On input, pass
    /// the validated query; `QueryLog.record` redacts it again in any case.
    public var queryText: String
    public var namespace: String
    /// The model that wrote the answer (`extractive` for degraded answers); `model_used`.
    public var model: String
    public var promptTokens: Int
    public var completionTokens: Int
    public var latencyMs: Int
    /// `exact` or `semantic` when the answer came from a cache; nil otherwise.
    public var cacheLayer: String?
    /// How the answer was produced: a provider name, `fallback:<provider>`, `stale_cache`, `extractive`.
    public var path: String
    /// `ok`, `degraded`, `error`, `rejected`, `rate_limited` ….
    public var status: String
    /// US dollars.
    public var cost: Double
    public var createdAt: Date

    public init(id: String = RandomID.uuid(), userID: String? = nil, queryText: String, namespace: String,
                model: String, promptTokens: Int = 0, completionTokens: Int = 0, latencyMs: Int = 0,
                cacheLayer: String? = nil, path: String = "", status: String = "ok", cost: Double = 0,
                createdAt: Date = Date()) {
        self.id = id
        self.userID = userID
        self.queryText = queryText
        self.namespace = namespace
        self.model = model
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.latencyMs = latencyMs
        self.cacheLayer = cacheLayer
        self.path = path
        self.status = status
        self.cost = cost
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, namespace, path, status, cost
        case userID = "user_id", queryText = "query_text", model = "model_used", promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens", latencyMs = "latency_ms", cacheLayer = "cache_layer"
        case createdAt = "created_at"
    }
}
