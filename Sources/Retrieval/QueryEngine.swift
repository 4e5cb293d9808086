import Foundation
import Ingest
import VectorStore

/// A question to answer from a namespace.
public struct QueryRequest: Sendable {
    public var query: String
    public var namespace: String
    public var topK = 5
    public var filter: Filter = .all
    /// How passages are retrieved (hybrid unless asked otherwise) and the fusion and MMR options.
    public var mode: SearchMode = .default
    public var ranking = RankingOptions()
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
    /// The cached answer's memo of serialised parts (shared by every hit of the same cache entry).
    public var rendering: RenderingMemo?
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
    /// Buffer query-log rows and write them together this often (seconds); nil writes each one at once.
    /// The server sets it (thousands of cached answers a second cannot each pay an fsync).
    public var logFlushInterval: Double?
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
    /// Validation and cache keys are pure functions of their inputs; repeated questions (the cache-hit path)
    /// skip the detectors, the tokenizer and the key's hashing.
    private let validations = Memo<MemoKey, ValidatedQuery>(capacity: 4096)
    private let cacheKeys = Memo<CacheKeyMemo, AnswerCacheKey>(capacity: 4096)

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
        log = QueryLog(store: store, textPolicy: configuration.logText, flushInterval: configuration.logFlushInterval)
        answerModel = chain?.model ?? "extractive"
    }

    /// The model name answers are attributed to (and cached under).
    public let answerModel: String

    /// Answers `request` for `caller`.
    /// - Throws: `RateLimitRejection` (429), `QueryRejection` (400), `VectorStoreError.namespaceNotFound` for a
    ///   namespace the caller may not see or that does not exist (404, no existence leak), invalid filters.
    public func answer(_ request: QueryRequest, caller: Caller = .localOperator) async throws -> QueryAnswer {
        let context: Context
        switch try await prepare(request, caller: caller) {
        case .answered(let answer): return answer
        case .retrieved(let retrieved): context = retrieved
        }
        guard let chain, !context.passages.isEmpty else { return try await fallback(context, after: nil) }
        do {
            let result = try await chain.completeWithReport(
                ChatRequest(messages: PromptBuilder.messages(question: context.question, passages: context.passages),
                            temperature: request.temperature))
            await recordBreakers(chain)
            return try await completed(context, text: result.response.text, model: result.response.model, provider: result.provider,
                                       usedFallback: result.usedFallback, retries: result.retries, usage: result.response.usage)
        } catch let error as ProviderError {
            await recordBreakers(chain)
            return try await fallback(context, after: error)
        }
    }

    /// What `answerStream` yields: the sources first, then pieces of the answer, then the finished answer.
    public enum StreamEvent: Sendable {
        case sources([SearchHit])
        case delta(String)
        case done(QueryAnswer)
    }

    /// Streams the answer: `.sources`, then `.delta`s as the provider produces tokens (a cached, stale or
    /// extractive answer comes as one delta), then `.done` with the whole answer. Retries and fallbacks happen
    /// only before the first token; an error after it ends the stream.
    public func answerStream(_ request: QueryRequest, caller: Caller = .localOperator) -> AsyncThrowingStream<StreamEvent, Error> {
        let (stream, continuation) = AsyncThrowingStream<StreamEvent, Error>.makeStream()
        let task = Task {
            do {
                func whole(_ answer: QueryAnswer) {
                    continuation.yield(.sources(answer.sources))
                    continuation.yield(.delta(answer.answer))
                    continuation.yield(.done(answer))
                }
                let context: Context
                switch try await prepare(request, caller: caller) {
                case .answered(let answer):
                    whole(answer)
                    continuation.finish()
                    return
                case .retrieved(let retrieved):
                    context = retrieved
                }
                guard let chain, !context.passages.isEmpty else {
                    whole(try await fallback(context, after: nil))
                    continuation.finish()
                    return
                }
                var text = "", provider = "", model = chain.model, usage = TokenUsage(prompt: 0, completion: 0, estimated: true)
                var retries = 0
                do {
                    let events = chain.streamWithReport(ChatRequest(
                        messages: PromptBuilder.messages(question: context.question, passages: context.passages), temperature: request.temperature))
                    for try await event in events {
                        switch event {
                        case .started(let name, let modelName):
                            provider = name
                            model = modelName
                            continuation.yield(.sources(context.passages))
                        case .delta(let piece):
                            text += piece
                            continuation.yield(.delta(piece))
                        case .done(let finalUsage, _, let retryCount):
                            usage = finalUsage
                            retries = retryCount
                        }
                    }
                } catch let error as ProviderError where provider.isEmpty {
                    await recordBreakers(chain)
                    whole(try await fallback(context, after: error))
                    continuation.finish()
                    return
                }
                await recordBreakers(chain)
                let usedFallback = chain.members.first.map { $0.name != provider } ?? false
                let answer = try await completed(context, text: text, model: model, provider: provider, usedFallback: usedFallback,
                                                 retries: retries, usage: usage)
                continuation.yield(.done(answer))
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Everything known about a request once it is validated and its passages retrieved.
    private struct Context: Sendable {
        var queryID: String
        var question: String
        var request: QueryRequest
        var principal: String
        var caller: Caller
        var started: Double
        var key: AnswerCacheKey
        var scope: AnswerCacheScope
        var embedding: [Float]
        var passages: [SearchHit]
        var flagged: Bool
    }

    private enum Prepared: Sendable {
        case answered(QueryAnswer)
        case retrieved(Context)
    }

    /// Validation, the caller's namespaces, the request's options and filter, and the answer's cache key:
    /// everything before the first cache lookup. Records nothing and takes nothing from the rate limits.
    private func checked(_ request: QueryRequest, caller: Caller, started: Double) throws -> Context {
        let validated = try validations.value(for: MemoKey(text: request.query, number: request.contextWindow)) {
            try validator.validate(request.query, contextWindow: request.contextWindow)
        }
        let question = validated.text
        guard caller.namespaces.allows(request.namespace) else {
            throw VectorStoreError(.namespaceNotFound, "namespace \"\(request.namespace)\" does not exist", context: request.namespace)
        }
        guard request.topK > 0 else { throw RetrievalError(.invalidQuery, "top_k must be positive, got \(request.topK)") }
        try request.ranking.validate()
        let clearance = min(request.clearance, caller.clearance)
        // The scope's namespace lookup below is the existence check when there is no filter to check.
        if request.filter != .all { try store.checkFilter(request.filter, namespace: request.namespace) }
        let scope = try AnswerCacheScope.current(in: store, namespace: request.namespace, filter: request.filter, topK: request.topK,
                                                 model: answerModel, temperature: request.temperature, clearance: clearance,
                                                 callerNamespaces: caller.namespaces, mode: request.mode, ranking: request.ranking)
        let key = cacheKeys.value(for: CacheKeyMemo(question: question, scope: scope)) { AnswerCacheKey(query: question, scope: scope) }
        return Context(queryID: RandomID.uuid(), question: question, request: request, principal: request.userID ?? caller.principal,
                       caller: caller, started: started, key: key, scope: scope, embedding: [], passages: [],
                       flagged: validated.flaggedAsInjection)
    }

    /// The answer when `request` is a fresh exact-cache hit, without suspending: what `answer(_:caller:)` returns
    /// for it (rate-limited, counted, logged). nil when it is not a hit or not a valid request; then nothing was
    /// taken, counted or logged, and `answer(_:caller:)` gives the full answer or the error.
    ///
    /// For a server's event loop: a repeated question is answered where its bytes arrive.
    /// - Throws: `RateLimitRejection` when the caller's limits refuse the hit; errors writing the query log.
    public func cachedAnswer(_ request: QueryRequest, caller: Caller = .localOperator) throws -> QueryAnswer? {
        let started = time.now()
        guard let context = try? checked(request, caller: caller, started: started), let fresh = exactCache.peek(context.key) else {
            return nil
        }
        _ = try limiter.acquire(principal: context.principal, limits: caller.limits)
        // Counted as a hit (and made most recently used) only now that the limiter let it through.
        let hit = exactCache.value(for: context.key) ?? fresh
        return try finish(context, answer: hit, layer: "exact", path: "cache:exact", usage: nil, cost: 0, stale: false)
    }

    /// Rate limit → validation → exact cache → semantic cache → retrieval.
    private func prepare(_ request: QueryRequest, caller: Caller) async throws -> Prepared {
        let started = time.now()
        // The limiter and both caches count their own outcomes in `metrics`.
        _ = try limiter.acquire(principal: request.userID ?? caller.principal, limits: caller.limits)
        var context = try checked(request, caller: caller, started: started)
        if let hit = exactCache.value(for: context.key) {
            return .answered(try finish(context, answer: hit, layer: "exact", path: "cache:exact", usage: nil, cost: 0, stale: false))
        }
        let question = context.question
        context.embedding = try await embedder.embed([question]).first ?? []
        if let hit = try await semanticCache.lookup(query: question, embedding: context.embedding, scope: context.scope) {
            // The same question again is then an exact hit: no embedding, no scan of the semantic entries.
            exactCache.store(hit.answer, for: context.key)
            return .answered(try finish(context, answer: hit.answer, layer: "semantic", path: "cache:semantic", usage: nil, cost: 0,
                                        stale: false))
        }
        let retrievalStarted = time.now()
        var search = SearchRequest(query: question, namespace: request.namespace)
        search.topK = request.topK * max(1, configuration.overFetch)
        let unflagged = Filter.field("prompt_injection", .ne(.bool(true)))
        search.filter = request.filter == .all ? unflagged : .and([request.filter, unflagged])
        search.clearance = context.scope.clearance
        search.mode = request.mode
        search.ranking = request.ranking
        let hits = try await searcher.search(search, queryVector: context.embedding)
        metrics.recordRetrievalLatency(seconds: time.now() - retrievalStarted)
        let questionTokens = embedder.countTokens(question)
        context.passages = Self.pack(Self.deduplicated(hits), topK: request.topK,
                                     budget: max(0, request.contextWindow - questionTokens - PromptBuilder.overheadTokens), counter: embedder)
        return .retrieved(context)
    }

    /// An LLM answer: cached in both layers, tokens charged to the caller, logged.
    private func completed(_ context: Context, text: String, model: String, provider: String, usedFallback: Bool, retries: Int,
                           usage: TokenUsage) async throws -> QueryAnswer {
        for _ in 0..<retries { metrics.recordRetry(provider: provider) }
        if usedFallback { metrics.recordFallback(to: provider) }
        let cost = configuration.prices.cost(usage: usage, model: model)
        let cached = CachedAnswer(answer: text, hits: context.passages, model: model, createdAt: Date().timeIntervalSince1970)
        exactCache.store(cached, for: context.key)
        try? await semanticCache.store(cached, query: context.question, embedding: context.embedding, scope: context.scope)
        limiter.charge(tokens: usage.total, principal: context.principal, limits: context.caller.limits)
        return try finish(context, answer: cached, layer: nil, path: (usedFallback ? "fallback:" : "provider:") + provider,
                          usage: usage, cost: cost, stale: false)
    }

    /// No LLM answer: a stale cached answer for the same key when providers failed, else the extractive one.
    private func fallback(_ context: Context, after error: ProviderError?) async throws -> QueryAnswer {
        if error != nil, let stale = exactCache.stale(context.key) {
            metrics.recordFallback(to: "stale_cache")
            return try finish(context, answer: stale.value, layer: nil, path: "stale_cache", usage: nil, cost: 0, stale: true,
                              status: "fallback")
        }
        if error != nil { metrics.recordFallback(to: "extractive") }
        let text = try await answerer.answer(question: context.question, passages: context.passages)
        let extractive = CachedAnswer(answer: text, hits: context.passages, model: "extractive", degraded: true,
                                      createdAt: Date().timeIntervalSince1970)
        return try finish(context, answer: extractive, layer: nil, path: "extractive", usage: nil, cost: 0, stale: false,
                          status: chain == nil ? "ok" : "fallback")
    }

    /// Publishes each provider's circuit-breaker state as a gauge.
    /// Sets `rag_circuit_breaker_state` from every provider's breaker now (a scrape calls it, so the gauge is
    /// current even when no query ran since a breaker's open time passed).
    public func refreshBreakerGauges() async {
        if let chain { await recordBreakers(chain) }
    }

    private func recordBreakers(_ chain: ProviderChain) async {
        for (provider, state) in await chain.breakerStates() {
            let gauge: RetrievalMetrics.BreakerState = switch state {
            case .closed: .closed
            case .halfOpen: .halfOpen
            case .open: .open
            }
            metrics.recordBreakerState(gauge, provider: provider)
        }
    }

    /// Logs the query (redacted text only), records metrics, and builds the answer.
    private func finish(_ context: Context, answer: CachedAnswer, layer: String?, path: String, usage: TokenUsage?, cost: Double,
                        stale: Bool, status: String = "ok") throws -> QueryAnswer {
        let latency = time.now() - context.started
        let latencyMs = Int(latency * 1000)
        if let usage {
            metrics.recordTokens(prompt: usage.prompt, completion: usage.completion)
            metrics.recordCost(usd: cost, model: answer.model)
        }
        metrics.recordQuery(model: answer.model, status: status, latencySeconds: latency)
        _ = try log.record(QueryLogEntry(id: context.queryID, userID: context.principal, queryText: context.question,
                                         namespace: context.request.namespace, model: answer.model, promptTokens: usage?.prompt ?? 0,
                                         completionTokens: usage?.completion ?? 0, latencyMs: latencyMs, cacheLayer: layer, path: path,
                                         status: status, cost: cost))
        return QueryAnswer(queryID: context.queryID, answer: answer.answer, sources: answer.hits, latencyMs: latencyMs,
                           cached: layer != nil, cacheLayer: layer, model: answer.model, degraded: answer.degraded, stale: stale,
                           path: path, usage: usage, cost: cost, flagged: context.flagged, rendering: answer.rendering)
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

struct MemoKey: Hashable, Sendable {
    var text: String
    var number: Int
}

struct CacheKeyMemo: Hashable, Sendable {
    var question: String
    var scope: AnswerCacheScope
}

/// A bounded memo for pure functions: at capacity it starts over (cheaper than LRU bookkeeping, and the
/// hot entries come back at once). Errors are not memoised.
public final class Memo<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    private let capacity: Int
    private let lock = NSLock()
    private var values: [Key: Value] = [:]   // guarded by lock

    public init(capacity: Int) { self.capacity = capacity }

    public func value<E: Error>(for key: Key, _ make: () throws(E) -> Value) throws(E) -> Value {
        if let hit = lock.withLock({ values[key] }) { return hit }
        let made = try make()
        lock.withLock {
            if values.count >= capacity { values.removeAll(keepingCapacity: true) }
            values[key] = made
        }
        return made
    }
}
