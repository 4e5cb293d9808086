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
