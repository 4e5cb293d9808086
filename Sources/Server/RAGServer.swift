import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Ingest
import Logging
import NIOCore
import Retrieval
import ServiceLifecycle
import Synchronization
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
    /// The audit log: written by `AuditMiddleware` when `configuration.audit.enabled`, read by `GET /api/v1/audit`.
    public let audit: AuditLog
    public let queue: IngestQueue
    let ingestor: Ingestor
    let logger: Logger
    let started = Date()
    /// `/api/v1/query` bodies already parsed, by their bytes (a pure function; bounded).
    let parsedQueries = Memo<ByteBuffer, ParsedQuery>(capacity: 4096)
    /// Responses `CachedQueryHandler` wrote on the event loop (the rest went through the router).
    let eventLoopResponses = Atomic<Int>(0)

    /// - Parameters:
    ///   - store: opened with `AuditSchema.migrations` besides the Ingest and Retrieval ones.
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
        let flush = configuration.audit.flushInterval
        audit = AuditLog(store: store, flushInterval: flush > 0 ? flush : nil, logger: logger)
        ingestor = Ingestor(store: store, embedder: embedder)
        queue = IngestQueue(ingestor: ingestor, capacity: configuration.ingestQueueCapacity, workers: configuration.ingestWorkers,
                            metrics: metrics, logger: logger)
    }

    /// Builds the router with every route and the request middleware.
    func makeRouter() -> Router<ServerContext> {
        let router = Router(context: ServerContext.self, options: [.autoGenerateHeadEndpoints])
        let methods = MethodBox()
        if configuration.audit.enabled {
            // Outermost: it records the final status and request id that `RequestMiddleware` produces.
            router.add(middleware: AuditMiddleware(log: audit, logger: logger, unauthenticated: authenticator.map { _ in Authenticator.anonymous.id }))
        }
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
        addAuditRoutes(routes)
        methods.table = routes.finish()
        return router
    }

    /// Serves until SIGTERM/SIGINT (or `shutdown` through the returned group's trigger in tests).
    /// - Parameter onListening: called with the bound port once the socket is open.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var group = ServiceGroupConfiguration(
            services: try services(onListening: onListening).map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        // Past the grace period, what is still running is cancelled (a second signal does the same at once).
        group.maximumGracefulShutdownDuration = .milliseconds(Int64(configuration.shutdownGrace * 1000))
        try await ServiceGroup(configuration: group).run()
    }

    /// The services for a caller that runs its own `ServiceGroup` (tests trigger a graceful shutdown through it).
    /// They shut down in reverse order: the HTTP server drains first, then the ingest workers, then retention,
    /// then the checkpoint (which writes the buffered query-log and audit entries). Jobs a previous life left
    /// are queued here, before any request can ask about them.
    /// - Throws: `TLSSetupError` when `configuration.tls` names a certificate or key that cannot be used
    ///   (checked here, before anything starts, rather than at each handshake).
    public func services(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> [any Service] {
        let tls = try configuration.tls?.makeConfiguration()
        try queue.recover()
        return [Checkpointer(store: store, log: engine.log, audit: audit, logger: logger),
                RetentionService(policy: configuration.retention, store: store, audit: audit, logger: logger),
                queue, try makeApplication(tls: tls, onListening: onListening)]
    }

    /// The HTTP/1.1 listener, behind TLS when `tls` is given (then it speaks only HTTPS). Cached answers to
    /// `POST /api/v1/query` are written by `CachedQueryHandler` on the event loop; everything else by the router.
    func makeApplication(tls: TLSConfiguration?, onListening: @escaping @Sendable (Int) async -> Void) throws -> some Service {
        var http = HTTP1Channel.Configuration()
        http.idleTimeout = .milliseconds(Int64(configuration.idleTimeout * 1000))
        let server = HTTPServerBuilder { [self, http] responder in
            let http1 = HTTP1Channel(responder: responder, configuration: http)
            if let tls {
                return CachedQueryChannel(base: try TLSChannel(http1, tlsConfiguration: tls), server: self)
            }
            return CachedQueryChannel(base: http1, server: self)
        }
        return Application(
            router: makeRouter(),
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: Self.serverName),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}

/// Writes the buffered audit and query-log entries and checkpoints the SQLite write-ahead log when the server
/// stops, after the other services have drained.
struct Checkpointer: Service {
    let store: VectorStore
    let log: QueryLog
    let audit: AuditLog
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        do {
            try audit.flush()
        } catch {
            logger.error("writing the buffered audit entries at shutdown failed", metadata: ["error": "\(error)", "pending": "\(audit.pending)"])
        }
        do {
            try log.flush()
            try store.checkpoint()
            logger.info("store checkpointed")
        } catch {
            logger.error("checkpoint at shutdown failed", metadata: ["error": "\(error)"])
        }
    }
}
