import Foundation

/// Markdown: ATX (`# …`) and setext (`===`/`---` underlined) headings outside fenced code become the
/// section tree; YAML front matter is dropped from the text, its `title:` kept. The rest stays verbatim.
enum MarkdownExtractor {
    struct Result {
        var text: String
        var sections: [DocumentSection]
        var title: String?
    }

    static func extract(_ source: String) -> Result {
        var (body, frontTitle) = stripFrontMatter(source)
        if body.hasPrefix("\n") { body = String(body.drop(while: { $0 == "\n" })) }
        let lines = TextLines.split(body)
        var builder = SectionedTextBuilder()
        var fence: (marker: UInt8, length: Int)?
        // Paragraph lines seen since the last blank line / heading, for setext headings.
        var paragraphStart: Int?
        var paragraphLines: [Substring] = []
        for (number, line) in lines.enumerated() {
            let lineOffset = builder.count
            defer {
                builder.append(line)
                if number < lines.count - 1 { builder.append("\n") }
            }
            let (indent, rest) = leadingSpaces(line)
            if let open = fence {
                if indent < 4, let (marker, length) = fenceMarker(rest), marker == open.marker, length >= open.length,
                   rest.utf8.dropFirst(length).allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                    fence = nil
                }
                continue
            }
            if indent < 4, let marker = fenceMarker(rest) {
                fence = marker
                paragraphStart = nil
                paragraphLines = []
                continue
            }
            let blank = rest.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 }
            if blank {
                paragraphStart = nil
                paragraphLines = []
                continue
            }
            if indent < 4, let (level, title) = atxHeading(rest) {
                builder.markHeading(level: level, title: title, at: lineOffset)
                paragraphStart = nil
                paragraphLines = []
                continue
            }
            if indent < 4, let level = setextLevel(rest), let start = paragraphStart {
                builder.markHeading(level: level, title: paragraphLines.joined(separator: " "), at: start)
                paragraphStart = nil
                paragraphLines = []
                continue
            }
            if paragraphStart == nil, indent >= 4 { continue }  // indented code is not a setext title
            if paragraphStart == nil { paragraphStart = lineOffset }
            paragraphLines.append(rest)
        }
        let title = frontTitle ?? builder.firstHeading
        let (text, sections) = builder.finish()
        return Result(text: text, sections: sections, title: title)
    }

    /// Removes a leading `---` … `---`/`...` block; returns the rest and the block's `title:` value.
    static func stripFrontMatter(_ source: String) -> (String, String?) {
        guard source.hasPrefix("---\n") else { return (source, nil) }
        var title: String?
        var consumed = source.utf8.index(source.utf8.startIndex, offsetBy: 4)
        var closed = false
        for line in TextLines.split(String(source[consumed...])) {
            consumed = source.utf8.index(consumed, offsetBy: line.utf8.count)
            if consumed < source.utf8.endIndex { consumed = source.utf8.index(after: consumed) }
            let trimmed = TextLines.trimTrailingBlanks(line)
            if trimmed == "---" || trimmed == "..." {
                closed = true
                break
            }
            if title == nil, line.hasPrefix("title:") {
                var value = line.dropFirst(6).trimmingCharacters(in: .whitespaces)
                if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                    value = String(value.dropFirst().dropLast())
                }
                if !value.isEmpty { title = value }
            }
        }
        guard closed else { return (source, nil) }
        return (String(source[consumed...]), title)
    }

    /// `(level, title)` for `#`…`######` followed by a space or the end of the line.
    static func atxHeading(_ line: Substring) -> (Int, String)? {
        let bytes = line.utf8
        var level = 0
        for byte in bytes {
            guard byte == UInt8(ascii: "#") else { break }
            level += 1
        }
        guard (1...6).contains(level) else { return nil }
        let afterHashes = bytes.index(bytes.startIndex, offsetBy: level)
        if afterHashes != bytes.endIndex, bytes[afterHashes] != 0x20, bytes[afterHashes] != 0x09 { return nil }
        var title = line[afterHashes...].trimmingCharacters(in: .whitespaces)
        // A closing run of #s, preceded by a space, is not part of the title.
        if let lastNonHash = title.lastIndex(where: { $0 != "#" }) {
            if title[lastNonHash] == " " || title[lastNonHash] == "\t", title.index(after: lastNonHash) != title.endIndex {
                title = String(title[...lastNonHash]).trimmingCharacters(in: .whitespaces)
            }
        } else {
            title = ""
        }
        return (level, title)
    }

    /// 1 for a `===` underline, 2 for `---`, else nil.
    static func setextLevel(_ line: Substring) -> Int? {
        let trimmed = TextLines.trimTrailingBlanks(line)
        guard let first = trimmed.utf8.first, first == UInt8(ascii: "=") || first == UInt8(ascii: "-"),
              trimmed.utf8.allSatisfy({ $0 == first }) else { return nil }
        return first == UInt8(ascii: "=") ? 1 : 2
    }

    /// A code fence opener: three or more backticks or tildes.
    static func fenceMarker(_ line: Substring) -> (UInt8, Int)? {
        guard let first = line.utf8.first, first == UInt8(ascii: "`") || first == UInt8(ascii: "~") else { return nil }
        let length = line.utf8.prefix(while: { $0 == first }).count
        return length >= 3 ? (first, length) : nil
    }

    /// Number of leading spaces (a tab counts 4) and the rest of the line.
    static func leadingSpaces(_ line: Substring) -> (Int, Substring) {
        var width = 0
        var index = line.utf8.startIndex
        while index != line.utf8.endIndex {
            let byte = line.utf8[index]
            if byte == 0x20 { width += 1 } else if byte == 0x09 { width += 4 } else { break }
            index = line.utf8.index(after: index)
        }
        return (width, line[index...])
    }
}
