import Foundation
import Ingest
import VectorStore

/// A question to answer from a namespace.
public struct QueryRequest: Sendable {
    public var query: String
    public var namespace: String
    public var topK = 5
    public var filter: Filter = .all
    /// Token budget for the passages given to the model (seed default 4000).
    public var contextWindow = 4000
    public var temperature = 0.7
    /// The highest level the request asks to see; the caller's own clearance caps it.
    public var clearance: AccessLevel = .restricted
    /// Principal for rate limits and the query log (a user id or API key id).
    public var userID: String?

    public init(query: String, namespace: String) {
        self.query = query
        self.namespace = namespace
    }
}

/// Who is asking: what they may see, and whose rate limits apply.
public struct Caller: Sendable {
    /// User id or API key id: the rate-limit principal and the query log's `user_id`.
    public var principal: String
    public var namespaces: AnswerCacheScope.CallerNamespaces
    public var clearance: AccessLevel
    /// Per-key overrides of `user_rpm` / `user_tpm`.
    public var limits: RateLimiter.Limits?

    public init(principal: String, namespaces: AnswerCacheScope.CallerNamespaces = .all, clearance: AccessLevel = .restricted,
                limits: RateLimiter.Limits? = nil) {
        self.principal = principal
        self.namespaces = namespaces
        self.clearance = clearance
        self.limits = limits
    }

    /// The local operator of `ragctl`: every namespace, every level.
    public static let localOperator = Caller(principal: "local")
}

/// An answer with its numbered sources and how it was produced.
public struct QueryAnswer: Sendable {
    public var queryID: String
    public var answer: String
    public var sources: [SearchHit]
    public var latencyMs: Int
    public var cached: Bool
    /// `exact` or `semantic` when `cached`.
    public var cacheLayer: String?
    public var model: String
    /// True when the answer was assembled from the passages (no LLM configured or reachable).
    public var degraded: Bool
    /// True when every provider failed and an expired cached answer for the same question was served.
    public var stale: Bool
    /// Which path produced it: `provider:NAME`, `fallback:NAME`, `stale_cache`, `extractive`, `cache:LAYER`.
    public var path: String
    public var usage: TokenUsage?
    /// USD, from the configured price table.
    public var cost: Double
    /// True when the query was flagged (not blocked) as a prompt injection.
    public var flagged: Bool
}

/// Settings of the query path, from the config file's `[validation]`, `[cache]`, `[rate_limit]`,
/// `[[llm.providers]]` and `[resilience]` sections.
public struct QueryEngineConfiguration: Sendable {
    public var validation = QueryValidator.Configuration()
    public var exactEntries = 1000
    public var exactTTL = 300.0
    public var semantic = SemanticAnswerCache.Configuration()
    public var rateLimit = RateLimiter.Configuration()
    /// Tried in order; empty means answers are extractive and `degraded`.
    public var providers: [LLMProviderConfiguration] = []
    public var resilience = ResilienceConfiguration()
    public var prices = PriceTable()
    public var logText: QueryLog.TextPolicy = .redacted
    /// Chunks fetched per chunk kept, so that dropping flagged and duplicate chunks still leaves `top_k`.
    public var overFetch = 3

    public init() {}
}

/// The request pipeline of the seed: rate limit → validation → exact cache → semantic cache → retrieval
/// (caller's filter and clearance, flagged chunks dropped, near-duplicates dropped, packed into the context
/// budget) → LLM chain (retry, breaker, fallback) → stale cache → extractive answer → query log and metrics.
public final class QueryEngine: Sendable {
    public let store: VectorStore
    public let embedder: any Embedder
    public let configuration: QueryEngineConfiguration
    public let searcher: Searcher
    public let answerer: ExtractiveAnswerer
    public let validator: QueryValidator
    public let exactCache: ExactAnswerCache<CachedAnswer>
    public let semanticCache: SemanticAnswerCache
    public let limiter: RateLimiter
    public let chain: ProviderChain?
    public let log: QueryLog
    public let metrics: RetrievalMetrics
    let time: any TimeSource

    /// - Parameters:
    ///   - time: drives rate limits, the exact cache's TTL, backoff and breakers.
    ///   - wallTime: the persisted semantic cache's clock (seconds since 1970, so entries survive restarts).
    ///   - providers: ready-made providers instead of `configuration.providers` (tests, embedding apps).
    /// - Throws: when a configuration value is out of range (naming it).
    public init(store: VectorStore, embedder: any Embedder, configuration: QueryEngineConfiguration = QueryEngineConfiguration(),
                time: any TimeSource = SystemTime(), wallTime: any TimeSource = WallClockTime(),
                metrics: RetrievalMetrics = RetrievalMetrics(), providers: [any LLMProvider]? = nil) throws {
        self.store = store
        self.embedder = embedder
        self.configuration = configuration
        self.time = time
        self.metrics = metrics
        searcher = Searcher(store: store, embedder: embedder)
        answerer = ExtractiveAnswerer(embedder: embedder)
        validator = QueryValidator(configuration: configuration.validation, tokenCounter: embedder)
        exactCache = try ExactAnswerCache(capacity: configuration.exactEntries, ttl: configuration.exactTTL, time: time, metrics: metrics)
        semanticCache = try SemanticAnswerCache(store: store, embedder: embedder, configuration: configuration.semantic,
                                                time: wallTime, metrics: metrics)
        limiter = try RateLimiter(configuration: configuration.rateLimit, time: time, metrics: metrics)
        if let providers, !providers.isEmpty {
            chain = ProviderChain(providers: providers, configuration: configuration.resilience, time: time)
        } else if !configuration.providers.isEmpty {
            chain = ProviderChain(configurations: configuration.providers, resilience: configuration.resilience, time: time)
        } else {
            chain = nil
        }
        log = QueryLog(store: store, textPolicy: configuration.logText)
    }

    /// The model name answers are attributed to (and cached under).
    public var answerModel: String { chain?.model ?? "extractive" }

    /// Answers `request` for `caller`.
    /// - Throws: `RateLimitRejection` (429), `QueryRejection` (400), `VectorStoreError.namespaceNotFound` for a
    ///   namespace the caller may not see or that does not exist (404, no existence leak), invalid filters.
    public func answer(_ request: QueryRequest, caller: Caller = .localOperator) async throws -> QueryAnswer {
        let started = time.now()
        let principal = request.userID ?? caller.principal
        do {
            _ = try await limiter.acquire(principal: principal, limits: caller.limits)
        } catch {
            metrics.recordRateLimitRejection(scope: error.scope.rawValue)
            throw error
        }
        let validated = try validator.validate(request.query, contextWindow: request.contextWindow)
        let question = validated.text
        guard caller.namespaces.allows(request.namespace) else {
            throw VectorStoreError(.namespaceNotFound, "namespace \"\(request.namespace)\" does not exist", context: request.namespace)
        }
        guard request.topK > 0 else { throw RetrievalError(.invalidQuery, "top_k must be positive, got \(request.topK)") }
        let clearance = min(request.clearance, caller.clearance)
        try store.checkFilter(request.filter, namespace: request.namespace)
        let scope = try AnswerCacheScope.current(in: store, namespace: request.namespace, filter: request.filter, topK: request.topK,
                                                 model: answerModel, temperature: request.temperature, clearance: clearance,
                                                 callerNamespaces: caller.namespaces)
        let key = AnswerCacheKey(query: question, scope: scope)
        let queryID = UUID().uuidString.lowercased()

        if let hit = await exactCache.value(for: key) {
            return try finish(queryID: queryID, question: question, request: request, principal: principal, started: started,
                              answer: hit, layer: "exact", path: "cache:exact", usage: nil, cost: 0, stale: false, flagged: validated.flaggedAsInjection)
        }
        let embedding = try await embedder.embed([question]).first ?? []
        if let hit = try await semanticCache.lookup(query: question, embedding: embedding, scope: scope) {
            return try finish(queryID: queryID, question: question, request: request, principal: principal, started: started,
                              answer: hit.answer, layer: "semantic", path: "cache:semantic", usage: nil, cost: 0, stale: false,
                              flagged: validated.flaggedAsInjection)
        }

        let retrievalStarted = time.now()
        var search = SearchRequest(query: question, namespace: request.namespace)
        search.topK = request.topK * max(1, configuration.overFetch)
        let unflagged = Filter.field("prompt_injection", .ne(.bool(true)))
        search.filter = request.filter == .all ? unflagged : .and([request.filter, unflagged])
        search.clearance = clearance
        let hits = try await searcher.search(search, queryVector: embedding)
        metrics.recordRetrievalLatency(seconds: time.now() - retrievalStarted)
        let questionTokens = embedder.countTokens(question)
        let passages = Self.pack(Self.deduplicated(hits), topK: request.topK,
                                 budget: max(0, request.contextWindow - questionTokens - PromptBuilder.overheadTokens), counter: embedder)

        if let chain, !passages.isEmpty {
            do {
                let result = try await chain.completeWithReport(
                    ChatRequest(messages: PromptBuilder.messages(question: question, passages: passages), temperature: request.temperature))
                for _ in 0..<result.retries { metrics.recordRetry(provider: result.provider) }
                if result.usedFallback { metrics.recordFallback(to: result.provider) }
                let usage = result.response.usage
                let cost = configuration.prices.cost(usage: usage, model: result.response.model)
                let cached = CachedAnswer(answer: result.response.text, hits: passages, model: result.response.model, createdAt: Date().timeIntervalSince1970)
                await exactCache.store(cached, for: key)
                try? await semanticCache.store(cached, query: question, embedding: embedding, scope: scope)
                await limiter.charge(tokens: usage.total, principal: principal, limits: caller.limits)
                return try finish(queryID: queryID, question: question, request: request, principal: principal, started: started,
                                  answer: cached, layer: nil, path: (result.usedFallback ? "fallback:" : "provider:") + result.provider,
                                  usage: usage, cost: cost, stale: false, flagged: validated.flaggedAsInjection)
            } catch let error as ProviderError {
                if let stale = await exactCache.stale(key) {
                    metrics.recordFallback(to: "stale_cache")
                    return try finish(queryID: queryID, question: question, request: request, principal: principal, started: started,
                                      answer: stale.value, layer: nil, path: "stale_cache", usage: nil, cost: 0, stale: true,
                                      flagged: validated.flaggedAsInjection, status: "fallback", note: error.message)
                }
                metrics.recordFallback(to: "extractive")
            }
        }
        let text = try await answerer.answer(question: question, passages: passages)
        let extractive = CachedAnswer(answer: text, hits: passages, model: "extractive", degraded: true, createdAt: Date().timeIntervalSince1970)
        return try finish(queryID: queryID, question: question, request: request, principal: principal, started: started,
                          answer: extractive, layer: nil, path: "extractive", usage: nil, cost: 0, stale: false,
                          flagged: validated.flaggedAsInjection, status: chain == nil ? "ok" : "fallback")
    }

    /// Logs the query (redacted text only), records metrics, and builds the answer.
    private func finish(queryID: String, question: String, request: QueryRequest, principal: String, started: Double,
                        answer: CachedAnswer, layer: String?, path: String, usage: TokenUsage?, cost: Double, stale: Bool,
                        flagged: Bool, status: String = "ok", note: String? = nil) throws -> QueryAnswer {
        let latency = time.now() - started
        let latencyMs = Int(latency * 1000)
        if layer == nil { metrics.recordCacheRequest(layer: "exact", result: "miss") }
        if let usage {
            metrics.recordTokens(prompt: usage.prompt, completion: usage.completion)
            metrics.recordCost(usd: cost, model: answer.model)
        }
        metrics.recordQuery(model: answer.model, status: status, latencySeconds: latency)
        _ = try log.record(QueryLogEntry(id: queryID, userID: principal, queryText: question, namespace: request.namespace,
                                         model: answer.model, promptTokens: usage?.prompt ?? 0, completionTokens: usage?.completion ?? 0,
                                         latencyMs: latencyMs, cacheLayer: layer, path: path, status: status, cost: cost))
        return QueryAnswer(queryID: queryID, answer: answer.answer, sources: answer.sources.map(\.hit), latencyMs: latencyMs,
                           cached: layer != nil, cacheLayer: layer, model: answer.model, degraded: answer.degraded, stale: stale,
                           path: path, usage: usage, cost: cost, flagged: flagged)
    }

    /// Drops chunks whose text is (nearly) the same as a better-ranked one: overlapping chunks and copies.
    static func deduplicated(_ hits: [SearchHit]) -> [SearchHit] {
        var kept: [(hit: SearchHit, shingles: Set<String>)] = []
        for hit in hits {
            let words = hit.text.lowercased().split { !$0.isLetter && !$0.isNumber }
            var shingles = Set<String>()
            if words.count >= 3 { for i in 0...(words.count - 3) { shingles.insert(words[i..<(i + 3)].joined(separator: " ")) } }
            let duplicate = kept.contains { other in
                let union = other.shingles.union(shingles).count
                return union > 0 && Double(other.shingles.intersection(shingles).count) / Double(union) >= 0.8
            }
            if !duplicate { kept.append((hit, shingles)) }
        }
        return kept.map(\.hit)
    }

    /// The best passages that fit `budget` tokens, at most `topK`.
    static func pack(_ hits: [SearchHit], topK: Int, budget: Int, counter: any TokenCounter) -> [SearchHit] {
        var used = 0
        var packed: [SearchHit] = []
        for hit in hits where packed.count < topK {
            let tokens = counter.countTokens(hit.text)
            if used + tokens > budget { continue }
            used += tokens
            packed.append(hit)
        }
        return packed
    }
}

extension AnswerCacheScope.CallerNamespaces {
    func allows(_ namespace: String) -> Bool {
        switch self {
        case .all: true
        case .only(let names): names.contains(namespace)
        }
    }
}
