import Foundation
import Hummingbird
import Logging
import NIOCore

/// The per-request context: Hummingbird's core storage, the request id every log line and response carries,
/// and who is calling.
public struct ServerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// From a valid incoming `X-Request-ID`, or generated.
    public var requestID: String
    /// Set by the authentication middleware; the local operator while `[auth]` is off.
    public var principal: Principal {
        didSet { audit.setPrincipal(principal.id) }
    }
    /// What the audit log records of this request beyond its route and status; one box shared by every copy
    /// of the context, so the audit middleware outside sees what handlers and inner middleware note.
    public let audit: AuditNote
    /// The peer's address, for logs and per-address limits.
    public let remoteAddress: String?
    /// The connection, closed by `BodyDeadlines` when a body does not arrive in time.
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestID = ""
        principal = .localOperator
        audit = AuditNote(principal: Principal.localOperator.id)
        remoteAddress = source.channel.remoteAddress?.ipAddress
        channel = source.channel
    }

    /// Bodies are read by `RequestBody` with the server's own limit, so Hummingbird's decoder limit is unused.
    public var maxUploadSize: Int { .max }
}
