/// HTML → text with a small tolerant tag scanner (no DOM, no dependency).
///
/// Drops `script`, `style`, `nav`, `header`, `footer`, `noscript`, `svg`, `template` (and a few
/// form/embedding elements) with their content; keeps `<title>` as the title and `h1`–`h6` as headings;
/// block elements become paragraph breaks, `br` and rows line breaks, `li` a `- ` line; whitespace
/// collapses except inside `pre`; entities are decoded. Unclosed or stray tags are tolerated.
struct HTMLExtractor {
    static let skipped: Set<String> = [
        "nav", "header", "footer", "noscript", "svg", "template", "select", "iframe", "object", "canvas",
        "math", "datalist",
    ]
    /// Elements whose content is raw text up to the matching end tag.
    static let rawText: Set<String> = ["script", "style", "title", "textarea", "xmp"]
    static let blocks: Set<String> = [
        "p", "div", "section", "article", "main", "aside", "blockquote", "pre", "ul", "ol", "dl", "dt", "dd",
        "table", "thead", "tbody", "tfoot", "caption", "hr", "figure", "figcaption", "form", "fieldset",
        "address", "details", "summary", "body", "html", "center", "legend", "menu", "h1", "h2", "h3", "h4",
        "h5", "h6",
    ]

    private let bytes: [UInt8]
    private var position = 0
    private var builder = SectionedTextBuilder()
    private var title: String?
    private var skipDepth = 0
    private var preDepth = 0
    /// Line breaks owed before the next text: 1 = new line, 2 = blank line.
    private var pendingBreak = 0
    private var pendingSpace = false
    private var trailingNewlines = 0
    private var cellInRow = false
    private var heading: (level: Int, text: String, offset: Int?)?

    static func extract(_ html: String) -> (text: String, sections: [DocumentSection], title: String?) {
        var scanner = HTMLExtractor(bytes: Array(html.utf8))
        scanner.run()
        let titleText = scanner.title.map { SectionedTextBuilder.cleanHeading($0) }.flatMap { $0.isEmpty ? nil : $0 }
        let resolvedTitle = titleText ?? scanner.builder.firstHeading
        let (text, sections) = scanner.builder.finish()
        return (text, sections, resolvedTitle)
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func run() {
        while position < bytes.count {
            if bytes[position] == UInt8(ascii: "<") {
                scanMarkup()
            } else {
                let start = position
                while position < bytes.count, bytes[position] != UInt8(ascii: "<") { position += 1 }
                if skipDepth == 0 { emitText(bytes[start..<position]) }
            }
        }
        finishHeading()
    }

    // MARK: Tags

    private mutating func scanMarkup() {
        let next = position + 1 < bytes.count ? bytes[position + 1] : 0
        if next == UInt8(ascii: "!") {
            if hasPrefix("<!--", at: position) {
                position = find("-->", from: position + 4).map { $0 + 3 } ?? bytes.count
            } else if hasPrefix("<![CDATA[", at: position) {
                let end = find("]]>", from: position + 9) ?? bytes.count
                if skipDepth == 0 { emitText(bytes[(position + 9)..<end], decode: false) }
                position = min(end + 3, bytes.count)
            } else {
                skipPastTagEnd()
            }
        } else if next == UInt8(ascii: "?") {
            skipPastTagEnd()
        } else if next == UInt8(ascii: "/") {
            position += 2
            let name = readName()
            skipPastTagEnd()
            if !name.isEmpty { endTag(name) }
        } else if isASCIILetter(next) {
            position += 1
            let name = readName()
            let selfClosing = skipPastTagEnd()
            startTag(name, selfClosing: selfClosing)
        } else {
            // A lone "<" is text.
            if skipDepth == 0 { emitText(bytes[position..<(position + 1)], decode: false) }
            position += 1
        }
    }

    private mutating func startTag(_ name: String, selfClosing: Bool) {
        if Self.rawText.contains(name) {
            let contentStart = position
            let end = findEndTag(name, from: position)
            if name == "title", title == nil, skipDepth == 0 {
                title = HTMLEntities.decode(String(decoding: bytes[contentStart..<end], as: UTF8.self))
            } else if name == "textarea" || name == "xmp", skipDepth == 0 {
                emitText(bytes[contentStart..<end])
            }
            position = end
            if position < bytes.count {
                position += 2
                _ = readName()
                skipPastTagEnd()
            }
            return
        }
        if Self.skipped.contains(name) {
            if !selfClosing { skipDepth += 1 }
            return
        }
        guard skipDepth == 0 else { return }
        switch name {
        case "br": lineBreak(1)
        case "li":
            lineBreak(1)
            emitRaw("- ")
        case "tr":
            lineBreak(1)
            cellInRow = false
        case "td", "th":
            if cellInRow { emitRaw(" | ") }
            cellInRow = true
        case "h1", "h2", "h3", "h4", "h5", "h6":
            lineBreak(2)
            finishHeading()
            heading = (Int(String(name.last!))!, "", nil)
        case "pre":
            lineBreak(2)
            if !selfClosing {
                preDepth += 1
                // A newline right after <pre> is not content.
                if position < bytes.count, bytes[position] == 0x0A { position += 1 }
            }
        case "img":
            break
        default:
            if Self.blocks.contains(name) {
                finishHeading()  // a block inside a heading means the heading was left open
                lineBreak(2)
            }
        }
    }

    private mutating func endTag(_ name: String) {
        if Self.skipped.contains(name) {
            skipDepth = max(0, skipDepth - 1)
            return
        }
        guard skipDepth == 0 else { return }
        switch name {
        case "h1", "h2", "h3", "h4", "h5", "h6":
            finishHeading()
            lineBreak(2)
        case "pre":
            preDepth = max(0, preDepth - 1)
            lineBreak(2)
        case "tr", "li", "dt", "dd":
            lineBreak(1)
        case "table":
            cellInRow = false
            lineBreak(2)
        default:
            if Self.blocks.contains(name) { lineBreak(2) }
        }
    }

    private mutating func finishHeading() {
        guard let current = heading else { return }
        heading = nil
        if let offset = current.offset { builder.markHeading(level: current.level, title: current.text, at: offset) }
    }

    // MARK: Text

    private mutating func lineBreak(_ count: Int) {
        pendingBreak = max(pendingBreak, count)
        pendingSpace = false
    }

    private mutating func emitText(_ raw: ArraySlice<UInt8>, decode: Bool = true) {
        var text = String(decoding: raw, as: UTF8.self)
        if decode { text = HTMLEntities.decode(text) }
        if preDepth > 0 {
            for scalar in text.unicodeScalars { emitScalar(scalar) }
            return
        }
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = true
            } else {
                emitScalar(scalar)
            }
        }
    }

    private mutating func emitRaw(_ text: String) {
        for scalar in text.unicodeScalars { emitScalar(scalar) }
    }

    private mutating func emitScalar(_ scalar: Unicode.Scalar) {
        if !builder.isEmpty {
            if pendingBreak > 0 {
                while trailingNewlines < pendingBreak {
                    builder.append("\n")
                    trailingNewlines += 1
                }
                pendingSpace = false
            } else if pendingSpace, trailingNewlines == 0 {
                builder.append(" ")
                if heading != nil, heading!.offset != nil { heading!.text.append(" ") }
            }
        }
        pendingBreak = 0
        pendingSpace = false
        if heading != nil {
            if heading!.offset == nil { heading!.offset = builder.count }
            heading!.text.unicodeScalars.append(scalar)
        }
        builder.append(scalar)
        trailingNewlines = scalar == "\n" ? trailingNewlines + 1 : 0
    }

    // MARK: Scanning helpers

    private func isASCIILetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }

    /// Reads a lowercased tag name at `position`.
    private mutating func readName() -> String {
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            guard isASCIILetter(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ":") else { break }
            position += 1
        }
        return String(decoding: bytes[start..<position], as: UTF8.self).lowercased()
    }

    /// Moves past the next `>` outside quoted attribute values; returns whether the tag ended with `/>`.
    @discardableResult
    private mutating func skipPastTagEnd() -> Bool {
        var quote: UInt8 = 0
        var previous: UInt8 = 0
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if quote != 0 {
                if byte == quote { quote = 0 }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                return previous == UInt8(ascii: "/")
            }
            previous = byte
        }
        return false
    }

    private func hasPrefix(_ literal: String, at index: Int) -> Bool {
        let pattern = Array(literal.utf8)
        guard index + pattern.count <= bytes.count else { return false }
        for k in 0..<pattern.count where bytes[index + k] | (pattern[k] >= 0x41 ? 0x20 : 0) != pattern[k] | (pattern[k] >= 0x41 ? 0x20 : 0) {
            return false
        }
        return true
    }

    private func find(_ literal: String, from start: Int) -> Int? {
        let pattern = Array(literal.utf8)
        var index = start
        while index + pattern.count <= bytes.count {
            if bytes[index] == pattern[0], hasPrefix(literal, at: index) { return index }
            index += 1
        }
        return nil
    }

    /// Index of `</name` (case-insensitive) at or after `start`, or the end of the input.
    private func findEndTag(_ name: String, from start: Int) -> Int {
        var index = start
        while let found = find("</", from: index) {
            if hasPrefix("</" + name, at: found) {
                let after = found + 2 + name.utf8.count
                if after >= bytes.count || !isASCIILetter(bytes[after]) { return found }
            }
            index = found + 2
        }
        return bytes.count
    }
}
