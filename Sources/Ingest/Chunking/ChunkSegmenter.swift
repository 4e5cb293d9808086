/// A run of text the packer treats as indivisible, with the strength of the boundary after it.
/// Offsets are indexes into the document's scalar array; `start` and `end` sit on non-whitespace.
struct ChunkPiece {
    var start: Int
    var end: Int
    var tokens: Int
    var breakAfter: ChunkBoundary
}

/// How good a place to cut the boundary after a piece is; higher is better.
enum ChunkBoundary: Int, Comparable {
    case character = 0, word, line, sentence, paragraph, definition

    static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// Splits one section into pieces: paragraphs (blank lines; in code also definition starts) → sentences
/// (prose) or lines (code, tables, records) → lines → words → characters, going finer only where a
/// piece is over `target` tokens or `maxScalars` scalars. Every non-whitespace scalar lands in one piece.
struct ChunkSegmenter {
    let scalars: [Unicode.Scalar]
    let counter: any TokenCounter
    let target: Int
    let maxScalars: Int
    let lineMode: Bool

    func count(_ start: Int, _ end: Int) -> Int {
        counter.countTokens(ChunkSegmenter.string(scalars, start, end))
    }

    @inline(__always) func isSpace(_ i: Int) -> Bool {
        let value = scalars[i].value
        if value < 0x80 { return value == 0x20 || (value >= 0x09 && value <= 0x0D) }
        return scalars[i].properties.isWhitespace
    }

    /// `[start, end)` without surrounding whitespace, or nil when nothing is left.
    func trim(_ start: Int, _ end: Int) -> (Int, Int)? {
        var a = start
        var b = end
        while a < b, isSpace(a) { a += 1 }
        while b > a, isSpace(b - 1) { b -= 1 }
        return a < b ? (a, b) : nil
    }

    func pieces(from start: Int, to end: Int) -> [ChunkPiece] {
        var pieces: [ChunkPiece] = []
        for (paragraphStart, paragraphEnd, boundary) in paragraphs(start, end) {
            let first = pieces.count
            if lineMode {
                for (a, b) in lines(paragraphStart, paragraphEnd) { add(a, b, .line, level: .line, into: &pieces) }
            } else {
                for (a, b) in sentences(paragraphStart, paragraphEnd) { add(a, b, .sentence, level: .sentence, into: &pieces) }
            }
            if pieces.count > first { pieces[pieces.count - 1].breakAfter = boundary }
        }
        return pieces
    }

    /// Appends `[a, b)` as one piece, or splits it one level finer when too big.
    private func add(_ a: Int, _ b: Int, _ after: ChunkBoundary, level: ChunkBoundary, into pieces: inout [ChunkPiece]) {
        let length = b - a
        let tokens = length <= maxScalars || level == .character ? count(a, b) : Int.max
        if tokens <= target && length <= maxScalars || level == .character && length <= 1 {
            pieces.append(ChunkPiece(start: a, end: b, tokens: tokens, breakAfter: after))
            return
        }
        let first = pieces.count
        switch level {
        case .definition, .paragraph, .sentence:
            for (x, y) in lines(a, b) { add(x, y, .line, level: .line, into: &pieces) }
        case .line:
            for (x, y) in words(a, b) { add(x, y, .word, level: .word, into: &pieces) }
        case .word, .character:
            for (x, y) in characterRuns(a, b, tokens: tokens) { add(x, y, .character, level: .character, into: &pieces) }
        }
        if pieces.count > first { pieces[pieces.count - 1].breakAfter = after }
    }

    // MARK: Levels

    /// Paragraph ranges with the boundary after each: blank lines; in line mode, also before a
    /// definition line (and the comments or attributes right above it).
    func paragraphs(_ start: Int, _ end: Int) -> [(Int, Int, ChunkBoundary)] {
        var result: [(Int, Int, ChunkBoundary)] = []
        var paragraphStart: Int?
        var lastContentEnd = start
        var commentBlockStart: Int?
        var lineStart = start
        while lineStart < end {
            var lineEnd = lineStart
            while lineEnd < end, scalars[lineEnd] != "\n" { lineEnd += 1 }
            if let (a, b) = trim(lineStart, lineEnd) {
                if lineMode, let level = definitionLevel(a, b, indent: a - lineStart) {
                    let cut = commentBlockStart ?? lineStart
                    if let open = paragraphStart, open < cut, let (x, y) = trim(open, cut) {
                        result.append((x, y, level))
                        paragraphStart = nil
                    }
                    if paragraphStart == nil { paragraphStart = cut }
                } else if paragraphStart == nil {
                    paragraphStart = lineStart
                }
                if lineMode {
                    commentBlockStart = isCommentOrAttribute(a, b) ? (commentBlockStart ?? lineStart) : nil
                }
                lastContentEnd = b
            } else {
                if let open = paragraphStart, let (x, y) = trim(open, lastContentEnd) { result.append((x, y, .paragraph)) }
                paragraphStart = nil
                commentBlockStart = nil
            }
            lineStart = lineEnd + 1
        }
        if let open = paragraphStart, let (x, y) = trim(open, min(end, max(lastContentEnd, open))) {
            result.append((x, y, .paragraph))
        }
        return result
    }

    func lines(_ start: Int, _ end: Int) -> [(Int, Int)] {
        var result: [(Int, Int)] = []
        var lineStart = start
        while lineStart < end {
            var lineEnd = lineStart
            while lineEnd < end, scalars[lineEnd] != "\n" { lineEnd += 1 }
            if let range = trim(lineStart, lineEnd) { result.append(range) }
            lineStart = lineEnd + 1
        }
        return result
    }

    /// Sentence ranges: after `.`, `!`, `?`, `…` or CJK stops (and closing quotes or brackets) followed by
    /// whitespace and then not a lowercase letter, except after a single-letter initial; also before a
    /// line that starts a list item, table row, quote or heading.
    func sentences(_ start: Int, _ end: Int) -> [(Int, Int)] {
        var result: [(Int, Int)] = []
        var sentenceStart = start
        var i = start
        while i < end {
            let c = scalars[i]
            if c == "\n", i + 1 < end, startsBlockLine(i + 1, end) {
                if let range = trim(sentenceStart, i) { result.append(range) }
                sentenceStart = i + 1
            } else if c.value < 0x80 ? (c == "." || c == "!" || c == "?") : Self.terminators.contains(c) {
                var j = i + 1
                while j < end, Self.closers.contains(scalars[j]) { j += 1 }
                if j == end || (isSpace(j) && !isInitial(i, sentenceStart) && !nextIsLowercase(j, end)) {
                    if let range = trim(sentenceStart, j) { result.append(range) }
                    sentenceStart = j
                    i = j
                    continue
                }
            } else if c.value >= 0x3000, Self.cjkTerminators.contains(c) {
                if let range = trim(sentenceStart, i + 1) { result.append(range) }
                sentenceStart = i + 1
            }
            i += 1
        }
        if let range = trim(sentenceStart, end) { result.append(range) }
        return result
    }

    func words(_ start: Int, _ end: Int) -> [(Int, Int)] {
        var result: [(Int, Int)] = []
        var i = start
        while i < end {
            while i < end, isSpace(i) { i += 1 }
            let wordStart = i
            while i < end, !isSpace(i) { i += 1 }
            if i > wordStart { result.append((wordStart, i)) }
        }
        return result
    }

    /// Cuts a run with no whitespace into windows that fit, never before a combining mark or joiner.
    func characterRuns(_ start: Int, _ end: Int, tokens: Int) -> [(Int, Int)] {
        let length = end - start
        var window = min(maxScalars, max(1, target))
        if tokens != Int.max, tokens > 0 {
            // Scale to the observed density, a little under, then let `add` halve what still does not fit.
            window = min(window, max(1, length * target / tokens * 9 / 10))
        }
        window = max(1, min(window, (length + 1) / 2))
        var result: [(Int, Int)] = []
        var a = start
        while a < end {
            var b = min(end, a + window)
            while b < end, b > a + 1, joinsPrevious(b) { b -= 1 }
            result.append((a, b))
            a = b
        }
        return result
    }

    // MARK: Helpers

    static let terminators: Set<Unicode.Scalar> = [".", "!", "?", "…"]
    static let cjkTerminators: Set<Unicode.Scalar> = ["。", "！", "？"]
    static let closers: Set<Unicode.Scalar> = ["\"", "'", "”", "’", ")", "]", "»"]

    private func joinsPrevious(_ i: Int) -> Bool {
        let properties = scalars[i].properties
        return properties.isGraphemeExtend || scalars[i] == "\u{200D}" || scalars[i - 1] == "\u{200D}"
            || properties.isVariationSelector
    }

    /// "J. Smith": a one-letter word before the period.
    private func isInitial(_ period: Int, _ sentenceStart: Int) -> Bool {
        guard scalars[period] == ".", period - 1 >= sentenceStart, scalars[period - 1].properties.isUppercase else { return false }
        return period - 2 < sentenceStart || !scalars[period - 2].properties.isAlphabetic
    }

    private func nextIsLowercase(_ from: Int, _ end: Int) -> Bool {
        var i = from
        while i < end, isSpace(i) { i += 1 }
        return i < end && scalars[i].properties.isLowercase
    }

    /// A line that starts a list item, table row, block quote or heading.
    private func startsBlockLine(_ i: Int, _ end: Int) -> Bool {
        var j = i
        while j < end, scalars[j] == " " || scalars[j] == "\t" { j += 1 }
        guard j < end else { return false }
        let c = scalars[j]
        if c == "|" || c == ">" || c == "#" { return true }
        if c == "-" || c == "*" || c == "+" || c == "•" { return j + 1 < end && scalars[j + 1] == " " }
        var k = j
        while k < end, scalars[k].properties.numericType != nil, k - j < 4 { k += 1 }
        return k > j && k + 1 < end && (scalars[k] == "." || scalars[k] == ")") && scalars[k + 1] == " "
    }

    static let definitionKeywords: [[Unicode.Scalar]] = [
        "func ", "def ", "async def ", "class ", "fn ", "pub fn ", "pub(crate) fn ", "async fn ", "struct ",
        "pub struct ", "enum ", "pub enum ", "impl ", "impl<", "trait ", "pub trait ", "interface ", "protocol ",
        "extension ", "actor ", "function ", "async function ", "export ", "public ", "private ", "protected ",
        "internal ", "fileprivate ", "open ", "static ", "final ", "abstract ", "type ", "module ", "namespace ",
        "fun ", "object ", "sub ", "CREATE ", "create ", "package ", "mod ", "macro_rules!", "typedef ",
        "template", "@", "#[",
    ].map { Array($0.unicodeScalars) }

    /// `.definition` for a top-level definition line, `.paragraph` for an indented one, nil otherwise.
    private func definitionLevel(_ a: Int, _ b: Int, indent: Int) -> ChunkBoundary? {
        for keyword in Self.definitionKeywords where b - a >= keyword.count {
            var matched = true
            for (k, scalar) in keyword.enumerated() where scalars[a + k] != scalar {
                matched = false
                break
            }
            if matched { return indent == 0 ? .definition : .paragraph }
        }
        return nil
    }

    private func isCommentOrAttribute(_ a: Int, _ b: Int) -> Bool {
        let c = scalars[a]
        let next = a + 1 < b ? scalars[a + 1] : " "
        return (c == "/" && (next == "/" || next == "*")) || (c == "*") || (c == "#" && next != "[" && next != "!")
            || (c == "-" && next == "-") || c == "@" || (c == "\"" && next == "\"")
    }

    /// The string of `scalars[start..<end]`, encoded straight into the string's storage.
    /// (`String.UnicodeScalarView.append(contentsOf:)` takes a slow generic path, several times slower.)
    static func string(_ scalars: [Unicode.Scalar], _ start: Int, _ end: Int) -> String {
        guard end > start else { return "" }
        return String(unsafeUninitializedCapacity: (end - start) * 4) { buffer in
            var n = 0
            for i in start..<end {
                let value = scalars[i].value
                if value < 0x80 {
                    buffer[n] = UInt8(truncatingIfNeeded: value)
                    n += 1
                } else if value < 0x800 {
                    buffer[n] = UInt8(truncatingIfNeeded: 0xC0 | value >> 6)
                    buffer[n + 1] = UInt8(truncatingIfNeeded: 0x80 | value & 0x3F)
                    n += 2
                } else if value < 0x10000 {
                    buffer[n] = UInt8(truncatingIfNeeded: 0xE0 | value >> 12)
                    buffer[n + 1] = UInt8(truncatingIfNeeded: 0x80 | value >> 6 & 0x3F)
                    buffer[n + 2] = UInt8(truncatingIfNeeded: 0x80 | value & 0x3F)
                    n += 3
                } else {
                    buffer[n] = UInt8(truncatingIfNeeded: 0xF0 | value >> 18)
                    buffer[n + 1] = UInt8(truncatingIfNeeded: 0x80 | value >> 12 & 0x3F)
                    buffer[n + 2] = UInt8(truncatingIfNeeded: 0x80 | value >> 6 & 0x3F)
                    buffer[n + 3] = UInt8(truncatingIfNeeded: 0x80 | value & 0x3F)
                    n += 4
                }
            }
            return n
        }
    }
}
