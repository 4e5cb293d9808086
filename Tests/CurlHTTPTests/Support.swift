import CurlHTTP
import Foundation
import TestSupport
import Testing

/// Decodes a JSON object body into a dictionary.
func jsonObject(_ data: Data) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
}

/// Seconds elapsed since `start` on the monotonic clock.
func seconds(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

/// A port on 127.0.0.1 with nothing listening: that of a scripted upstream that has been stopped.
func closedPort() throws -> Int {
    let upstream = try ScriptedUpstream.start()
    let port = upstream.port
    upstream.stop()
    return port
}

/// Polls the upstream's stats every 20 ms until `condition` holds, and returns them.
/// The generous default `timeout` (seconds) only matters when the condition never comes true: parallel
/// suites can stall a test task for a long time on 2 cores.
@discardableResult
func eventually(_ upstream: ScriptedUpstream, timeout: Double = 60,
                _ condition: (ScriptedUpstream.Stats) -> Bool) async throws -> ScriptedUpstream.Stats {
    let start = ContinuousClock.now
    while true {
        let stats = try upstream.stats()
        if condition(stats) { return stats }
        if seconds(since: start) > timeout {
            Issue.record("condition not met within \(timeout) s; last stats: in_flight \(stats.inFlight), disconnects \(stats.disconnects), counts \(stats.counts)")
            return stats
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}
