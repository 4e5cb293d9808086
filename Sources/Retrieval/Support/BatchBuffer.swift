import Foundation

/// Items waiting to be written together by a background flush: the first `append` after a flush schedules
/// the next one `interval` seconds later on a Dispatch queue, off the caller's path, so a server recording
/// thousands of rows a second pays one transaction per interval instead of one per row.
///
/// Flushes run one at a time and take everything waiting, so items are written in the order they were
/// appended. A failed write puts its items back in front for the next flush (and rethrows); beyond
/// `capacity` waiting items the oldest are dropped and reported to `dropped`. A failure of a scheduled flush
/// goes to `failed` with the number of items kept.
public final class BatchBuffer<Element: Sendable>: @unchecked Sendable {
    private let interval: Double
    private let capacity: Int
    private let write: @Sendable ([Element]) throws -> Void
    private let failed: @Sendable (_ error: any Error, _ pending: Int) -> Void
    private let dropped: @Sendable (_ count: Int) -> Void
    private let lock = NSLock()
    private var items: [Element] = []   // guarded by lock
    private var scheduled = false       // guarded by lock
    private let flushLock = NSLock()    // one flush at a time, so items keep their order

    public init(interval: Double, capacity: Int = .max, write: @escaping @Sendable ([Element]) throws -> Void,
                failed: @escaping @Sendable (_ error: any Error, _ pending: Int) -> Void = { _, _ in },
                dropped: @escaping @Sendable (_ count: Int) -> Void = { _ in }) {
        self.interval = interval
        self.capacity = capacity
        self.write = write
        self.failed = failed
        self.dropped = dropped
    }

    /// Items waiting.
    public var count: Int { lock.withLock { items.count } }

    public func append(_ item: Element) {
        let schedule = lock.withLock {
            items.append(item)
            defer { scheduled = true }
            return !scheduled
        }
        if schedule {
            DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + interval) { [self] in
                do {
                    try flush()
                } catch {
                    failed(error, count)
                }
            }
        }
    }

    /// Writes everything waiting now.
    public func flush() throws {
        try flushLock.withLock {
            let pending = lock.withLock {
                scheduled = false
                defer { items.removeAll(keepingCapacity: true) }
                return items
            }
            guard !pending.isEmpty else { return }
            do {
                try write(pending)
            } catch {
                let lost = lock.withLock {
                    items.insert(contentsOf: pending, at: 0)
                    let excess = max(0, items.count - capacity)
                    items.removeFirst(excess)
                    return excess
                }
                if lost > 0 { dropped(lost) }
                throw error
            }
        }
    }
}
