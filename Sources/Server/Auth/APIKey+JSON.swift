import Foundation

extension APIKey {
    /// The key as `ragctl keys list --json` and `GET /api/v1/keys` show it; never the secret or its hash.
    /// `namespaces` is `["*"]` for all; absent dates are omitted.
    public func jsonObject(now: Date) -> [String: Any] {
        var object: [String: Any] = [
            "id": id, "name": name, "role": role.rawValue, "namespaces": namespaces.map { $0.sorted() } ?? ["*"],
            "clearance": clearance.rawValue, "created_at": Self.rfc3339(createdAt), "state": state(at: now).rawValue,
        ]
        if let requestsPerMinute { object["rpm"] = requestsPerMinute }
        if let tokensPerMinute { object["tpm"] = tokensPerMinute }
        if let expiresAt { object["expires_at"] = Self.rfc3339(expiresAt) }
        if let revokedAt { object["revoked_at"] = Self.rfc3339(revokedAt) }
        if let rotatedAt { object["rotated_at"] = Self.rfc3339(rotatedAt) }
        if let previousValidUntil, previousValidUntil > now, revokedAt == nil {
            object["previous_valid_until"] = Self.rfc3339(previousValidUntil)
        }
        return object
    }

    /// `a,b` → those namespaces; `*` → all (nil).
    /// - Throws: `AuthError(.invalidArgument)` for an empty list or `*` mixed with names.
    public static func parseNamespaces(_ list: [String]) throws -> Set<String>? {
        let names = list.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if names == ["*"] { return nil }
        guard !names.isEmpty else { throw AuthError(.invalidArgument, "namespaces must list at least one namespace, or be * for all") }
        guard !names.contains("*") else { throw AuthError(.invalidArgument, "namespaces: * means all and cannot be combined with names") }
        return Set(names)
    }

    /// Seconds from `90s`, `30m`, `24h`, `7d` or a plain number of seconds.
    /// - Throws: `AuthError(.invalidArgument)` for anything else or a negative value.
    public static func parseDuration(_ text: String, field: String) throws -> TimeInterval {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        var number = Substring(trimmed)
        var scale = 1.0
        if let last = trimmed.last, let unit = units[last] {
            number = number.dropLast()
            scale = unit
        }
        guard let value = Double(number), value.isFinite, value >= 0 else {
            throw AuthError(.invalidArgument, "\(field) must be seconds or a duration such as 90s, 30m, 24h, 7d; got \"\(text)\"")
        }
        return value * scale
    }

    /// An expiry: `2027-01-31` (midnight UTC), an RFC 3339 time, or a duration from `now` (`90d`, `24h`).
    /// - Throws: `AuthError(.invalidArgument)` naming the accepted forms.
    public static func parseExpiry(_ text: String, now: Date) throws -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withFullDate]
        if let date = formatter.date(from: text) { return date }
        if let seconds = try? parseDuration(text, field: "expires"), text.last?.isLetter == true {
            return now.addingTimeInterval(seconds)
        }
        throw AuthError(.invalidArgument, "expires must be a date (2027-01-31), an RFC 3339 time or a duration (90d, 24h); got \"\(text)\"")
    }
}
