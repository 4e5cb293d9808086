import Foundation

/// How long records are kept (config `[retention]`); 0 days keeps that kind forever.
public struct RetentionPolicy: Sendable, Equatable {
    /// Days `query_logs` rows are kept (default 90).
    public var queryLogsDays: Double = 90
    /// Days `feedback` rows are kept (default 365).
    public var feedbackDays: Double = 365
    /// Days audit entries are kept (default 365); older ones leave the chain through its anchor.
    public var auditDays: Double = 365
    /// Seconds between retention passes (default 3600); the first runs when the server starts.
    public var interval: Double = 3600

    public init() {}

    /// True when some kind of record expires.
    public var prunes: Bool { queryLogsDays > 0 || feedbackDays > 0 || auditDays > 0 }

    /// The oldest time kept for `days` (nil: forever).
    static func cutoff(days: Double, now: Date) -> Date? {
        days > 0 ? now.addingTimeInterval(-days * 86_400) : nil
    }
}
