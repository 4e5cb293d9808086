import Foundation

/// Kinds of personally identifiable information the redactor recognises.
/// `placeholder` is what `PIIRedactor.redact` writes in place of a match.
public enum PIIKind: String, Sendable, CaseIterable, Codable {
    case email, ssn, card, phone, iban

    public var placeholder: String { "[\(rawValue.uppercased())]" }
}

/// One detected span. `range` indexes the string passed to `find(in:)`; `utf8Range` is the same span as
/// UTF-8 byte offsets (every match starts and ends on an ASCII byte, so both are scalar-aligned).
public struct PIIMatch: Sendable, Equatable {
    public var kind: PIIKind
    public var range: Range<String.Index>
    public var utf8Range: Range<Int>

    public init(kind: PIIKind, range: Range<String.Index>, utf8Range: Range<Int>) {
        self.kind = kind
        self.range = range
        self.utf8Range = utf8Range
    }
}

/// Finds and redacts e-mail addresses, US SSNs, Luhn-valid payment cards, phone numbers and mod-97-valid
/// IBANs with a hand-written linear scanner over the UTF-8 bytes (no regular expressions, no shared state).
///
/// Overlaps: e-mails are found first; the remaining text is scanned left to right and at every candidate
/// start IBAN, SSN, card and phone are tried in that order, so a card or IBAN is never reported as a phone.
/// Digit groups are never split: a card inside a longer digit run is not a card.
public struct PIIRedactor: Sendable {
    public let kinds: Set<PIIKind>

    public init(kinds: Set<PIIKind> = Set(PIIKind.allCases)) {
        self.kinds = kinds
    }

    public func find(in text: String) -> [PIIMatch] {
        let spans = scanSpans(text)
        let utf8 = text.utf8
        return spans.map { span in
            let lower = utf8.index(utf8.startIndex, offsetBy: span.start)
            let upper = utf8.index(lower, offsetBy: span.end - span.start)
            return PIIMatch(kind: span.kind, range: lower..<upper, utf8Range: span.start..<span.end)
        }
    }

    /// Replaces every match with its kind's placeholder (`[EMAIL]`, `[SSN]`, `[CARD]`, `[PHONE]`, `[IBAN]`).
    public func redact(_ text: String) -> (text: String, counts: [PIIKind: Int]) {
        var text = text
        let spans = scanSpans(text)
        if spans.isEmpty { return (text, [:]) }
        var counts: [PIIKind: Int] = [:]
        let result: String = text.withUTF8 { bytes in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var cursor = 0
            for span in spans {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[cursor..<span.start]))
                out.append(contentsOf: span.kind.placeholder.utf8)
                counts[span.kind, default: 0] += 1
                cursor = span.end
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[cursor..<bytes.count]))
            return String(decoding: out, as: UTF8.self)
        }
        return (result, counts)
    }

    struct Span { var kind: PIIKind; var start: Int; var end: Int }

    func scanSpans(_ text: String) -> [Span] {
        if kinds.isEmpty { return [] }
        var copy = text
        return copy.withUTF8 { bytes in
            var scanner = PIIScanner(bytes: bytes, kinds: kinds)
            return scanner.run()
        }
    }
}

// MARK: - Scanner

private enum PIIByteClass {
    static let digit: UInt8 = 1, upper: UInt8 = 2, lower: UInt8 = 4, emailLocal: UInt8 = 8, domain: UInt8 = 16, nonASCII: UInt8 = 32
    static let alnum: UInt8 = digit | upper | lower

    static let table: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 256)
        for b in UInt8(ascii: "0")...UInt8(ascii: "9") { t[Int(b)] |= digit | emailLocal | domain }
        for b in UInt8(ascii: "A")...UInt8(ascii: "Z") { t[Int(b)] |= upper | emailLocal | domain }
        for b in UInt8(ascii: "a")...UInt8(ascii: "z") { t[Int(b)] |= lower | emailLocal | domain }
        for c in "._%+-" { t[Int(c.asciiValue!)] |= emailLocal }
        for c in ".-" { t[Int(c.asciiValue!)] |= domain }
        for b in 0x80...0xFF { t[b] |= nonASCII }
        return t
    }()
}

/// ISO 13616 IBAN lengths per country (SWIFT registry, 2024). Unknown countries are not IBANs.
private let ibanLengths: [UInt16: Int] = {
    let table: [(String, Int)] = [
        ("AD", 24), ("AE", 23), ("AL", 28), ("AT", 20), ("AZ", 28), ("BA", 20), ("BE", 16), ("BG", 22), ("BH", 22),
        ("BI", 27), ("BR", 29), ("BY", 28), ("CH", 21), ("CR", 22), ("CY", 28), ("CZ", 24), ("DE", 22), ("DJ", 27),
        ("DK", 18), ("DO", 28), ("EE", 20), ("EG", 29), ("ES", 24), ("FI", 18), ("FK", 18), ("FO", 18), ("FR", 27),
        ("GB", 22), ("GE", 22), ("GI", 23), ("GL", 18), ("GR", 27), ("GT", 28), ("HR", 21), ("HU", 28), ("IE", 22),
        ("IL", 23), ("IQ", 23), ("IS", 26), ("IT", 27), ("JO", 30), ("KW", 30), ("KZ", 20), ("LB", 28), ("LC", 32),
        ("LI", 21), ("LT", 20), ("LU", 20), ("LV", 21), ("LY", 25), ("MC", 27), ("MD", 24), ("ME", 22), ("MK", 19),
        ("MN", 20), ("MR", 27), ("MT", 31), ("MU", 30), ("NI", 28), ("NL", 18), ("NO", 15), ("OM", 23), ("PK", 24),
        ("PL", 28), ("PS", 29), ("PT", 25), ("QA", 29), ("RO", 24), ("RS", 22), ("RU", 33), ("SA", 24), ("SC", 31),
        ("SD", 18), ("SE", 24), ("SI", 19), ("SK", 24), ("SM", 27), ("SO", 23), ("ST", 25), ("SV", 28), ("TL", 23),
        ("TN", 24), ("TR", 26), ("UA", 29), ("VA", 22), ("VG", 24), ("XK", 20), ("YE", 30),
    ]
    var map: [UInt16: Int] = [:]
    for (code, length) in table {
        let b = Array(code.utf8)
        map[UInt16(b[0]) << 8 | UInt16(b[1])] = length
    }
    return map
}()

/// A maximal run of digits inside a numeric token, and the separator text that preceded it.
private struct PIIDigitGroup {
    var start: Int
    var end: Int
    /// Separator bytes between the previous group and this one (empty for the first group).
    var sepStart: Int
    var length: Int { end - start }
}

private struct PIIScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    let kinds: Set<PIIKind>
    let wantEmail, wantSSN, wantCard, wantPhone, wantIBAN: Bool
    let table = PIIByteClass.table

    init(bytes: UnsafeBufferPointer<UInt8>, kinds: Set<PIIKind>) {
        self.bytes = bytes
        self.kinds = kinds
        wantEmail = kinds.contains(.email)
        wantSSN = kinds.contains(.ssn)
        wantCard = kinds.contains(.card)
        wantPhone = kinds.contains(.phone)
        wantIBAN = kinds.contains(.iban)
    }

    @inline(__always) func cls(_ i: Int) -> UInt8 { i >= 0 && i < bytes.count ? table[Int(bytes[i])] : 0 }
    @inline(__always) func byte(_ i: Int) -> UInt8 { i >= 0 && i < bytes.count ? bytes[i] : 0 }
    @inline(__always) func isDigit(_ i: Int) -> Bool { cls(i) & PIIByteClass.digit != 0 }
    @inline(__always) func isAlnum(_ i: Int) -> Bool { cls(i) & PIIByteClass.alnum != 0 }
    /// Letters of any script count as word characters for boundaries.
    @inline(__always) func isWordByte(_ i: Int) -> Bool { cls(i) & (PIIByteClass.alnum | PIIByteClass.nonASCII) != 0 }

    mutating func run() -> [PIIScanner.Span] {
        let emails = wantEmail ? findEmails() : []
        var spans: [PIIScanner.Span] = []
        var emailIndex = 0
        var i = 0
        let n = bytes.count
        let anyNumeric = wantSSN || wantCard || wantPhone
        while i < n {
            if emailIndex < emails.count, i >= emails[emailIndex].start {
                spans.append(emails[emailIndex])
                i = emails[emailIndex].end
                emailIndex += 1
                continue
            }
            let c = table[Int(bytes[i])]
            if c & PIIByteClass.upper != 0 {
                if wantIBAN, !isWordByte(i - 1) {
                    let (valid, end) = matchIBAN(at: i)
                    if valid, !overlapsEmail(i, end, emails, emailIndex) {
                        spans.append(PIIScanner.Span(kind: .iban, start: i, end: end))
                        i = end
                        continue
                    }
                    if end > i {
                        // IBAN-shaped but failing mod-97: its digits are not cards or phones either.
                        i = end
                        continue
                    }
                }
                i += 1
                while i < n, table[Int(bytes[i])] & PIIByteClass.alnum != 0 { i += 1 }
                continue
            }
            if anyNumeric, c & PIIByteClass.digit != 0 || bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "(") {
                if isTokenStart(i) {
                    let (span, next) = matchNumeric(at: i)
                    if let span, !overlapsEmail(span.start, span.end, emails, emailIndex) {
                        spans.append(span)
                        i = span.end
                        continue
                    }
                    i = max(next, i + 1)
                    continue
                }
                i += 1
                while i < n, table[Int(bytes[i])] & PIIByteClass.digit != 0 { i += 1 }
                continue
            }
            if c & (PIIByteClass.lower | PIIByteClass.nonASCII) != 0 {
                // Skip the rest of a word: PII never starts inside one.
                i += 1
                while i < n, table[Int(bytes[i])] & (PIIByteClass.alnum | PIIByteClass.nonASCII) != 0 { i += 1 }
                continue
            }
            i += 1
        }
        while emailIndex < emails.count { spans.append(emails[emailIndex]); emailIndex += 1 }
        return spans
    }

    typealias Span = PIIRedactor.Span

    func overlapsEmail(_ start: Int, _ end: Int, _ emails: [Span], _ index: Int) -> Bool {
        index < emails.count && emails[index].start < end
    }

    // MARK: E-mail

    func findEmails() -> [Span] {
        var result: [Span] = []
        let n = bytes.count
        var lastEnd = 0
        guard let base = bytes.baseAddress, n > 0 else { return [] }
        var i = 0
        while i < n {
            guard let p = memchr(base + i, Int32(UInt8(ascii: "@")), n - i) else { break }
            let at = base.distance(to: p.assumingMemoryBound(to: UInt8.self))
            i = at + 1
            // Local part: back over allowed characters, at most 64.
            var s = at
            while s > lastEnd, at - s < 64, cls(s - 1) & PIIByteClass.emailLocal != 0 { s -= 1 }
            while s < at, bytes[s] == UInt8(ascii: ".") || bytes[s] == UInt8(ascii: "-") || bytes[s] == UInt8(ascii: "+") { s += 1 }
            guard s < at, cls(s - 1) & (PIIByteClass.emailLocal | PIIByteClass.nonASCII) == 0 || s == lastEnd else { continue }
            if bytes[at - 1] == UInt8(ascii: ".") { continue }
            // Domain: labels of alnum/hyphen separated by dots, last label alphabetic ≥ 2.
            var e = at + 1
            var lastDot = -1
            while e < n, cls(e) & PIIByteClass.domain != 0 {
                if bytes[e] == UInt8(ascii: ".") {
                    if bytes[e - 1] == UInt8(ascii: ".") || bytes[e - 1] == UInt8(ascii: "@") { break }
                    lastDot = e
                }
                e += 1
            }
            // Trim trailing dots/hyphens (sentence punctuation).
            while e > at + 1, bytes[e - 1] == UInt8(ascii: ".") || bytes[e - 1] == UInt8(ascii: "-") { e -= 1 }
            if lastDot >= e { lastDot = -1; for k in stride(from: e - 1, to: at, by: -1) where bytes[k] == UInt8(ascii: ".") { lastDot = k; break } }
            guard lastDot > at + 1, e - lastDot - 1 >= 2 else { continue }
            var tldOK = true
            for k in (lastDot + 1)..<e where cls(k) & (PIIByteClass.upper | PIIByteClass.lower) == 0 { tldOK = false; break }
            guard tldOK else { continue }
            result.append(Span(kind: .email, start: s, end: e))
            lastEnd = e
            i = e
        }
        return result
    }

    // MARK: IBAN

    /// Returns whether a valid IBAN starts at `i`, and where it ends; for an IBAN-shaped run with a bad checksum
    /// `valid` is false and `end` is past the run, otherwise `end == i`.
    func matchIBAN(at i: Int) -> (valid: Bool, end: Int) {
        let n = bytes.count
        guard i + 4 < n, cls(i + 1) & PIIByteClass.upper != 0, isDigit(i + 2), isDigit(i + 3) else { return (false, i) }
        guard let length = ibanLengths[UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1])] else { return (false, i) }
        var chars: [UInt8] = []
        chars.reserveCapacity(length)
        var j = i
        while chars.count < length, j < n {
            let b = bytes[j]
            if cls(j) & (PIIByteClass.digit | PIIByteClass.upper) != 0 {
                chars.append(b)
                j += 1
            } else if b == UInt8(ascii: " "), chars.count % 4 == 0, chars.count > 0, cls(j + 1) & (PIIByteClass.digit | PIIByteClass.upper) != 0 {
                j += 1
            } else {
                return (false, i)
            }
        }
        guard chars.count == length, !isWordByte(j) else { return (false, i) }
        if (byte(j) == UInt8(ascii: "-") || byte(j) == UInt8(ascii: ".")) && isAlnum(j + 1) { return (false, i) }
        return (ibanChecksumValid(chars), j)
    }

    // MARK: Numeric tokens (SSN, card, phone)

    /// A numeric candidate may start where the previous byte is not part of a word or of a longer number
    /// (`2024-01-15` never starts a candidate at `01`).
    func isTokenStart(_ i: Int) -> Bool {
        let first = bytes[i]
        if first == UInt8(ascii: "+") || first == UInt8(ascii: "(") {
            let d = first == UInt8(ascii: "+") && byte(i + 1) == UInt8(ascii: "(") ? i + 2 : i + 1
            guard isDigit(d) else { return false }
        }
        if isWordByte(i - 1) { return false }
        let p = byte(i - 1)
        if (p == UInt8(ascii: "-") || p == UInt8(ascii: ".") || p == UInt8(ascii: "/") || p == UInt8(ascii: ":") || p == UInt8(ascii: ",")
            || p == UInt8(ascii: "+") || p == UInt8(ascii: "_") || p == UInt8(ascii: "$") || p == UInt8(ascii: "#")) {
            if p == UInt8(ascii: "#") || p == UInt8(ascii: "_") { return false }
            if isAlnum(i - 2) || p == UInt8(ascii: "+") { return false }
        }
        return true
    }

    /// End of a match at byte `e` is acceptable when the number does not continue (`-5`, `.3`, `:30`, `/24`, letters).
    func isTokenEnd(_ e: Int) -> Bool {
        if isWordByte(e) { return false }
        let b = byte(e)
        if b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "/") || b == UInt8(ascii: ":") || b == UInt8(ascii: ",") || b == UInt8(ascii: "_") {
            if isAlnum(e + 1) { return false }
        }
        return true
    }

    /// Parses digit groups from `i` (which may be `+`/`(`), then tries SSN, card, phone on prefixes of the groups.
    /// Returns the match (if any) and where scanning should resume otherwise (the next group start).
    func matchNumeric(at i: Int) -> (Span?, Int) {
        let n = bytes.count
        var groups: [PIIDigitGroup] = []
        var j = i
        let plus = bytes[j] == UInt8(ascii: "+")
        if plus { j += 1 }
        var sepStart = j
        var totalDigits = 0
        // Parse up to 10 groups / 40 digits; separators: one of " -./" optionally with parentheses.
        while j < n, groups.count < 10, totalDigits <= 40 {
            var k = j
            // optional separator prefix before a group (for the first group only "(" is allowed)
            if groups.isEmpty {
                if byte(k) == UInt8(ascii: "(") { k += 1 }
            }
            guard isDigit(k) else { break }
            var e = k
            while e < n, isDigit(e) { e += 1 }
            groups.append(PIIDigitGroup(start: k, end: e, sepStart: groups.isEmpty ? i : sepStart))
            totalDigits += e - k
            // separator to next group
            sepStart = e
            var s = e
            var sepLen = 0
            if byte(s) == UInt8(ascii: ")") { s += 1; sepLen += 1 }
            if byte(s) == UInt8(ascii: " ") || byte(s) == UInt8(ascii: "-") || byte(s) == UInt8(ascii: ".") || byte(s) == UInt8(ascii: "/") {
                s += 1; sepLen += 1
            }
            if byte(s) == UInt8(ascii: "(") { s += 1; sepLen += 1 }
            guard sepLen > 0, sepLen <= 3, isDigit(s) else { break }
            j = s
        }
        guard !groups.isEmpty else { return (nil, i + 1) }
        let resume = groups.count > 1 ? groups[1].sepStart : groups[0].end
        let firstHasParen = !plus && bytes[i] == UInt8(ascii: "(")

        if !plus && !firstHasParen {
            if wantSSN, let end = matchSSN(groups) { return (Span(kind: .ssn, start: i, end: end), end) }
            if wantCard, let end = matchCard(groups) { return (Span(kind: .card, start: i, end: end), end) }
        }
        if wantPhone, let end = matchPhone(groups, plus: plus, paren: firstHasParen) {
            return (Span(kind: .phone, start: i, end: end), end)
        }
        // Skip the whole first group; a later group may still start a match (`Order 12 4111 1111 …`).
        return (nil, resume)
    }

    func sep(_ groups: [PIIDigitGroup], _ g: Int) -> ArraySlice<UInt8> {
        ArraySlice(UnsafeBufferPointer(rebasing: bytes[groups[g].sepStart..<groups[g].start]))
    }

    func matchSSN(_ groups: [PIIDigitGroup]) -> Int? {
        guard groups.count >= 3, groups[0].length == 3, groups[1].length == 2, groups[2].length == 4 else { return nil }
        guard sep(groups, 1) == [UInt8(ascii: "-")], sep(groups, 2) == [UInt8(ascii: "-")] else { return nil }
        let end = groups[2].end
        guard isTokenEnd(end), !(byte(end) == UInt8(ascii: "-") && isDigit(end + 1)) else { return nil }
        let area = number(groups[0]), group = number(groups[1]), serial = number(groups[2])
        if area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0 { return nil }
        return end
    }

    func number(_ g: PIIDigitGroup) -> Int {
        var v = 0
        for k in g.start..<g.end { v = v * 10 + Int(bytes[k] - 48) }
        return v
    }

    func matchCard(_ groups: [PIIDigitGroup]) -> Int? {
        let first = bytes[groups[0].start]
        guard first >= UInt8(ascii: "2"), first <= UInt8(ascii: "6") else { return nil }
        if groups[0].length >= 13 {
            guard groups[0].length <= 19, isTokenEnd(groups[0].end), luhn([groups[0]]) else { return nil }
            return groups[0].end
        }
        guard groups[0].length == 4 else { return nil }
        let separator = sep(groups, min(1, groups.count - 1))
        guard separator == [UInt8(ascii: " ")] || separator == [UInt8(ascii: "-")] else { return nil }
        var digits = groups[0].length
        var best: Int?
        var g = 1
        while g < groups.count {
            guard sep(groups, g) == separator, groups[g].length >= 1, groups[g].length <= 6 else { break }
            digits += groups[g].length
            if digits > 19 { break }
            if digits >= 13, isTokenEnd(groups[g].end), luhn(Array(groups[0...g])) {
                // A following group joined by the same separator means a longer number: only a space is tolerated.
                best = groups[g].end
            }
            if groups[g].length < 4 { break }
            g += 1
        }
        if let best, let last = groups.lastIndex(where: { $0.end == best }), last + 1 < groups.count,
           separator == [UInt8(ascii: "-")], sep(groups, last + 1) == separator {
            return nil
        }
        return best
    }

    func luhn(_ groups: [PIIDigitGroup]) -> Bool {
        var sum = 0
        var double = false
        for g in groups.reversed() {
            var k = g.end - 1
            while k >= g.start {
                var d = Int(bytes[k] - 48)
                if double { d *= 2; if d > 9 { d -= 9 } }
                sum += d
                double.toggle()
                k -= 1
            }
        }
        return sum % 10 == 0
    }

    func matchPhone(_ groups: [PIIDigitGroup], plus: Bool, paren: Bool) -> Int? {
        if plus {
            // +CC …: 8–15 digits total (E.164), country code 1–3 digits unless written solid.
            var digits = 0
            var best: Int?
            for g in groups.indices {
                if g > 0 {
                    let s = sep(groups, g)
                    guard s.count <= 3, !s.contains(UInt8(ascii: "/")) else { break }
                }
                if g == 0 && groups.count > 1 && groups[0].length > 3 { return nil }
                digits += groups[g].length
                if digits > 15 { break }
                if digits >= 8, isTokenEnd(groups[g].end) { best = groups[g].end }
            }
            return best
        }
        if paren {
            // (555) 123-4567 or (030) 1234567 / (020) 7946 0958
            guard groups.count >= 2, sep(groups, 1).first == UInt8(ascii: ")") else { return nil }
            if groups[0].length == 3, groups.count >= 3, groups[1].length == 3, groups[2].length == 4 {
                let s2 = sep(groups, 2)
                guard s2 == [UInt8(ascii: "-")] || s2 == [UInt8(ascii: ".")] || s2 == [UInt8(ascii: " ")] else { return nil }
                return isTokenEnd(groups[2].end) ? groups[2].end : nil
            }
            if bytes[groups[0].start] == UInt8(ascii: "0"), groups[0].length >= 2, groups[0].length <= 5 {
                return nationalTail(groups, from: 1, digits: groups[0].length)
            }
            return nil
        }
        // Optional leading trunk "1" (1-800-555-1234).
        var g0 = 0
        if groups[0].length == 1, bytes[groups[0].start] == UInt8(ascii: "1"), groups.count >= 4 { g0 = 1 }
        if groups.count >= g0 + 3, groups[g0].length == 3, groups[g0 + 1].length == 3, groups[g0 + 2].length == 4 {
            let s1 = sep(groups, g0 + 1), s2 = sep(groups, g0 + 2)
            let ok = (s1 == s2 && (s1 == [UInt8(ascii: "-")] || s1 == [UInt8(ascii: ".")] || s1 == [UInt8(ascii: " ")]))
                || (s1 == [UInt8(ascii: ")"), UInt8(ascii: " ")] && s2 == [UInt8(ascii: "-")])
            if ok, g0 == 0 || sep(groups, 1) == s1 || sep(groups, 1) == [UInt8(ascii: " ")], isTokenEnd(groups[g0 + 2].end),
               !(bytes[groups[g0].start] == UInt8(ascii: "0")) {
                return groups[g0 + 2].end
            }
        }
        // SSN-shaped numbers (ddd-dd-dddd) that failed SSN validation are not phones either.
        if groups.count >= 3, groups[0].length == 3, groups[1].length == 2, groups[2].length == 4,
           sep(groups, 1) == [UInt8(ascii: "-")], sep(groups, 2) == [UInt8(ascii: "-")] {
            return nil
        }
        // National European formats: leading 0 area code, then groups: 030 123456, 020 7946 0958, 06 12 34 56 78, 030/1234567.
        if bytes[groups[0].start] == UInt8(ascii: "0"), groups[0].length >= 2, groups[0].length <= 5, groups.count >= 2 {
            return nationalTail(groups, from: 1, digits: groups[0].length)
        }
        return nil
    }

    /// Continues a national number after its area code: groups of 2–8 digits joined by one consistent separator
    /// (space or hyphen; a slash only right after the area code), 9–11 digits in total.
    func nationalTail(_ groups: [PIIDigitGroup], from start: Int, digits: Int) -> Int? {
        var digits = digits
        var best: Int?
        var separator: ArraySlice<UInt8>?
        for g in start..<groups.count {
            var s = sep(groups, g)
            if s.first == UInt8(ascii: ")") { s = s.dropFirst() }
            if g == start, s == [UInt8(ascii: "/")] {
                // fine: 030/123456
            } else {
                guard s == [UInt8(ascii: " ")] || s == [UInt8(ascii: "-")] else { break }
                if let separator, separator != s { break }
                separator = s
            }
            guard groups[g].length >= 2, groups[g].length <= 8 else { break }
            digits += groups[g].length
            if digits > 11 { break }
            if digits >= 9, isTokenEnd(groups[g].end) { best = groups[g].end }
        }
        return best
    }
}

/// ISO 13616 / ISO 7064 mod-97-10 check on the compact IBAN characters (uppercase letters and digits).
func ibanChecksumValid(_ chars: [UInt8]) -> Bool {
    guard chars.count >= 5 else { return false }
    var remainder = 0
    for k in 0..<chars.count {
        let c = chars[(k + 4) % chars.count]
        if c >= 48 && c <= 57 {
            remainder = (remainder * 10 + Int(c - 48)) % 97
        } else if c >= 65 && c <= 90 {
            remainder = (remainder * 100 + Int(c - 55)) % 97
        } else {
            return false
        }
    }
    return remainder == 1
}
