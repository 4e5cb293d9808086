import Foundation
import Logging
import Retrieval
import Server
import ServiceLifecycle
import Testing
import TestSupport
import VectorStore

/// Retention: old query logs, feedback and audit entries go; the audit chain stays verifiable through its anchor.
@Suite struct AuditRetentionTests {
    static let now = Date(timeIntervalSince1970: 1_780_000_000)
    static let day = 86_400.0

    static func policy(queryLogs: Double = 90, feedback: Double = 365, audit: Double = 365) -> RetentionPolicy {
        var policy = RetentionPolicy()
        policy.queryLogsDays = queryLogs
        policy.feedbackDays = feedback
        policy.auditDays = audit
        return policy
    }

    static func service(_ store: VectorStore, _ policy: RetentionPolicy, batch: Int = 10_000) -> RetentionService {
        RetentionService(policy: policy, store: store, audit: AuditLog(store: store), logger: LiveServer.quiet, batch: batch)
    }

    /// Audit entries at the given ages (days before `now`), oldest first.
    static func seedAudit(_ log: AuditLog, ages: [Double]) throws {
        for (i, age) in ages.enumerated() {
            try log.record(AuditEntry(time: now.addingTimeInterval(-age * day), principal: "local", action: "POST /api/v1/search",
                                      namespace: "n", status: 200, requestID: "r\(i)", shownDocumentIDs: ["d\(i)"]))
        }
    }

    @Test func oldQueryLogsAndFeedbackGoAndThePassIsAudited() throws {
        let dir = TemporaryDirectory("retention-logs")
        let store = try openAuditStore(dir)
        let log = QueryLog(store: store)
        for (id, age) in [("old", 100.0), ("recent", 10.0)] {
            try log.record(QueryLogEntry(id: id, queryText: "question \(id)", namespace: "n", model: "m",
                                         createdAt: Self.now.addingTimeInterval(-age * Self.day)))
        }
        try log.recordFeedback(queryID: "old", rating: 1, createdAt: Self.now.addingTimeInterval(-400 * Self.day))
        try log.recordFeedback(queryID: "old", rating: 5, createdAt: Self.now.addingTimeInterval(-100 * Self.day))
        let pass = Self.service(store, Self.policy()).runOnce(now: Self.now)
        #expect(pass == .init(queryLogs: 1, feedback: 1, audit: 0))
        #expect(try log.entry(id: "old") == nil)
        #expect(try log.entry(id: "recent") != nil)
        #expect(try log.feedback(for: "old").map(\.rating) == [5])
        let audit = AuditLog(store: store)
        let recorded = try #require(try audit.list(.init(action: "retention.prune")).first)
        #expect(recorded.principal == "system")
        #expect(recorded.resourceIDs == ["query_logs:1", "feedback:1"])
        // Nothing left to delete: no second entry.
        #expect(Self.service(store, Self.policy()).runOnce(now: Self.now) == .init())
        #expect(try audit.list(.init(action: "retention.prune")).count == 1)
    }

    @Test func zeroDaysKeepsForever() throws {
        let dir = TemporaryDirectory("retention-forever")
        let store = try openAuditStore(dir)
        try QueryLog(store: store).record(QueryLogEntry(queryText: "q", namespace: "n", model: "m", createdAt: Date(timeIntervalSince1970: 0)))
        try Self.seedAudit(AuditLog(store: store), ages: [10_000, 5_000])
        #expect(Self.service(store, Self.policy(queryLogs: 0, feedback: 0, audit: 0)).runOnce(now: Self.now) == .init())
        #expect(try store.query("SELECT count(*) FROM query_logs").first?[0].int == 1)
        #expect(try AuditLog(store: store).verify().entries == 2)
    }

    @Test func auditPruningKeepsTheChainVerifiable() throws {
        let dir = TemporaryDirectory("retention-audit")
        let store = try openAuditStore(dir)
        let audit = AuditLog(store: store)
        try Self.seedAudit(audit, ages: [400, 399, 398, 10, 1])
        // Batches of two: three transactions, each moving the anchor and recording it.
        let pass = Self.service(store, Self.policy(), batch: 2).runOnce(now: Self.now)
        #expect(pass.audit == 3)
        let result = try audit.verify()
        #expect(result.ok, "\(String(describing: result.broken))")
        let anchor = try #require(result.anchor)
        #expect(anchor.lastID == 3)
        #expect(anchor.pruned == 3)
        #expect(result.firstID == 4)
        let prunes = try audit.list(.init(action: AuditLog.pruneAction))
        #expect(prunes.count == 2)
        #expect(prunes[0].resourceIDs == ["through:3", "hash:\(anchor.lastHash)", "count:1"])
        // The chain goes on from the new head, and a later pass prunes the next prefix.
        try Self.seedAudit(audit, ages: [0])
        #expect(try audit.prune(before: Self.now.addingTimeInterval(-5 * Self.day), now: Self.now) == 1)
        let later = try audit.verify()
        #expect(later.ok, "\(String(describing: later.broken))")
        #expect(later.anchor?.lastID == 4)
        #expect(later.anchor?.pruned == 4)
        // Everything old: the whole table may go, the anchor alone carries the chain.
        #expect(try audit.prune(before: Self.now.addingTimeInterval(Self.day), now: Self.now.addingTimeInterval(Self.day)) > 0)
        #expect(try audit.verify().ok)
    }

    @Test func aForgedAnchorIsReported() throws {
        let dir = TemporaryDirectory("retention-forged")
        let store = try openAuditStore(dir)
        let audit = AuditLog(store: store)
        try Self.seedAudit(audit, ages: [400, 399, 10, 9, 8])
        #expect(try audit.prune(before: Self.now.addingTimeInterval(-30 * Self.day), now: Self.now) == 2)
        #expect(try audit.verify().ok)
        // Entry 3 is deleted too and the anchor moved over it, as retention would have: the newest
        // audit.prune entry (6) records another anchor.
        let third = try #require(try audit.list(.init(limit: 1, beforeID: 4)).first)
        try store.write { tx in
            try tx.execute("DELETE FROM audit_log WHERE id = 3")
            try tx.execute("UPDATE audit_anchor SET last_id = 3, last_hash = ?, pruned = pruned + 1", [.text(third.hash)])
        }
        let broken = try #require(try audit.verify().broken)
        #expect(broken.id == 6)
        #expect(broken.reason.contains("anchor"))
    }

    @Test func aPrefixDeletedWithoutRetentionIsReported() throws {
        let dir = TemporaryDirectory("retention-prefix")
        let store = try openAuditStore(dir)
        let audit = AuditLog(store: store)
        try Self.seedAudit(audit, ages: [5, 4, 3, 2, 1])
        try store.write { tx in try tx.execute("DELETE FROM audit_log WHERE id <= 2") }
        let broken = try #require(try audit.verify().broken)
        #expect(broken.id == 1)
        #expect(broken.reason.contains("missing"))
    }

    @Test func pruningStopsAtTamperedEntriesAndKeepsThem() throws {
        let dir = TemporaryDirectory("retention-tampered")
        let store = try openAuditStore(dir)
        let audit = AuditLog(store: store)
        try Self.seedAudit(audit, ages: [400, 399, 398, 1])
        try store.write { tx in try tx.execute("UPDATE audit_log SET status = 403 WHERE id = 2") }
        #expect {
            try audit.prune(before: Self.now.addingTimeInterval(-30 * Self.day), now: Self.now)
        } throws: { error in
            (error as? AuditError)?.code == .tampered && (error as? AuditError)?.entryID == 2
        }
        #expect(Self.service(store, Self.policy()).runOnce(now: Self.now).audit == 0)
        #expect(try store.query("SELECT count(*) FROM audit_log").first?[0].int == 4)
        #expect(try audit.verify().broken?.id == 2)
    }

    @Test func theServiceRunsAtStartEveryIntervalAndStopsAtGracefulShutdown() async throws {
        let dir = TemporaryDirectory("retention-service")
        let store = try openAuditStore(dir)
        let audit = AuditLog(store: store)
        try audit.record(AuditEntry(time: Date().addingTimeInterval(-400 * Self.day), principal: "local", action: "GET /api/v1/namespaces",
                                    status: 200, requestID: "old"))
        let (passes, continuation) = AsyncStream<RetentionService.Pass>.makeStream()
        var policy = Self.policy()
        policy.interval = 3600
        // A clock whose sleeps end at once: the loop's interval passes without the test waiting an hour.
        let service = RetentionService(policy: policy, store: store, audit: audit, logger: LiveServer.quiet, clock: ImmediateClock(),
                                       onPass: { continuation.yield($0) })
        let group = ServiceGroup(configuration: .init(services: [service], logger: LiveServer.quiet))
        let task = Task { try await group.run() }
        var iterator = passes.makeAsyncIterator()
        #expect(await iterator.next()?.audit == 1)   // the pass at start
        #expect(await iterator.next() == .init())    // the next interval's: nothing left
        await group.triggerGracefulShutdown()
        try await task.value
        #expect(try audit.verify().ok)
    }

    @Test func aRealIntervalIsCutShortByGracefulShutdown() async throws {
        let dir = TemporaryDirectory("retention-shutdown")
        let store = try openAuditStore(dir)
        let (passes, continuation) = AsyncStream<RetentionService.Pass>.makeStream()
        var policy = Self.policy()
        policy.interval = 86_400
        let service = RetentionService(policy: policy, store: store, audit: AuditLog(store: store), logger: LiveServer.quiet,
                                       onPass: { continuation.yield($0) })
        let group = ServiceGroup(configuration: .init(services: [service], logger: LiveServer.quiet))
        let task = Task { try await group.run() }
        var iterator = passes.makeAsyncIterator()
        _ = await iterator.next()
        let started = ContinuousClock.now
        await group.triggerGracefulShutdown()   // mid-way through a one-day sleep
        try await task.value
        // Far below the interval; generous because the whole test suite shares two cooperative threads.
        #expect(started.duration(to: .now) < .seconds(300))
    }
}

/// A clock whose sleeps return at once (after a yield), for loops that wait between passes.
struct ImmediateClock: Clock {
    typealias Instant = ContinuousClock.Instant
    var now: Instant { ContinuousClock.now }
    var minimumResolution: Duration { .zero }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        await Task.yield()
    }
}
