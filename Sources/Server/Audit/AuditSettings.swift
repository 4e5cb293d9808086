/// Audit settings of `ragctl serve` (config `[audit]`).
public struct AuditSettings: Sendable, Equatable {
    /// Record every API request (default on). Off only for benchmarks: admin actions then go unrecorded.
    public var enabled = true
    /// Seconds entries wait in memory to be written together (default 0.01; 0 writes each request at once).
    public var flushInterval: Double = 0.01

    public init() {}
}
