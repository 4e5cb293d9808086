import Foundation
import Metrics
import Testing
@testable import Retrieval

/// A metrics factory that records values by "label{k=v,…}", injected instead of bootstrapping the global
/// MetricsSystem (which may happen once per process).
final class RecordingMetrics: MetricsFactory, @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Double] = [:]
    private var samples: [String: [Double]] = [:]

    static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        dimensions.isEmpty ? label : "\(label){\(dimensions.map { "\($0.0)=\($0.1)" }.joined(separator: ","))}"
    }

    func value(_ key: String) -> Double? { lock.withLock { values[key] } }
    func samples(_ key: String) -> [Double] { lock.withLock { samples[key] ?? [] } }

    fileprivate func add(_ key: String, _ amount: Double) { lock.withLock { values[key, default: 0] += amount } }
    fileprivate func set(_ key: String, _ value: Double) { lock.withLock { values[key] = value } }
    fileprivate func sample(_ key: String, _ value: Double) { lock.withLock { samples[key, default: []].append(value) } }

    final class Handler: CounterHandler, FloatingPointCounterHandler, RecorderHandler, TimerHandler, MeterHandler,
        @unchecked Sendable {
        let key: String
        weak var owner: RecordingMetrics?
        init(_ key: String, _ owner: RecordingMetrics) { self.key = key; self.owner = owner }
        func increment(by amount: Int64) { owner?.add(key, Double(amount)) }
        func increment(by amount: Double) { owner?.add(key, amount) }
        func reset() { owner?.set(key, 0) }
        func record(_ value: Int64) { owner?.set(key, Double(value)) }
        func record(_ value: Double) { owner?.set(key, value) }
        func recordNanoseconds(_ duration: Int64) { owner?.sample(key, Double(duration) / 1e9) }
        func set(_ value: Int64) { owner?.set(key, Double(value)) }
        func set(_ value: Double) { owner?.set(key, value) }
        func decrement(by amount: Double) { owner?.add(key, -amount) }
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler { Handler(Self.key(label, dimensions), self) }
    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        Handler(Self.key(label, dimensions), self)
    }
    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler { Handler(Self.key(label, dimensions), self) }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        Handler(Self.key(label, dimensions), self)
    }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { Handler(Self.key(label, dimensions), self) }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    func destroyMeter(_ handler: any MeterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}

@Suite struct QueryLogMetricsTests {
    @Test func instrumentsUseTheSeedNamesAndLabels() {
        let recorder = RecordingMetrics()
        let metrics = RetrievalMetrics(factory: recorder)
        metrics.recordQuery(model: "llama3", status: "success", latencySeconds: 1.25)
        metrics.recordQuery(model: "llama3", status: "success")
        metrics.recordCacheRequest(layer: "exact", result: "hit")
        metrics.recordTokens(prompt: 100, completion: 20)
        metrics.recordCost(usd: 0.5, model: "llama3")
        metrics.recordRetry(provider: "primary")
        metrics.recordBreakerState(.open, provider: "primary")
        metrics.recordFallback(to: "extractive")
        metrics.recordRateLimitRejection(scope: "user")
        metrics.recordRetrievalLatency(seconds: 0.02)
        #expect(recorder.value("llm_queries_total{model=llama3,status=success}") == 2)
        #expect(recorder.samples("llm_query_latency_seconds{model=llama3}") == [1.25])
        #expect(recorder.value("rag_cache_requests_total{layer=exact,result=hit}") == 1)
        #expect(recorder.value("rag_tokens_total{kind=prompt}") == 100)
        #expect(recorder.value("rag_tokens_total{kind=completion}") == 20)
        #expect(recorder.value("rag_cost_usd_total{model=llama3}") == 0.5)
        #expect(recorder.value("rag_llm_retries_total{provider=primary}") == 1)
        #expect(recorder.value("rag_circuit_breaker_state{provider=primary}") == 2)
        #expect(recorder.value("rag_fallbacks_total{to=extractive}") == 1)
        #expect(recorder.value("rag_rate_limit_rejections_total{scope=user}") == 1)
        #expect(recorder.samples("rag_retrieval_latency_seconds").count == 1)
        #expect(RetrievalMetrics.latencyBuckets == [0.1, 0.5, 1, 2, 5, 10])
    }

    @Test func cachesAndLimiterReportThroughMetrics() async throws {
        let recorder = RecordingMetrics()
        let metrics = RetrievalMetrics(factory: recorder)
        let cache = try ExactAnswerCache<String>(time: ManualTime(), metrics: metrics)
        let key = AnswerCacheKey(query: "q", scope: testScope())
        _ = cache.value(for: key)
        cache.store("a", for: key)
        _ = cache.value(for: key)
        _ = cache.stale(key)
        #expect(recorder.value("rag_cache_requests_total{layer=exact,result=miss}") == 1)
        #expect(recorder.value("rag_cache_requests_total{layer=exact,result=hit}") == 1)
        #expect(recorder.value("rag_cache_requests_total{layer=exact,result=stale}") == 1)
        let limiter = try RateLimiter(configuration: .init(userRPM: 1, globalRPM: 0), time: ManualTime(), metrics: metrics)
        _ = try limiter.acquire(principal: "a")
        _ = try? limiter.acquire(principal: "a")
        #expect(recorder.value("rag_rate_limit_rejections_total{scope=user}") == 1)
    }
}
