import Foundation
import Ingest
import Logging
import ServiceLifecycle
import VectorStore

/// The server's ingest jobs: a bounded queue drained by background workers. Jobs are rows in the store
/// (`jobs` table) before they are queued, so they survive a restart: at start, jobs left `queued`, jobs left
/// `running` by a process that is gone, and jobs stopped by a shutdown are queued again (ingest is
/// idempotent, so a resumed job redoes only what its first run did not commit).
public final class IngestQueue: Service, @unchecked Sendable {
    /// Kind of the jobs this queue owns (`ragctl ingest` jobs are `ingest` and are not resumed by the server).
    public static let kind = "api_ingest"
    static let shutdownMessage = "interrupted by a server shutdown; resumes when the server starts again"

    public let capacity: Int
    public let workers: Int
    private let ingestor: Ingestor
    private let metrics: ServerMetrics
    private let logger: Logger
    private let lock = NSLock()
    private var pending: [Job] = []                       // guarded by lock
    private var waiting: [CheckedContinuation<Job?, Never>] = []  // guarded by lock
    private var closed = false                            // guarded by lock
    private var running: [String: Task<IngestSummary, Error>] = [:]  // guarded by lock

    init(ingestor: Ingestor, capacity: Int, workers: Int, metrics: ServerMetrics, logger: Logger) {
        self.ingestor = ingestor
        self.capacity = max(1, capacity)
        self.workers = max(1, workers)
        self.metrics = metrics
        self.logger = logger
    }

    public var depth: Int { lock.withLock { pending.count } }

    /// True once a graceful shutdown stopped intake (running jobs have been told to stop).
    public var isClosed: Bool { lock.withLock { closed } }

    /// Records the job and queues it. Throws 503 (with Retry-After) when the queue is full; nothing is
    /// recorded then.
    func submit(_ options: IngestOptions) throws -> Job {
        let full = lock.withLock { pending.count >= capacity || closed }
        if full {
            throw APIProblem(.serviceUnavailable, code: "queue_full",
                             "the ingest queue is full (\(capacity) jobs waiting); retry later", headers: ["Retry-After": "5"])
        }
        let job = try ingestor.jobs.create(kind: Self.kind, namespace: options.namespace, request: JobStore.json(options), start: false)
        enqueue(job)
        return job
    }

    private func enqueue(_ job: Job) {
        let waiter: CheckedContinuation<Job?, Never>? = lock.withLock {
            if let first = waiting.first {
                waiting.removeFirst()
                return first
            }
            pending.append(job)
            return nil
        }
        waiter?.resume(returning: job)
        metrics.setQueueDepth(depth)
    }

    private func next() async -> Job? {
        await withCheckedContinuation { continuation in
            let job: Job?? = lock.withLock {
                if !pending.isEmpty { return .some(pending.removeFirst()) }
                if closed { return .some(nil) }
                waiting.append(continuation)
                return .none
            }
            if let job { continuation.resume(returning: job) }
        }
    }

    private func close() {
        let (waiters, tasks) = lock.withLock {
            closed = true
            defer { waiting.removeAll() }
            return (waiting, Array(running.values))
        }
        for waiter in waiters { waiter.resume(returning: nil) }
        for task in tasks { task.cancel() }
    }

    /// Queues the jobs a previous server life left behind. Returns how many.
    @discardableResult
    func recover() throws -> Int {
        let rows = try ingestor.store.query("""
            SELECT id, state, pid, message FROM jobs WHERE kind = ? AND state IN ('queued', 'running', 'cancelled')
            ORDER BY created_at
            """, [.text(Self.kind)])
        var resumed: [String] = []
        for row in rows {
            guard let id = row[0].string, let state = row[1].string else { continue }
            switch state {
            case "queued":
                resumed.append(id)
            case "running":
                let pid = row[2].int ?? 0
                if pid == Int(getpid()) { continue }
                if pid > 0, kill(pid_t(pid), 0) == 0 { continue }   // another live server owns it
                resumed.append(id)
            default:
                if row[3].string == Self.shutdownMessage { resumed.append(id) }
            }
        }
        guard !resumed.isEmpty else { return 0 }
        try ingestor.store.write { tx in
            for id in resumed {
                try tx.execute("""
                    UPDATE jobs SET state = 'queued', pid = NULL, finished_at = NULL,
                        message = 'resumed after a server restart' WHERE id = ?
                    """, [.text(id)])
            }
        }
        for id in resumed {
            if let job = try ingestor.jobs.get(id) { enqueue(job) }
        }
        logger.info("resumed ingest jobs", metadata: ["count": "\(resumed.count)"])
        return resumed.count
    }

    /// Runs the workers (after `recover()`, which the server calls before it accepts requests) until graceful shutdown: intake stops, a job in progress is cancelled between groups
    /// (what it committed stays) and left to resume at the next start.
    public func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for _ in 0..<workers {
                    group.addTask { await self.work() }
                }
            }
        } onGracefulShutdown: {
            self.close()
        }
    }

    private func work() async {
        while let job = await next() {
            metrics.setQueueDepth(depth)
            await execute(job)
        }
    }

    private func execute(_ job: Job) async {
        guard let options = try? JSONDecoder().decode(IngestOptions.self, from: Data(job.request.utf8)) else {
            var failed = job
            failed.errors = []
            try? ingestor.jobs.finish(failed, state: .failed, message: "the job's request could not be read")
            metrics.recordJob(state: "failed")
            return
        }
        // A shutdown cancels the running job (`close`); it stops between file groups.
        let task = Task { try await ingestor.ingest(options, job: job) }
        let cancelled = lock.withLock {
            running[job.id] = task
            return closed
        }
        if cancelled { task.cancel() }
        let outcome = await task.result
        lock.withLock { running[job.id] = nil }
        switch outcome {
        case .success(let summary):
            metrics.recordJob(state: "succeeded")
            logger.info("ingest job finished", metadata: ["job": "\(job.id)", "added": "\(summary.documentsAdded)",
                                                          "failed": "\(summary.failed.count)"])
        case .failure(let error):
            if error is CancellationError || (error as? IngestError)?.code == .cancelled || task.isCancelled {
                try? ingestor.store.write { tx in
                    try tx.execute("UPDATE jobs SET state = 'cancelled', message = ? WHERE id = ?",
                                   [.text(Self.shutdownMessage), .text(job.id)])
                }
                metrics.recordJob(state: "interrupted")
                return   // keep staged uploads for the resumed run
            }
            metrics.recordJob(state: "failed")
            logger.warning("ingest job failed", metadata: ["job": "\(job.id)", "error": "\(error)"])
        }
        removeUploads(options)
    }

    /// Uploaded files are staged in a job folder and removed once the job is over.
    private func removeUploads(_ options: IngestOptions) {
        guard options.sourceBase != nil else { return }
        for path in options.paths { try? FileManager.default.removeItem(atPath: path) }
    }
}
