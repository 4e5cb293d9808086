import Foundation
import Logging

/// Audit entries waiting to be written in one transaction by a background flush (as the query log's
/// `LogBuffer`): the first entry after a flush schedules the next one `interval` seconds later on a
/// dispatch queue, off the request path. A failed write keeps the entries for the next flush; beyond
/// `capacity` waiting entries the oldest are dropped and counted in the error log.
final class AuditBuffer: @unchecked Sendable {
    static let capacity = 200_000

    private let interval: Double
    private let logger: Logger?
    private let write: @Sendable ([AuditEntry]) throws -> [AuditEntry]
    private let lock = NSLock()
    private var entries: [AuditEntry] = []   // guarded by lock
    private var scheduled = false            // guarded by lock
    private let flushLock = NSLock()         // one flush at a time, so entries keep their order

    init(interval: Double, logger: Logger?, write: @escaping @Sendable ([AuditEntry]) throws -> [AuditEntry]) {
        self.interval = interval
        self.logger = logger
        self.write = write
    }

    var count: Int { lock.withLock { entries.count } }

    func append(_ entry: AuditEntry) {
        let schedule = lock.withLock {
            entries.append(entry)
            defer { scheduled = true }
            return !scheduled
        }
        if schedule {
            DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + interval) { [self] in
                do {
                    try flush()
                } catch {
                    logger?.error("audit log write failed; entries kept for the next flush", metadata: ["error": "\(error)", "pending": "\(count)"])
                }
            }
        }
    }

    func flush() throws {
        try flushLock.withLock {
            let pending = lock.withLock {
                scheduled = false
                defer { entries.removeAll(keepingCapacity: true) }
                return entries
            }
            guard !pending.isEmpty else { return }
            do {
                _ = try write(pending)
            } catch {
                let lost = lock.withLock {
                    entries.insert(contentsOf: pending, at: 0)
                    let excess = max(0, entries.count - Self.capacity)
                    entries.removeFirst(excess)
                    return excess
                }
                if lost > 0 { logger?.error("audit log buffer full: oldest entries dropped", metadata: ["dropped": "\(lost)"]) }
                throw error
            }
        }
    }
}
