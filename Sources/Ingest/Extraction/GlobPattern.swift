/// A glob over `/`-separated relative paths, with gitignore's syntax: `*` and `?` within one segment,
/// `[a-z]`/`[!a]`/`[^a]` classes, `\` escapes, and `**` as a whole segment matching any number of
/// segments (a trailing `/**` matches at least one: everything inside, not the directory itself).
///
/// A pattern with no `/` (other than a trailing one) matches the last segment at any depth; one with a
/// `/` is anchored at the base directory. A leading `/` only anchors.
public struct GlobPattern: Sendable, Hashable, CustomStringConvertible {
    public let description: String
    private let segments: [[Unicode.Scalar]]
    private static let doubleStar: [Unicode.Scalar] = ["*", "*"]

    public init(_ pattern: String) {
        description = pattern
        var body = Substring(pattern)
        if body.hasSuffix("/") { body = body.dropLast() }
        let anchored = body.contains("/")
        if body.hasPrefix("/") { body = body.dropFirst() }
        var parts = body.split(separator: "/", omittingEmptySubsequences: true).map { Array($0.unicodeScalars) }
        if !anchored { parts.insert(Self.doubleStar, at: 0) }
        segments = parts
    }

    /// Whether `path` (relative, `/`-separated, no leading slash) matches.
    public func matches(_ path: String) -> Bool {
        matches(segments: path.split(separator: "/").map { Array($0.unicodeScalars) })
    }

    func matches(segments path: [[Unicode.Scalar]]) -> Bool {
        match(0, path, 0)
    }

    private func match(_ p: Int, _ path: [[Unicode.Scalar]], _ s: Int) -> Bool {
        if p == segments.count { return s == path.count }
        if segments[p] == Self.doubleStar {
            let atLeast = p == segments.count - 1 && p > 0 ? 1 : 0
            if p == segments.count - 1 { return path.count - s >= atLeast }
            var k = s
            while k <= path.count {
                if match(p + 1, path, k) { return true }
                k += 1
            }
            return false
        }
        guard s < path.count, Self.matchSegment(segments[p][...], path[s][...]) else { return false }
        return match(p + 1, path, s + 1)
    }

    /// fnmatch-style match of one segment, backtracking to the last `*` only (linear in practice).
    static func matchSegment(_ pattern: ArraySlice<Unicode.Scalar>, _ text: ArraySlice<Unicode.Scalar>) -> Bool {
        var p = pattern.startIndex
        var t = text.startIndex
        var starP = -1
        var starT = -1
        while t < text.endIndex {
            if p < pattern.endIndex {
                let c = pattern[p]
                if c == "*" {
                    starP = p
                    starT = t
                    p += 1
                    continue
                }
                if c == "?" {
                    p += 1
                    t += 1
                    continue
                }
                if c == "[", let (matched, next) = matchClass(pattern, p, text[t]) {
                    if matched {
                        p = next
                        t += 1
                        continue
                    }
                } else {
                    var literal = c
                    var next = p + 1
                    if c == "\\", next < pattern.endIndex {
                        literal = pattern[next]
                        next += 1
                    }
                    if literal == text[t] {
                        p = next
                        t += 1
                        continue
                    }
                }
            }
            guard starP >= 0 else { return false }
            p = starP + 1
            starT += 1
            t = starT
        }
        while p < pattern.endIndex, pattern[p] == "*" { p += 1 }
        return p == pattern.endIndex
    }

    /// Matches a `[...]` class at `start`; nil when the bracket is not closed (then it is a literal `[`).
    private static func matchClass(_ pattern: ArraySlice<Unicode.Scalar>, _ start: Int, _ c: Unicode.Scalar) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < pattern.endIndex, pattern[i] == "!" || pattern[i] == "^" {
            negate = true
            i += 1
        }
        var matched = false
        var first = true
        while i < pattern.endIndex {
            var low = pattern[i]
            if low == "]", !first { return (matched != negate, i + 1) }
            first = false
            if low == "\\", i + 1 < pattern.endIndex {
                i += 1
                low = pattern[i]
            }
            if i + 2 < pattern.endIndex, pattern[i + 1] == "-", pattern[i + 2] != "]" {
                let high = pattern[i + 2]
                if low.value <= c.value && c.value <= high.value { matched = true }
                i += 3
            } else {
                if low == c { matched = true }
                i += 1
            }
        }
        return nil
    }
}

/// The rules of one `.ragignore` file (gitignore syntax), relative to the directory holding it.
struct IgnoreRules: Sendable {
    struct Rule: Sendable {
        var pattern: GlobPattern
        var negated: Bool
        var directoryOnly: Bool
    }

    /// The holding directory, relative to the walk root (`""` for the root itself).
    var base: String
    var rules: [Rule]

    init(base: String, contents: String) {
        self.base = base
        rules = []
        TextLines.forEach(of: contents) { rawLine in
            var line = Substring(rawLine)
            if line.hasPrefix("#") { return }
            // Trailing spaces are dropped unless escaped with a backslash.
            while line.hasSuffix(" "), !line.dropLast().hasSuffix("\\") { line = line.dropLast() }
            if line.hasSuffix("\\ ") { line = line.dropLast(2) + " " }
            guard !line.isEmpty else { return }
            var negated = false
            if line.hasPrefix("!") {
                negated = true
                line = line.dropFirst()
            } else if line.hasPrefix("\\!") || line.hasPrefix("\\#") {
                line = line.dropFirst()
            }
            let directoryOnly = line.hasSuffix("/")
            guard !line.isEmpty, line != "/" else { return }
            rules.append(Rule(pattern: GlobPattern(String(line)), negated: negated, directoryOnly: directoryOnly))
        }
    }

    /// The verdict of the last matching rule for `relativePath` (relative to the walk root), or nil.
    func verdict(relativePath: String, isDirectory: Bool) -> Bool? {
        let local: Substring
        if base.isEmpty {
            local = Substring(relativePath)
        } else {
            guard relativePath.hasPrefix(base + "/") else { return nil }
            local = relativePath.dropFirst(base.count + 1)
        }
        let segments = local.split(separator: "/").map { Array($0.unicodeScalars) }
        for rule in rules.reversed() where !rule.directoryOnly || isDirectory {
            if rule.pattern.matches(segments: segments) { return !rule.negated }
        }
        return nil
    }
}
