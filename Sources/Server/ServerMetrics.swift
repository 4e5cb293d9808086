import CoreMetrics
import Foundation
import Metrics
import NIOConcurrencyHelpers
import Prometheus
import Retrieval
import VectorStore

/// The server's Prometheus registry: HTTP metrics recorded by the request middleware, the query path's
/// swift-metrics instruments (through `factory`), and gauges sampled at scrape time (vectors per namespace,
/// SQLite connections, ingest queue, process memory). Every family has HELP text, so the exposition passes
/// `promtool check metrics`.
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    /// A swift-metrics factory writing into `registry`, with help text for every known name.
    public let factory: DescribedPrometheusFactory

    private let requestsInFlight: Prometheus.Gauge
    private let queueDepth: Prometheus.Gauge
    private let startTime = Date().timeIntervalSince1970
    /// The series of each (route, method, status): the registry's own lookup validates names and builds label
    /// keys on every call, several microseconds per request.
    private let requestSeries = NIOLockedValueBox<[RequestSeriesKey: RequestSeries]>([:])

    private struct RequestSeriesKey: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    private struct RequestSeries {
        var count: Prometheus.Counter
        var duration: Prometheus.DurationHistogram
    }

    public init() {
        factory = DescribedPrometheusFactory(registry: registry)
        requestsInFlight = registry.makeGauge(descriptor: Self.describe("http_requests_in_flight", "HTTP requests being served"))
        queueDepth = registry.makeGauge(descriptor: Self.describe("rag_ingest_queue_depth", "Ingest jobs waiting for a worker"))
        registry.makeGauge(descriptor: Self.describe("process_start_time_seconds", "Start time of the process since the Unix epoch"))
            .set(startTime)
    }

    static func describe(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// Route-pattern labels only (never raw paths), so ids in URLs do not explode the series count.
    func recordRequest(route: String, method: String, status: Int, seconds: Double) {
        let key = RequestSeriesKey(route: route, method: method, status: status)
        let series = requestSeries.withLockedValue { known in
            if let series = known[key] { return series }
            let series = RequestSeries(
                count: registry.makeCounter(descriptor: Self.describe("http_requests_total", "HTTP requests by route, method and status"),
                                            labels: [("route", route), ("method", method), ("status", String(status))]),
                duration: registry.makeDurationHistogram(
                    descriptor: Self.describe("http_request_duration_seconds", "HTTP request latency until the response head"),
                    labels: [("route", route), ("method", method)], buckets: Self.httpBuckets))
            known[key] = series
            return series
        }
        series.count.increment()
        series.duration.record(Duration.nanoseconds(Int64(seconds * 1e9)))
    }

    static let httpBuckets: [Duration] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
        .map { Duration.nanoseconds(Int64($0 * 1e9)) }

    func requestStarted() { requestsInFlight.increment() }
    func requestFinished() { requestsInFlight.decrement() }
    func setQueueDepth(_ depth: Int) { queueDepth.set(Double(depth)) }

    func recordJob(state: String) {
        registry.makeCounter(descriptor: Self.describe("rag_ingest_jobs_total", "Ingest jobs finished, by final state"),
                             labels: [("state", state)]).increment()
    }

    /// Samples the gauges that are cheaper to read than to maintain, then renders the exposition.
    func render(store: VectorStore) -> [UInt8] {
        for info in store.listNamespaces() {
            registry.makeGauge(descriptor: Self.describe("rag_namespace_vectors", "Vectors stored per namespace"),
                               labels: [("namespace", info.name)]).set(Double(info.count))
            registry.makeGauge(descriptor: Self.describe("rag_namespace_memory_bytes", "Resident bytes of a namespace's index"),
                               labels: [("namespace", info.name)]).set(Double(info.bytes))
        }
        let connections = store.sqliteConnections
        registry.makeGauge(descriptor: Self.describe("rag_sqlite_connections", "SQLite connections held open by the store"))
            .set(Double(connections.open))
        registry.makeGauge(descriptor: Self.describe("rag_sqlite_connections_in_use", "SQLite connections busy at scrape time"))
            .set(Double(connections.inUse))
        let memory = ProcessMemory.sample()
        registry.makeGauge(descriptor: Self.describe("process_resident_memory_bytes", "Resident memory size in bytes"))
            .set(Double(memory.resident))
        registry.makeGauge(descriptor: Self.describe("process_virtual_memory_bytes", "Virtual memory size in bytes"))
            .set(Double(memory.virtual))
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16 << 10)
        registry.emit(into: &buffer)
        return buffer
    }
}

/// Resident and virtual size from /proc/self/statm (zeros where it does not exist).
enum ProcessMemory {
    static func sample() -> (resident: Int, virtual: Int) {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return (0, 0) }
        let fields = text.split(separator: " ").compactMap { Int($0) }
        guard fields.count >= 2 else { return (0, 0) }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        return (fields[1] * page, fields[0] * page)
    }
}

/// swift-metrics → Prometheus with HELP text: the query path's instruments are created through swift-metrics
/// (Retrieval does not know Prometheus), and this factory names each family's meaning so the exposition
/// lints clean. Timers become histograms in seconds with the seed's buckets for query latency.
public struct DescribedPrometheusFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry
    /// Handlers already made, by kind, label and dimensions: swift-metrics asks the factory each time an
    /// instrument is created (the query path creates them per request), and the registry's lookup is slow.
    private let made = HandlerMemo()

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    static let help: [String: String] = [
        "llm_queries_total": "Queries answered, by model and status",
        "llm_query_latency_seconds": "End-to-end query latency by model",
        "rag_cache_requests_total": "Answer cache lookups by layer and result",
        "rag_tokens_total": "LLM tokens by kind",
        "rag_cost_usd_total": "Estimated LLM cost in US dollars by model",
        "rag_llm_retries_total": "LLM request retries by provider",
        "rag_circuit_breaker_state": "Circuit breaker state by provider (0 closed, 1 half-open, 2 open)",
        "rag_fallbacks_total": "Answers served by a fallback, by target",
        "rag_rate_limit_rejections_total": "Requests rejected by a rate limit, by scope",
        "rag_retrieval_latency_seconds": "Retrieval (embedding excluded) latency",
    ]

    static let queryBuckets = RetrievalMetrics.latencyBuckets.map { Duration.nanoseconds(Int64($0 * 1e9)) }
    static let defaultBuckets: [Duration] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
        .map { Duration.nanoseconds(Int64($0 * 1e9)) }

    private func descriptor(_ label: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: label, unitName: "", helpText: Self.help[label] ?? "ragctl metric \(label)")
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        made.handler(.counter, label, dimensions) { () -> any CounterHandler in
            registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
        }
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        made.handler(.fpcounter, label, dimensions) { () -> any FloatingPointCounterHandler in
            registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
        }
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        made.handler(aggregate ? .histogram : .gauge, label, dimensions) { () -> any RecorderHandler in
            if aggregate {
                return registry.makeValueHistogram(descriptor: descriptor(label), labels: dimensions,
                                                   buckets: [0.001, 0.01, 0.1, 1, 10, 100, 1000])
            }
            return registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
        }
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        made.handler(.meter, label, dimensions) { () -> any MeterHandler in
            registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
        }
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        made.handler(.timer, label, dimensions) { () -> any TimerHandler in
            let buckets = label == "llm_query_latency_seconds" ? Self.queryBuckets : Self.defaultBuckets
            return registry.makeDurationHistogram(descriptor: descriptor(label), labels: dimensions, buckets: buckets)
        }
    }

    public func destroyCounter(_ handler: any CounterHandler) {}
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    public func destroyRecorder(_ handler: any RecorderHandler) {}
    public func destroyMeter(_ handler: any MeterHandler) {}
    public func destroyTimer(_ handler: any TimerHandler) {}
}

/// The handlers a `DescribedPrometheusFactory` has made, so each series is looked up in the registry once.
final class HandlerMemo: @unchecked Sendable {
    enum Kind: Hashable { case counter, fpcounter, histogram, gauge, meter, timer }

    private struct Key: Hashable {
        var kind: Kind
        var label: String
        var dimensions: [String]
    }

    private let lock = NSLock()
    private var handlers: [Key: AnyObject] = [:]   // guarded by lock; every handler is a Sendable class

    func handler<H>(_ kind: Kind, _ label: String, _ dimensions: [(String, String)], _ make: () -> H) -> H {
        var flat: [String] = []
        flat.reserveCapacity(dimensions.count * 2)
        for (name, value) in dimensions { flat.append(name); flat.append(value) }
        let key = Key(kind: kind, label: label, dimensions: flat)
        return lock.withLock {
            if let handler = handlers[key] as? H { return handler }
            let handler = make()
            handlers[key] = handler as AnyObject
            return handler
        }
    }
}
