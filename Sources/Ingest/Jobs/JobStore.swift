import Foundation
import VectorStore

/// Job records in the store's database. A job left `running` by a process that no longer exists is marked
/// failed ("interrupted") the next time jobs are read or started, so no job stays stuck.
public struct JobStore: Sendable {
    public let store: VectorStore

    public init(store: VectorStore) { self.store = store }

    /// Creates a job in state `queued` (or `running` when `start` is true, owned by this process).
    public func create(kind: String, namespace: String, request: String, start: Bool) throws -> Job {
        let now = Date().timeIntervalSince1970
        let id = "job_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        let state: Job.State = start ? .running : .queued
        try store.write { tx in
            try tx.execute("""
                INSERT INTO jobs(id, kind, namespace, state, created_at, started_at, pid, request)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(id), .text(kind), .text(namespace), .text(state.rawValue), .real(now),
                      start ? .real(now) : .null, start ? .integer(Int64(getpid())) : .null, .text(request)])
        }
        return Job(id: id, kind: kind, namespace: namespace, state: state, createdAt: now, startedAt: start ? now : nil,
                   finishedAt: nil, progress: [:], errors: [], message: nil, request: request)
    }

    /// Records progress inside an open write transaction (so counts commit with the work they describe).
    public func update(_ job: Job, in tx: WriteTransaction) throws {
        try tx.execute("UPDATE jobs SET progress = ?, errors = ? WHERE id = ?",
                       [.text(Self.json(job.progress)), .text(Self.json(job.errors)), .text(job.id)])
    }

    public func markRunning(_ id: String) throws {
        try store.write { tx in
            try tx.execute("UPDATE jobs SET state = 'running', started_at = ?, pid = ? WHERE id = ? AND state = 'queued'",
                           [.real(Date().timeIntervalSince1970), .integer(Int64(getpid())), .text(id)])
        }
    }

    public func finish(_ job: Job, state: Job.State, message: String?) throws {
        try store.write { tx in
            try tx.execute("""
                UPDATE jobs SET state = ?, finished_at = ?, progress = ?, errors = ?, message = ? WHERE id = ?
                """, [.text(state.rawValue), .real(Date().timeIntervalSince1970), .text(Self.json(job.progress)),
                      .text(Self.json(job.errors)), message.map { .text($0) } ?? .null, .text(job.id)])
        }
    }

    /// Marks `running` jobs whose process is gone (or, with `owner`, all jobs of this process's previous life)
    /// as failed. Returns how many.
    @discardableResult
    public func recoverInterrupted() throws -> Int {
        let rows = try store.query("SELECT id, pid FROM jobs WHERE state IN ('running')")
        let dead = rows.filter { row in
            guard let pid = row[1].int else { return true }
            return pid != Int(getpid()) && kill(pid_t(pid), 0) != 0 && errno == ESRCH
        }.compactMap { $0[0].string }
        guard !dead.isEmpty else { return 0 }
        try store.write { tx in
            for id in dead {
                try tx.execute("""
                    UPDATE jobs SET state = 'failed', finished_at = ?, message = 'interrupted: the process running it exited; run the ingest again to complete it'
                    WHERE id = ? AND state = 'running'
                    """, [.real(Date().timeIntervalSince1970), .text(id)])
            }
        }
        return dead.count
    }

    public func list(limit: Int = 50) throws -> [Job] {
        try recoverInterrupted()
        return try store.query("SELECT \(Self.columns) FROM jobs ORDER BY created_at DESC LIMIT ?", [.integer(Int64(limit))]).map(Self.job)
    }

    public func get(_ id: String) throws -> Job? {
        try recoverInterrupted()
        return try store.query("SELECT \(Self.columns) FROM jobs WHERE id = ?", [.text(id)]).first.map(Self.job)
    }

    static let columns = "id, kind, namespace, state, created_at, started_at, finished_at, progress, errors, message, request"

    static func job(_ row: [SQLValue]) -> Job {
        let progress = (try? JSONDecoder().decode([String: Int].self, from: Data((row[7].string ?? "{}").utf8))) ?? [:]
        let errors = (try? JSONDecoder().decode([FileFailure].self, from: Data((row[8].string ?? "[]").utf8))) ?? []
        return Job(id: row[0].string ?? "", kind: row[1].string ?? "", namespace: row[2].string ?? "",
                   state: Job.State(rawValue: row[3].string ?? "") ?? .failed, createdAt: row[4].double ?? 0,
                   startedAt: row[5].double, finishedAt: row[6].double, progress: progress, errors: errors,
                   message: row[9].string, request: row[10].string ?? "{}")
    }

    public static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "{}"
    }
}
