import Foundation
import Logging
import ServiceLifecycle
import VectorStore

/// Deletes query logs, feedback and audit entries older than the `RetentionPolicy` allows: one pass when
/// the server starts, then one every `interval` seconds until graceful shutdown.
///
/// Deletes go in batches of `batch` rows per transaction, so a large first pass does not hold the store's
/// writer for long; passes run on a dispatch queue, off the cooperative pool. A pass that removed query
/// logs or feedback is itself recorded in the audit log (`retention.prune`, with the counts as resource
/// ids); audit pruning records its own `audit.prune` entries (see `AuditLog.prune`).
public struct RetentionService: Service {
    /// Rows one pass deleted.
    public struct Pass: Sendable, Equatable {
        public var queryLogs: Int
        public var feedback: Int
        public var audit: Int

        public init(queryLogs: Int = 0, feedback: Int = 0, audit: Int = 0) {
            self.queryLogs = queryLogs
            self.feedback = feedback
            self.audit = audit
        }
    }

    let policy: RetentionPolicy
    let store: VectorStore
    let audit: AuditLog
    let logger: Logger
    let clock: any Clock<Duration>
    let now: @Sendable () -> Date
    let batch: Int
    /// Called after each pass (tests wait on it).
    let onPass: @Sendable (Pass) -> Void

    public init(policy: RetentionPolicy, store: VectorStore, audit: AuditLog, logger: Logger,
                clock: any Clock<Duration> = ContinuousClock(), now: @escaping @Sendable () -> Date = { Date() },
                batch: Int = 10_000, onPass: @escaping @Sendable (Pass) -> Void = { _ in }) {
        self.policy = policy
        self.store = store
        self.audit = audit
        self.logger = logger
        self.clock = clock
        self.now = now
        self.batch = batch
        self.onPass = onPass
    }

    public func run() async throws {
        guard policy.prunes else {
            try? await gracefulShutdown()
            return
        }
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let pass = await offPool { self.runOnce(now: self.now()) }
            onPass(pass)
            let interval = Duration.milliseconds(Int64(max(1, policy.interval) * 1000))
            do {
                try await cancelWhenGracefulShutdown { [clock] in try await clock.sleep(for: interval) }
            } catch {
                return   // graceful shutdown or cancellation
            }
        }
    }

    /// One pass at `now`; failures are logged and the other kinds still pruned.
    @discardableResult
    public func runOnce(now: Date) -> Pass {
        var pass = Pass()
        do {
            if let cutoff = RetentionPolicy.cutoff(days: policy.queryLogsDays, now: now) {
                pass.queryLogs = try deleteOlder(table: "query_logs", than: cutoff)
            }
            if let cutoff = RetentionPolicy.cutoff(days: policy.feedbackDays, now: now) {
                pass.feedback = try deleteOlder(table: "feedback", than: cutoff)
            }
            if pass.queryLogs + pass.feedback > 0 {
                try audit.record(AuditEntry(time: now, principal: "system", action: "retention.prune",
                                            resourceIDs: ["query_logs:\(pass.queryLogs)", "feedback:\(pass.feedback)"],
                                            status: 200, requestID: "retention"))
            }
        } catch {
            logger.error("retention: deleting old query logs or feedback failed", metadata: ["error": "\(error)"])
        }
        do {
            if let cutoff = RetentionPolicy.cutoff(days: policy.auditDays, now: now) {
                pass.audit = try audit.prune(before: cutoff, now: now, batch: batch)
            }
        } catch {
            logger.error("retention: pruning the audit log failed", metadata: ["error": "\(error)"])
        }
        if pass != Pass() {
            logger.info("retention pass", metadata: ["query_logs": "\(pass.queryLogs)", "feedback": "\(pass.feedback)", "audit": "\(pass.audit)"])
        }
        return pass
    }

    /// Deletes rows of `table` whose `created_at` is before `cutoff`, `batch` per transaction.
    private func deleteOlder(table: String, than cutoff: Date) throws -> Int {
        var total = 0
        while true {
            let deleted: Int = try store.write { tx in
                try tx.execute("DELETE FROM \(table) WHERE rowid IN (SELECT rowid FROM \(table) WHERE created_at < ? LIMIT ?)",
                               [.real(cutoff.timeIntervalSince1970), .integer(Int64(batch))])
                return try tx.query("SELECT changes()").first?[0].int ?? 0
            }
            total += deleted
            if deleted < batch { return total }
        }
    }

    private func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async { continuation.resume(returning: body()) }
        }
    }
}
