import ArgumentParser
import Foundation
import Ingest
import Logging
import Retrieval
import Server
import VectorStore

/// `ragctl serve`: the HTTP API (see `../shared/INTERFACE.md` and `GET /openapi.json`).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the engine over HTTP: search, query, documents, ingest jobs, OpenAI-compatible endpoints, metrics.",
        discussion: """
            Port 0 picks a free port; the chosen address is printed as "listening on http://HOST:PORT" (https:// \
            with [server] tls_cert_file and tls_key_file: TLS 1.3, or 1.2 and up with tls_min_version = "1.2"). \
            SIGTERM or SIGINT stops intake, drains in-flight requests, interrupts a running ingest job (it resumes \
            at the next start) and checkpoints the store. Without [auth] the server binds loopback addresses only; \
            with [auth] enabled = true every /api and /v1 request needs an API key (ragctl keys create) or a JWT.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var embedderOptions: EmbedderOptions
    @Option(name: .long, help: "Address to bind (config [server] host, default 127.0.0.1).") var host: String?
    @Option(name: .long, help: "Port (config [server] port or RAGCTL_PORT, default 8080; 0 picks a free one).") var port: Int?

    func validate() throws {
        if let port, !(0...65_535).contains(port) { throw ValidationError("--port must be 0-65535, got \(port)") }
    }

    func run() async throws {
        let config = try global.loadConfig()
        let level = Logger.Level(rawValue: config.server.logLevel) ?? .info
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
        let logger = Logger(label: "ragctl.server")

        let host = self.host ?? config.server.host
        if !config.auth.enabled, !Self.isLoopback(host) {
            throw CommandFailure(code: "config",
                message: "refusing to bind \(host) without authentication: enable [auth] (and create keys) or bind 127.0.0.1")
        }
        // Certificate and key problems are reported before the model loads.
        let tls = try config.tlsSettings(environment: ProcessInfo.processInfo.environment)
        do {
            _ = try tls?.makeConfiguration()
        } catch let error as TLSSetupError {
            throw CommandFailure(code: "config", message: "config: server.\(error.message)")
        }
        let store = try global.openStore()
        if store.isEncrypted {
            // The BM25 index of an encrypted store lives in memory: build it now rather than in the first searches.
            let started = Date()
            let namespaces = store.listNamespaces()
            for namespace in namespaces { try LexicalIndex(store: store).prepare(namespace: namespace.name) }
            logger.info("encrypted store: in-memory BM25 index built", metadata: [
                "namespaces": "\(namespaces.count)", "seconds": "\(String(format: "%.2f", Date().timeIntervalSince(started)))",
                "key_id": "\(store.cipher?.keyID ?? "")"])
        }
        let embedder = try await embedderOptions.make(config)
        let metrics = ServerMetrics()
        var engineConfiguration = try config.queryEngine()
        engineConfiguration.logFlushInterval = config.queryLogFlushInterval > 0 ? config.queryLogFlushInterval : nil
        let engine = try QueryEngine(store: store, embedder: embedder, configuration: engineConfiguration,
                                     metrics: RetrievalMetrics(factory: metrics.factory))
        var settings = ServerConfiguration(uploadDirectory: (try global.resolvedDataDir() as NSString).appendingPathComponent("uploads"))
        settings.host = host
        settings.tls = tls
        settings.port = port ?? config.server.port
        settings.body.maxBytes = config.server.maxBodyBytes
        settings.body.maxDepth = config.server.maxJSONDepth
        settings.ingestRoots = config.server.ingestRoots
        settings.ingestQueueCapacity = config.server.ingestQueue
        settings.ingestWorkers = config.server.ingestWorkers
        settings.idleTimeout = config.server.idleTimeout
        settings.body.timeout = config.server.bodyTimeout
        settings.shutdownGrace = config.server.shutdownGrace
        settings.accessLog = config.server.accessLog
        settings.logLevel = level
        settings.audit.enabled = config.audit.enabled
        settings.audit.flushInterval = config.audit.flushInterval
        settings.retention.queryLogsDays = config.retention.queryLogsDays
        settings.retention.feedbackDays = config.retention.feedbackDays
        settings.retention.auditDays = config.retention.auditDays
        settings.retention.interval = config.retention.interval
        var authenticator: Authenticator?
        if config.auth.enabled {
            let environment = ProcessInfo.processInfo.environment
            let auth = try config.authConfiguration(environment: environment)
            let pepper = try config.apiKeyPepper(dataDir: try global.resolvedDataDir(), environment: environment)
            let tokens: TokenVerifier?
            do {
                tokens = try await TokenVerifier.make(auth)
            } catch let error as AuthError {
                throw CommandFailure(code: "config", message: error.message)
            }
            let keys = APIKeyStore(store: store, pepper: pepper)
            let activeKeys = try keys.list().filter { $0.state(at: Date()) == .active }.count
            if activeKeys == 0, tokens == nil {
                logger.warning("authentication is on but no API key is active and no JWT key is configured: create one with ragctl keys create")
            }
            logger.info("authentication on", metadata: ["active_keys": "\(activeKeys)", "jwt_algorithms": "\(tokens?.algorithms ?? [])"])
            authenticator = Authenticator(keys: keys, tokens: tokens, configuration: auth)
        }
        let server = RAGServer(store: store, embedder: embedder, engine: engine, metrics: metrics, configuration: settings,
                               authenticator: authenticator, logger: logger)
        let authNote = config.auth.enabled ? " (authentication on)" : " (authentication is off: loopback only)"
        try await server.run { port in
            let line = "listening on \(tls == nil ? "http" : "https")://\(Self.urlHost(host)):\(port)\(authNote)\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    static func urlHost(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }
}
