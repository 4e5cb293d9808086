import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Ingest
import Logging
import NIOCore
import Retrieval
import ServiceLifecycle
import VectorStore

/// `ragctl serve`: the engine over HTTP. Owns the Hummingbird application, the ingest workers and the
/// shutdown sequence (SIGTERM/SIGINT: stop accepting, drain in-flight requests, interrupt the running ingest
/// job so it resumes at the next start, checkpoint the SQLite log).
public final class RAGServer: Sendable {
    public let store: VectorStore
    public let embedder: any Embedder
    public let engine: QueryEngine
    public let configuration: ServerConfiguration
    public let metrics: ServerMetrics
    /// nil: authentication is off (`ragctl serve` then binds loopback only).
    public let authenticator: Authenticator?
    let queue: IngestQueue
    let ingestor: Ingestor
    let logger: Logger
    let started = Date()

    /// - Parameters:
    ///   - engine: built with `metrics: RetrievalMetrics(factory: metrics.factory)` so the query path's
    ///     instruments appear on `/metrics`; see `ServerMetrics`.
    ///   - authenticator: checks every request's credentials; nil serves everyone as the local operator.
    public init(store: VectorStore, embedder: any Embedder, engine: QueryEngine, metrics: ServerMetrics,
                configuration: ServerConfiguration, authenticator: Authenticator? = nil, logger: Logger) {
        self.store = store
        self.embedder = embedder
        self.engine = engine
        self.metrics = metrics
        self.configuration = configuration
        self.authenticator = authenticator
        self.logger = logger
        ingestor = Ingestor(store: store, embedder: embedder)
        queue = IngestQueue(ingestor: ingestor, capacity: configuration.ingestQueueCapacity, workers: configuration.ingestWorkers,
                            metrics: metrics, logger: logger)
    }

    /// Builds the router with every route and the request middleware.
    func makeRouter() -> Router<ServerContext> {
        let router = Router(context: ServerContext.self, options: [.autoGenerateHeadEndpoints])
        let methods = MethodBox()
        router.add(middleware: RequestMiddleware(metrics: metrics, accessLog: configuration.accessLog, methods: methods,
                                                 authenticator: authenticator))
        let routes = RouteTable(router: router)
        addOperationalRoutes(routes)
        addQueryRoutes(routes)
        addNamespaceRoutes(routes)
        addDocumentRoutes(routes)
        addIngestRoutes(routes)
        addOpenAIRoutes(routes)
        addKeyRoutes(routes, keys: authenticator?.keys)
        methods.table = routes.finish()
        return router
    }

    /// Serves until SIGTERM/SIGINT (or `shutdown` through the returned group's trigger in tests).
    /// - Parameter onListening: called with the bound port once the socket is open.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        // Jobs a previous life left are queued before any request can ask about them.
        try queue.recover()
        let app = makeApplication(onListening: onListening)
        var group = ServiceGroupConfiguration(
            // Shut down in reverse order: the HTTP server drains first, then the ingest workers, then the checkpoint.
            services: [.init(service: Checkpointer(store: store, log: engine.log, logger: logger)), .init(service: queue), .init(service: app)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        // Past the grace period, what is still running is cancelled (a second signal does the same at once).
        group.maximumGracefulShutdownDuration = .milliseconds(Int64(configuration.shutdownGrace * 1000))
        try await ServiceGroup(configuration: group).run()
    }

    /// The services for a caller that runs its own `ServiceGroup` (tests trigger a graceful shutdown through it).
    public func services(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> [any Service] {
        try queue.recover()
        return [Checkpointer(store: store, log: engine.log, logger: logger), queue, makeApplication(onListening: onListening)]
    }

    func makeApplication(onListening: @escaping @Sendable (Int) async -> Void) -> some Service {
        var http = HTTP1Channel.Configuration()
        http.idleTimeout = .milliseconds(Int64(configuration.idleTimeout * 1000))
        return Application(
            router: makeRouter(),
            server: .http1(configuration: http),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "ragctl"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}

/// Checkpoints the SQLite write-ahead log when the server stops, after the other services have drained.
struct Checkpointer: Service {
    let store: VectorStore
    let log: QueryLog
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        do {
            try log.flush()
            try store.checkpoint()
            logger.info("store checkpointed")
        } catch {
            logger.error("checkpoint at shutdown failed", metadata: ["error": "\(error)"])
        }
    }
}
