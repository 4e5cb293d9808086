import Foundation
import Metrics

/// The query path's swift-metrics instruments, with the seed's names and labels. The query engine, caches,
/// rate limiter and provider chain call the small `record…` methods; the backend (e.g. a Prometheus factory
/// bootstrapped by the server) exports them.
///
/// | name | kind | labels |
/// |---|---|---|
/// | `llm_queries_total` | Counter | `model`, `status` |
/// | `llm_query_latency_seconds` | Timer | `model` |
/// | `rag_cache_requests_total` | Counter | `layer` (exact, semantic), `result` (hit, miss, stale) |
/// | `rag_tokens_total` | Counter | `kind` (prompt, completion) |
/// | `rag_cost_usd_total` | FloatingPointCounter | `model` |
/// | `rag_llm_retries_total` | Counter | `provider` |
/// | `rag_circuit_breaker_state` | Gauge | `provider` — 0 closed, 1 half-open, 2 open |
/// | `rag_fallbacks_total` | Counter | `to` (a provider name, `stale_cache`, `extractive`) |
/// | `rag_rate_limit_rejections_total` | Counter | `scope` (user, global, tokens) |
/// | `rag_retrieval_latency_seconds` | Timer | — |
///
/// Histogram buckets are the backend's business in swift-metrics: a Timer becomes a histogram whose buckets
/// the factory configures. The seed's buckets are `latencyBuckets` (0.1, 0.5, 1, 2, 5, 10 s); with
/// swift-prometheus set `PrometheusMetricsFactory.timerHistogramBuckets["llm_query_latency_seconds"]` to them.
public struct RetrievalMetrics: Sendable {
    /// A circuit breaker's state as the gauge reports it.
    public enum BreakerState: Int, Sendable {
        case closed = 0
        case halfOpen = 1
        case open = 2
    }

    /// The seed's latency histogram buckets, in seconds.
    public static let latencyBuckets: [Double] = [0.1, 0.5, 1, 2, 5, 10]

    private let factory: (any MetricsFactory)?
    /// With an explicit factory, each series' instrument is made once and reused: the query path records
    /// several per request, and making one means a factory lookup of its label and dimensions.
    private let made: Instruments?

    /// - Parameter factory: where instruments are made; nil uses `MetricsSystem.factory` at each call, so a
    ///   bootstrap after this value is created still takes effect. Tests pass their own factory instead of
    ///   bootstrapping (which may happen only once per process).
    public init(factory: (any MetricsFactory)? = nil) {
        self.factory = factory
        made = factory.map(Instruments.init)
    }

    private var resolved: any MetricsFactory { factory ?? MetricsSystem.factory }

    private func counter(_ label: String, _ dimensions: [(String, String)] = []) -> Counter {
        if let made { return made.counter(label, dimensions) }
        return Counter(label: label, dimensions: dimensions, factory: resolved)
    }

    private func timer(_ label: String, _ dimensions: [(String, String)] = []) -> Timer {
        if let made { return made.timer(label, dimensions) }
        return Timer(label: label, dimensions: dimensions, factory: resolved)
    }

    /// One answered (or failed) query: `llm_queries_total{model,status}` and `llm_query_latency_seconds{model}`.
    /// - Parameters: status: `success`, `error`, `degraded`, `cached`, `rejected` …; latency in seconds.
    public func recordQuery(model: String, status: String, latencySeconds: Double? = nil) {
        counter("llm_queries_total", [("model", model), ("status", status)]).increment()
        if let latencySeconds {
            timer("llm_query_latency_seconds", [("model", model)]).recordSeconds(max(0, latencySeconds))
        }
    }

    /// `rag_cache_requests_total{layer,result}`: layer `exact` or `semantic`; result `hit`, `miss` or `stale`.
    public func recordCacheRequest(layer: String, result: String) {
        counter("rag_cache_requests_total", [("layer", layer), ("result", result)]).increment()
    }

    /// `rag_tokens_total{kind="prompt"|"completion"}`; zero counts are skipped.
    public func recordTokens(prompt: Int, completion: Int) {
        if prompt > 0 {
            counter("rag_tokens_total", [("kind", "prompt")]).increment(by: prompt)
        }
        if completion > 0 {
            counter("rag_tokens_total", [("kind", "completion")]).increment(by: completion)
        }
    }

    /// `rag_cost_usd_total{model}` by `usd` (US dollars, ≥ 0).
    public func recordCost(usd: Double, model: String) {
        guard usd > 0, usd.isFinite else { return }
        FloatingPointCounter(label: "rag_cost_usd_total", dimensions: [("model", model)], factory: resolved)
            .increment(by: usd)
    }

    /// `rag_llm_retries_total{provider}`: one retry of an LLM call.
    public func recordRetry(provider: String) {
        counter("rag_llm_retries_total", [("provider", provider)]).increment()
    }

    /// `rag_circuit_breaker_state{provider}` = 0 closed, 1 half-open, 2 open.
    public func recordBreakerState(_ state: BreakerState, provider: String) {
        Gauge(label: "rag_circuit_breaker_state", dimensions: [("provider", provider)], factory: resolved)
            .record(state.rawValue)
    }

    /// `rag_fallbacks_total{to}`: the answer came from `to` after the preferred path failed.
    public func recordFallback(to: String) {
        counter("rag_fallbacks_total", [("to", to)]).increment()
    }

    /// `rag_rate_limit_rejections_total{scope}`: scope `user`, `global` or `tokens`.
    public func recordRateLimitRejection(scope: String) {
        counter("rag_rate_limit_rejections_total", [("scope", scope)]).increment()
    }

    /// `rag_retrieval_latency_seconds`: embedding plus vector search, in seconds.
    public func recordRetrievalLatency(seconds: Double) {
        timer("rag_retrieval_latency_seconds").recordSeconds(max(0, seconds))
    }
}

/// The counters and timers a `RetrievalMetrics` with its own factory has made, by label and dimension values.
private final class Instruments: @unchecked Sendable {
    private struct Key: Hashable {
        var label: String
        var values: [String]

        init(_ label: String, _ dimensions: [(String, String)]) {
            self.label = label
            values = []
            values.reserveCapacity(dimensions.count * 2)
            for (name, value) in dimensions { values.append(name); values.append(value) }
        }
    }

    private let factory: any MetricsFactory
    private let lock = NSLock()
    private var counters: [Key: Counter] = [:]   // guarded by lock
    private var timers: [Key: Timer] = [:]       // guarded by lock

    init(_ factory: any MetricsFactory) { self.factory = factory }

    func counter(_ label: String, _ dimensions: [(String, String)]) -> Counter {
        made(&counters, label, dimensions) { Counter(label: label, dimensions: dimensions, factory: factory) }
    }

    func timer(_ label: String, _ dimensions: [(String, String)]) -> Timer {
        made(&timers, label, dimensions) { Timer(label: label, dimensions: dimensions, factory: factory) }
    }

    /// The instrument for `label` and `dimensions` in `known`, made by `make` the first time.
    private func made<Instrument>(_ known: inout [Key: Instrument], _ label: String, _ dimensions: [(String, String)],
                                  _ make: () -> Instrument) -> Instrument {
        let key = Key(label, dimensions)
        lock.lock()
        defer { lock.unlock() }
        if let instrument = known[key] { return instrument }
        let instrument = make()
        known[key] = instrument
        return instrument
    }
}
