import Ingest
import Retrieval
import VectorStore

/// An authenticated caller: what they may do and see. Without `[auth]` every request is the local operator.
public struct Principal: Sendable, Equatable {
    public enum Role: String, Sendable, Comparable, CaseIterable {
        case reader, writer, admin

        private var rank: Int { Role.allCases.firstIndex(of: self)! }
        public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
    }

    /// A user id or API key id: logs, rate limits, audit.
    public var id: String
    public var role: Role
    /// Namespaces the caller may use; nil means all.
    public var namespaces: Set<String>?
    public var clearance: AccessLevel
    /// Per-principal overrides of the configured per-user limits.
    public var requestsPerMinute: Int?
    public var tokensPerMinute: Int?

    public init(id: String, role: Role, namespaces: Set<String>? = nil, clearance: AccessLevel = .restricted,
                requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil) {
        self.id = id
        self.role = role
        self.namespaces = namespaces
        self.clearance = clearance
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
    }

    /// The operator of a server with authentication off (it listens on loopback only).
    public static let localOperator = Principal(id: "local", role: .admin)

    public func mayUse(namespace: String) -> Bool { namespaces?.contains(namespace) ?? true }

    /// An ingest job is shown to callers who may use its namespace and see the documents it writes (its
    /// errors name their files); to others it does not exist.
    public func maySee(_ job: Ingest.Job) -> Bool { mayUse(namespace: job.namespace) && job.accessLevel <= clearance }

    /// The query path's view of this principal.
    public var caller: Caller {
        var limits: RateLimiter.Limits?
        if requestsPerMinute != nil || tokensPerMinute != nil {
            limits = RateLimiter.Limits(rpm: requestsPerMinute, tpm: tokensPerMinute)
        }
        return Caller(principal: id, namespaces: namespaces.map { .only($0) } ?? .all, clearance: clearance, limits: limits)
    }
}
