import Foundation

/// Where the retrieval pipeline gets time from: rate limiters, caches (TTL), circuit breakers and retry
/// backoff all take one, so tests drive time instead of sleeping.
public protocol TimeSource: Sendable {
    /// Seconds since an arbitrary fixed origin (monotonic for `SystemTime`).
    func now() -> Double
    /// Waits `seconds` (a test source may return at once after advancing its clock).
    func sleep(seconds: Double) async throws
}

/// Real time: monotonic `now`, `Task.sleep`.
public struct SystemTime: TimeSource {
    public init() {}

    public func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    public func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
    }
}

/// Manual time for tests: `advance` moves it; `sleep` advances it by the requested amount and returns at once,
/// recording each sleep so tests can check backoff schedules.
public final class ManualTime: TimeSource, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Double
    private var _sleeps: [Double] = []

    public init(start: Double = 1_000) { current = start }

    public func now() -> Double { lock.withLock { current } }

    public func advance(_ seconds: Double) { lock.withLock { current += seconds } }

    public func sleep(seconds: Double) async throws {
        try Task.checkCancellation()
        lock.withLock {
            _sleeps.append(seconds)
            current += max(0, seconds)
        }
    }

    /// Every duration passed to `sleep`, in order.
    public var sleeps: [Double] { lock.withLock { _sleeps } }
}
