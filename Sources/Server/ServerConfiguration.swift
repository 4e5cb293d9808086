import Foundation
import Logging

/// Settings of `ragctl serve` (config file `[server]`), besides what the query engine and embedder take.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// nil: plain HTTP. Set: HTTPS only, from this certificate and key (`[server] tls_*`).
    public var tls: TLSSettings?
    /// 0 picks a free port (reported through `onListening`).
    public var port = 8080
    public var body = BodyLimits()
    /// Server-side folders `POST /api/v1/ingest` may read (`paths` must lie under one). Empty: only uploads.
    public var ingestRoots: [String] = []
    /// Jobs waiting for a worker before `POST /api/v1/ingest` answers 503.
    public var ingestQueueCapacity = 64
    public var ingestWorkers = 1
    /// Where uploaded files are staged for their ingest job.
    public var uploadDirectory: String
    /// Seconds a connection may sit idle (keep-alive) before it is closed.
    public var idleTimeout: Double = 75
    /// Seconds the server waits for in-flight requests at shutdown before it stops anyway.
    public var shutdownGrace: Double = 30
    /// One JSON line per request at `info`; off for benchmarks.
    public var accessLog = true
    public var logLevel: Logger.Level = .info
    /// `[audit]`: recording of API requests.
    public var audit = AuditSettings()
    /// `[retention]`: how long query logs, feedback and audit entries are kept.
    public var retention = RetentionPolicy()

    public init(uploadDirectory: String) {
        self.uploadDirectory = uploadDirectory
    }
}
