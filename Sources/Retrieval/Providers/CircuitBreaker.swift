/// A circuit breaker for one provider: after `failureThreshold` consecutive failures it opens and the provider
/// is skipped for `openDuration` seconds; then exactly one call is let through as a half-open probe, whose
/// success closes the breaker and whose failure opens it again for another `openDuration`.
///
/// All timing goes through the `TimeSource`, so tests drive it with `ManualTime`. A call first asks
/// `tryAcquire()`, then reports `recordSuccess()`, `recordFailure()` or, when it ended without an outcome
/// (cancelled), `release()`.
public actor CircuitBreaker {
    /// The breaker's position, for metrics and logs.
    public enum State: String, Sendable, Equatable {
        /// Calls go through; failures are being counted.
        case closed
        /// Calls are refused until the open time has passed.
        case open
        /// The open time has passed: the next call (only one) is a probe.
        case halfOpen = "half_open"

        /// 0 closed, 1 open, 2 half-open: a gauge value.
        public var gaugeValue: Int {
            switch self {
            case .closed: return 0
            case .open: return 1
            case .halfOpen: return 2
            }
        }
    }

    /// The provider's name.
    public nonisolated let name: String
    /// Consecutive failures that open the breaker (at least 1).
    public nonisolated let failureThreshold: Int
    /// Seconds the breaker stays open before a probe.
    public nonisolated let openDuration: Double
    private let time: any TimeSource

    private var stored = State.closed
    private var failures = 0
    private var openedAt = 0.0
    private var probeInFlight = false

    /// - Parameters:
    ///   - failureThreshold: consecutive failures that open it (default 5).
    ///   - openDuration: seconds it stays open (default 60).
    ///   - time: the clock (default `SystemTime`).
    public init(name: String, failureThreshold: Int = 5, openDuration: Double = 60, time: any TimeSource = SystemTime()) {
        self.name = name
        self.failureThreshold = max(1, failureThreshold)
        self.openDuration = openDuration
        self.time = time
    }

    /// The current state. An open breaker whose open time has passed reads `.halfOpen` (its next call probes);
    /// so does one whose probe is in flight.
    public var state: State {
        if stored == .open && time.now() >= openedAt + openDuration { return .halfOpen }
        return stored
    }

    /// Failures since the last success (reset when the breaker closes).
    public var consecutiveFailures: Int { failures }

    /// Seconds until an open breaker lets a probe through (0 when it would now; `nil` unless open).
    public var secondsUntilProbe: Double? {
        guard stored == .open else { return nil }
        return max(0, openedAt + openDuration - time.now())
    }

    /// Asks to make a call. `true`: go ahead (closed, or this call is the half-open probe); `false`: the breaker
    /// is open, or half-open with its probe already in flight — skip the provider.
    public func tryAcquire() -> Bool {
        switch stored {
        case .closed:
            return true
        case .open:
            guard time.now() >= openedAt + openDuration else { return false }
            stored = .halfOpen
            probeInFlight = true
            return true
        case .halfOpen:
            guard !probeInFlight else { return false }
            probeInFlight = true
            return true
        }
    }

    /// A call succeeded: the breaker closes and the failure count resets.
    public func recordSuccess() {
        stored = .closed
        failures = 0
        probeInFlight = false
    }

    /// A call failed: a half-open probe's failure re-opens the breaker; otherwise the count grows and the
    /// breaker opens when it reaches `failureThreshold` (an open breaker's open time restarts).
    public func recordFailure() {
        failures += 1
        switch stored {
        case .halfOpen, .open:
            open()
        case .closed:
            if failures >= failureThreshold { open() }
        }
    }

    /// A call ended without an outcome (cancelled): a half-open probe's permit is returned, so the next call
    /// probes instead. Otherwise nothing changes.
    public func release() {
        if stored == .halfOpen && probeInFlight {
            probeInFlight = false
        }
    }

    /// Records the outcome of a call that failed with `error`: a provider failure
    /// (`ProviderError.isProviderFailure`) counts as a failure; a 4xx the request caused shows the provider is
    /// up and counts as a success.
    public func record(_ error: ProviderError) {
        if error.isProviderFailure { recordFailure() } else { recordSuccess() }
    }

    /// Closes the breaker and forgets the failures (administrative reset).
    public func reset() { recordSuccess() }

    private func open() {
        stored = .open
        openedAt = time.now()
        probeInFlight = false
    }
}
