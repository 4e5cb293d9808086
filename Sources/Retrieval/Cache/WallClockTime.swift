import Foundation

/// Wall-clock time (seconds since 1970) for state that outlives the process: the persisted semantic cache
/// compares stored `created_at` values with `now()` after a restart, which `SystemTime` (uptime) cannot do.
public struct WallClockTime: TimeSource {
    public init() {}

    public func now() -> Double { Date().timeIntervalSince1970 }

    public func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
    }
}
