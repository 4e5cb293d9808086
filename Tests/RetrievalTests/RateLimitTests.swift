import Testing
@testable import Retrieval

@Suite struct RateLimitTests {
    @Test func burstToTheLimitThenRejectWithRetryAfterThenRefill() throws {
        let time = ManualTime()
        let limiter = try RateLimiter(configuration: .init(userRPM: 60, globalRPM: 0), time: time)
        for i in 0..<60 {
            let status = try limiter.acquire(principal: "alice")
            #expect(status.remaining == 59 - i)
            #expect(status.limit == 60)
        }
        do {
            _ = try limiter.acquire(principal: "alice")
            Issue.record("expected a rejection")
        } catch {
            #expect(error.scope == .user)
            #expect(abs(error.retryAfter - 1) < 1e-9)         // 60 per minute: one token per second
            #expect(error.status.remaining == 0)
            #expect(abs(error.status.reset - 60) < 1e-9)
            #expect(error.headers["Retry-After"] == "1")
            #expect(error.headers["RateLimit-Limit"] == "60")
            #expect(error.message.contains("alice"))
        }
        time.advance(0.5)
        #expect(throws: RateLimitRejection.self) { try limiter.acquire(principal: "alice") }
        time.advance(0.5)
        #expect(try limiter.acquire(principal: "alice").remaining == 0)
        time.advance(30)
        let status = try limiter.acquire(principal: "alice")
        #expect(status.remaining == 29)
        #expect(status.headers["RateLimit-Reset"] == "31")
        #expect(limiter.rejections[.user] == 2)
    }

    @Test func principalsAreIsolatedAndMayCarryTheirOwnLimits() throws {
        let limiter = try RateLimiter(configuration: .init(userRPM: 2, globalRPM: 0), time: ManualTime())
        _ = try limiter.acquire(principal: "a")
        _ = try limiter.acquire(principal: "a")
        #expect(throws: RateLimitRejection.self) { try limiter.acquire(principal: "a") }
        #expect(try limiter.acquire(principal: "b").remaining == 1)
        // A key with its own rpm.
        for _ in 0..<5 { _ = try limiter.acquire(principal: "key1", limits: .init(rpm: 5)) }
        #expect(throws: RateLimitRejection.self) { try limiter.acquire(principal: "key1", limits: .init(rpm: 5)) }
        limiter.setLimits(.init(rpm: 0), for: "admin")   // unlimited
        for _ in 0..<50 { _ = try limiter.acquire(principal: "admin") }
        #expect(limiter.status(principal: "admin") == nil)
        #expect(limiter.status(principal: "b")?.remaining == 1)
    }

    @Test func globalLimitAppliesAcrossPrincipals() throws {
        let time = ManualTime()
        let limiter = try RateLimiter(configuration: .init(userRPM: 100, globalRPM: 3), time: time)
        _ = try limiter.acquire(principal: "a")
        _ = try limiter.acquire(principal: "b")
        _ = try limiter.acquire(principal: "c")
        do {
            _ = try limiter.acquire(principal: "d")
            Issue.record("expected a global rejection")
        } catch {
            #expect(error.scope == .global)
            #expect(abs(error.retryAfter - 20) < 1e-9)
        }
        // A refused request consumed nothing from d's own bucket.
        #expect(limiter.status(principal: "d")?.remaining == 100)
        time.advance(20)
        _ = try limiter.acquire(principal: "d")
    }

    @Test func tokensPerMinuteAreChargedAfterTheResponse() throws {
        let time = ManualTime()
        let limiter = try RateLimiter(configuration: .init(userRPM: 0, globalRPM: 0, userTPM: 600), time: time)
        _ = try limiter.acquire(principal: "a")
        limiter.charge(tokens: 900, principal: "a")      // 300 tokens into debt
        do {
            _ = try limiter.acquire(principal: "a")
            Issue.record("expected a token rejection")
        } catch {
            #expect(error.scope == .tokens)
            #expect(abs(error.retryAfter - 30.1) < 1e-6)       // (1 + 300) tokens at 10 per second
            #expect(error.status.limit == 600)
        }
        _ = try limiter.acquire(principal: "b")
        time.advance(30.1)
        _ = try limiter.acquire(principal: "a")
        // Unlimited tpm ignores charges.
        let unlimited = try RateLimiter(configuration: .init(userTPM: 0), time: time)
        unlimited.charge(tokens: 1_000_000, principal: "a")
        _ = try unlimited.acquire(principal: "a")
        #expect(limiter.rejections[.tokens] == 1)
    }

    @Test func idleBucketsAreForgottenAndNegativeLimitsRefused() throws {
        let time = ManualTime()
        let limiter = try RateLimiter(configuration: .init(userRPM: 10, maxTrackedPrincipals: 4), time: time)
        for i in 0..<4 { _ = try limiter.acquire(principal: "p\(i)") }
        time.advance(60)
        _ = try limiter.acquire(principal: "p4")
        #expect(limiter.trackedPrincipals == 1)
        #expect(throws: RetrievalError.self) { try RateLimiter(configuration: .init(userRPM: -1)) }
    }
}
