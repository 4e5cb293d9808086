/// Accumulates extracted text while tracking its length in Unicode scalars and where headings start,
/// then turns the headings into the flat section list of ``ExtractedDocument``.
struct SectionedTextBuilder {
    private(set) var text = ""
    /// Length of `text` in Unicode scalars.
    private(set) var count = 0
    private var headings: [(offset: Int, level: Int, title: String)] = []

    /// Headings longer than this many scalars are cut: they are labels, and they are embedded with every chunk.
    static let maxHeadingLength = 200

    var isEmpty: Bool { count == 0 }
    var lastScalar: Unicode.Scalar? { text.unicodeScalars.last }

    mutating func append(_ piece: some StringProtocol) {
        text += piece
        count += Self.scalarCount(piece)
    }

    mutating func append(_ scalar: Unicode.Scalar) {
        text.unicodeScalars.append(scalar)
        count += 1
    }

    /// Marks a heading of `level` (1–6) whose line starts at scalar `offset` (default: the current end).
    mutating func markHeading(level: Int, title: some StringProtocol, at offset: Int? = nil) {
        let cleaned = Self.cleanHeading(title)
        guard !cleaned.isEmpty else { return }
        headings.append((offset ?? count, max(1, min(level, 6)), cleaned))
    }

    var firstHeading: String? { headings.first?.title }

    /// The text and its sections: one section from each heading to the next, with the heading path
    /// made of the nearest enclosing heading of each lower level; text before the first heading gets
    /// an empty path.
    func finish() -> (text: String, sections: [DocumentSection]) {
        var sections: [DocumentSection] = []
        var stack: [(level: Int, title: String)] = []
        var start = 0
        var current: (path: [String], level: Int) = ([], 0)
        for heading in headings where heading.offset >= start {
            if heading.offset > start {
                sections.append(DocumentSection(headingPath: current.path, level: current.level, start: start, end: heading.offset))
            }
            while let last = stack.last, last.level >= heading.level { stack.removeLast() }
            stack.append((heading.level, heading.title))
            current = (stack.map(\.title), heading.level)
            start = heading.offset
        }
        if count > start || sections.isEmpty && count > 0 {
            sections.append(DocumentSection(headingPath: current.path, level: current.level, start: start, end: count))
        }
        return (text, sections)
    }

    /// Whitespace runs become one space, ends trimmed, cut to `maxHeadingLength` scalars.
    static func cleanHeading(_ raw: some StringProtocol) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in raw.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(scalar)
                if out.count >= maxHeadingLength { break }
            }
        }
        return String(out)
    }

    /// Scalars in a string without decoding: count UTF-8 bytes that are not continuation bytes.
    @inline(__always)
    static func scalarCount(_ piece: some StringProtocol) -> Int {
        var n = 0
        for byte in piece.utf8 where byte & 0xC0 != 0x80 { n += 1 }
        return n
    }
}

/// Line and blank helpers shared by the extractors. They work on UTF-8 bytes, not Characters.
enum TextLines {
    /// Calls `body` with each line (without its LF) of `text`, in order.
    static func forEach(of text: String, _ body: (Substring) -> Void) {
        let utf8 = text.utf8
        var lineStart = utf8.startIndex
        var index = lineStart
        while index != utf8.endIndex {
            if utf8[index] == 0x0A {
                body(text[lineStart..<index])
                lineStart = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        if lineStart != utf8.endIndex { body(text[lineStart..<utf8.endIndex]) }
    }

    /// The lines of `text` (without LF).
    static func split(_ text: String) -> [Substring] {
        var lines: [Substring] = []
        forEach(of: text) { lines.append($0) }
        return lines
    }

    /// `line` without trailing spaces and tabs.
    static func trimTrailingBlanks(_ line: Substring) -> Substring {
        var end = line.endIndex
        while end > line.startIndex {
            let before = line.index(before: end)
            guard line[before] == " " || line[before] == "\t" else { break }
            end = before
        }
        return line[line.startIndex..<end]
    }

    /// `text` without leading and trailing whitespace.
    static func trimmed<S: StringProtocol>(_ text: S) -> S.SubSequence {
        var end = text.endIndex
        while end > text.startIndex, text[text.index(before: end)].isWhitespace { end = text.index(before: end) }
        var start = text.startIndex
        while start < end, text[start].isWhitespace { start = text.index(after: start) }
        return text[start..<end]
    }
}
