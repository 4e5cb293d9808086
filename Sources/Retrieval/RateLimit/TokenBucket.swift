/// A token bucket: holds up to `capacity` tokens, refills continuously at `capacity / period` tokens per
/// second and starts full (so a burst of `capacity` passes at once). The level may go negative when a cost is
/// charged after the fact (LLM tokens), which then delays the next request until the debt is repaid.
struct TokenBucket: Sendable {
    private(set) var capacity: Double
    /// Tokens added per second.
    private(set) var rate: Double
    private(set) var level: Double
    private var updatedAt: Double

    /// A full bucket of `capacity` tokens refilling over `period` seconds.
    init(capacity: Int, period: Double = 60, now: Double) {
        self.capacity = Double(capacity)
        rate = Double(capacity) / period
        level = Double(capacity)
        updatedAt = now
    }

    mutating func refill(now: Double) {
        if now > updatedAt {
            level = min(capacity, level + (now - updatedAt) * rate)
        }
        updatedAt = max(updatedAt, now)
    }

    /// Changes the capacity (a new per-principal limit), keeping the level within it.
    mutating func resize(capacity newCapacity: Int, period: Double = 60, now: Double) {
        refill(now: now)
        guard Double(newCapacity) != capacity else { return }
        capacity = Double(newCapacity)
        rate = capacity / period
        level = min(level, capacity)
    }

    /// True when `amount` tokens are available (after refilling to `now`).
    mutating func available(_ amount: Double, now: Double) -> Bool {
        refill(now: now)
        return level >= amount - Self.epsilon
    }

    mutating func take(_ amount: Double, now: Double) {
        refill(now: now)
        level -= amount
    }

    /// Seconds until `amount` tokens are available (0 when they are).
    func secondsUntil(_ amount: Double) -> Double {
        level >= amount - Self.epsilon ? 0 : (amount - level) / rate
    }

    /// Seconds until the bucket is full again.
    var secondsUntilFull: Double { level >= capacity ? 0 : (capacity - level) / rate }

    /// Whole tokens left, never negative.
    var remaining: Int { max(0, Int((level + Self.epsilon).rounded(.down))) }

    /// Refill arithmetic in seconds × rate leaves rounding dust: 30.1 s at 10/s may give 0.9999999.
    private static let epsilon = 1e-9

    var isFull: Bool { level >= capacity }
}
