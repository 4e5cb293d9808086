import CurlHTTP
import Foundation
import Ingest
import Logging
import Retrieval
import Server
import ServiceLifecycle
import TestSupport
import VectorStore

/// A real `RAGServer` on 127.0.0.1, port 0, over a real store in a temp dir, driven by real libcurl.
final class LiveServer: @unchecked Sendable {
    let dir: TemporaryDirectory
    let store: VectorStore
    let server: RAGServer
    let port: Int
    let client: CurlClient
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    var base: String { "\(server.configuration.tls == nil ? "http" : "https")://127.0.0.1:\(port)" }
    /// The API keys of a server started with `auth`.
    var keys: APIKeyStore { server.authenticator!.keys }

    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// - Parameters: `store` reuses an open store (a restart test reopens the same file); `configure` edits
    ///   the server settings (port 0, no access log, uploads in the temp dir by default); `auth` turns
    ///   authentication on (a random pepper; keys through `keys`), with `clock` as its wall clock; `clientTLS`
    ///   is how the helpers' client verifies a server configured with `tls` (its CA).
    static func start(dir: TemporaryDirectory = TemporaryDirectory("server"), store: VectorStore? = nil,
                      embedder: (any Embedder)? = nil, engine configuration: QueryEngineConfiguration = QueryEngineConfiguration(),
                      auth: AuthConfiguration? = nil, clock: TestClock? = nil, clientTLS: TLSOptions = TLSOptions(),
                      configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> LiveServer {
        let store = try store ?? openServerStore(dir)
        let embedder = try embedder ?? nativeEmbedder()
        let metrics = ServerMetrics()
        var configuration = configuration
        configuration.logFlushInterval = configuration.logFlushInterval ?? 0.01   // as `ragctl serve` runs it
        let engine = try QueryEngine(store: store, embedder: embedder, configuration: configuration,
                                     metrics: RetrievalMetrics(factory: metrics.factory))
        var settings = ServerConfiguration(uploadDirectory: dir.file("uploads"))
        settings.port = 0
        settings.accessLog = false
        configure(&settings)
        var authenticator: Authenticator?
        if let auth {
            let pepper = try APIKeyPepper(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) })
            var now: @Sendable () -> Date = { Date() }
            if let clock { now = clock.function }
            authenticator = Authenticator(keys: APIKeyStore(store: store, pepper: pepper, now: now),
                                          tokens: try await TokenVerifier.make(auth, now: now), configuration: auth)
        }
        let server = RAGServer(store: store, embedder: embedder, engine: engine, metrics: metrics, configuration: settings,
                               authenticator: authenticator, logger: quiet)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let group = ServiceGroup(configuration: .init(services: try server.services(onListening: { continuation.yield($0) }), logger: quiet))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw LiveServerError("the server did not report a port") }
        return LiveServer(dir: dir, store: store, server: server, port: port, group: group, task: task, client: CurlClient(tls: clientTLS))
    }

    private init(dir: TemporaryDirectory, store: VectorStore, server: RAGServer, port: Int, group: ServiceGroup, task: Task<Void, any Error>,
                 client: CurlClient) {
        self.client = client
        self.dir = dir
        self.store = store
        self.server = server
        self.port = port
        self.group = group
        self.task = task
    }

    /// Graceful shutdown (as SIGTERM would), waiting for every service to finish.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }

    // MARK: Requests

    struct Reply {
        let status: Int
        let headers: HTTPHeaders
        let body: Data

        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        func header(_ name: String) -> String? { headers[name] }
    }

    func request(_ method: String, _ path: String, body: Data? = nil, headers: [(String, String)] = []) async throws -> Reply {
        var request = HTTPRequest(method: method, url: base + path, headers: headers, body: body)
        request.totalTimeout = 60
        let response = try await client.send(request)
        return Reply(status: response.status, headers: response.headers, body: response.body)
    }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> Reply {
        try await request("GET", path, headers: headers)
    }

    func post(_ path: String, _ object: Any, headers: [(String, String)] = []) async throws -> Reply {
        let body = try JSONSerialization.data(withJSONObject: object)
        return try await request("POST", path, body: body, headers: [("Content-Type", "application/json")] + headers)
    }

    func postRaw(_ path: String, _ text: String, contentType: String = "application/json") async throws -> Reply {
        try await request("POST", path, body: Data(text.utf8), headers: [("Content-Type", contentType)])
    }

    func delete(_ path: String, headers: [(String, String)] = []) async throws -> Reply { try await request("DELETE", path, headers: headers) }

    /// Server-sent events of a POST, in order: (event name, data).
    func events(_ path: String, _ object: Any, headers: [(String, String)] = []) async throws -> (status: Int, events: [(String, String)]) {
        var request = HTTPRequest(method: "POST", url: base + path, headers: [("Content-Type", "application/json")] + headers,
                                  body: try JSONSerialization.data(withJSONObject: object))
        request.totalTimeout = 60
        var parser = SSEParser()
        var events: [(String, String)] = []
        var status = 0
        for try await event in client.stream(request) {
            switch event {
            case .head(let head): status = head.status
            case .body(let chunk): events += parser.feed(chunk).map { ($0.event, $0.data) }
            }
        }
        events += parser.finish().map { ($0.event, $0.data) }
        return (status, events)
    }

    /// Polls a job until it finishes (or 60 s pass).
    func waitForJob(_ id: String) async throws -> [String: Any] {
        for _ in 0..<600 {
            let job = try await get("/api/v1/jobs/\(id)").json
            if let state = job["state"] as? String, ["succeeded", "failed", "cancelled"].contains(state) { return job }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw LiveServerError("job \(id) did not finish")
    }
}

struct LiveServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// - Parameter key: an encryption key (the store is then encrypted at rest, as with `[encryption]`).
func openServerStore(_ dir: TemporaryDirectory, key: EncryptionKey? = nil) throws -> VectorStore {
    var configuration = VectorStore.Configuration()
    configuration.migrations = IngestSchema.migrations + RetrievalSchema.migrations + ServerSchema.migrations + AuditSchema.migrations
    configuration.encryptionKey = key
    return try VectorStore(directory: dir.file("data"), configuration: configuration)
}

/// The native model (installed by `make deps`), loaded once per test process.
func nativeEmbedder() throws -> NativeEmbedder {
    try NativeModel.shared.get()
}

private final class NativeModel: @unchecked Sendable {
    static let shared = NativeModel()
    private let lock = NSLock()
    private var model: NativeEmbedder?

    func get() throws -> NativeEmbedder {
        try lock.withLock {
            if let model { return model }
            let loaded = try NativeEmbedder.load(path: nil, environment: ProcessInfo.processInfo.environment)
            model = loaded
            return loaded
        }
    }
}

/// Writes Markdown files into `dir/docs` and ingests them into `namespace` at `level`.
func ingestDocuments(_ files: [String: String], into namespace: String, store: VectorStore, embedder: any Embedder,
                     dir: TemporaryDirectory, level: AccessLevel = .public) async throws {
    let root = dir.file("docs-\(level.rawValue)-\(UUID().uuidString.prefix(6))")
    for (name, text) in files {
        let url = URL(fileURLWithPath: root).appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
    var options = IngestOptions(namespace: namespace, paths: [root])
    options.accessLevel = level
    _ = try await Ingestor(store: store, embedder: embedder).ingest(options)
}

let handbook: [String: String] = [
    "keys.md": "# Keys\n\n## Rotating keys\n\nRotate API keys every ninety days with the rotate command and a grace period of a day.",
    "backup.md": "# Backups\n\nBack up the SQLite store with the backup command while the server keeps running.",
    "deploy.md": "# Deploying\n\nDeploy the server behind a reverse proxy that terminates TLS and forwards to port 8080.",
]

/// `configuration` with `upstream` as its one LLM provider ("primary", model `scripted-llm`).
func scriptedLLM(_ upstream: ScriptedUpstream, _ configuration: QueryEngineConfiguration = QueryEngineConfiguration()) -> QueryEngineConfiguration {
    var configuration = configuration
    configuration.providers = [LLMProviderConfiguration(name: "primary", kind: .openai, baseURL: upstream.baseURL, model: "scripted-llm", timeout: 10)]
    return configuration
}

extension LiveServer {
    /// A server over `handbook` (ingested into a fresh temp dir named `name`) whose engine runs `configuration`.
    static func overHandbook(_ name: String, engine configuration: QueryEngineConfiguration,
                         configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> LiveServer {
        let dir = TemporaryDirectory(name)
        let store = try openServerStore(dir)
        let embedder = try nativeEmbedder()
        try await ingestDocuments(handbook, into: "handbook", store: store, embedder: embedder, dir: dir)
        return try await LiveServer.start(dir: dir, store: store, embedder: embedder, engine: configuration, configure: configure)
    }
}
