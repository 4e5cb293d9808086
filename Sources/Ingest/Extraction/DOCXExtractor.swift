import Foundation

/// DOCX → text: `word/document.xml` from the zip, each `w:p` a paragraph (blank-line separated), runs'
/// `w:t` text joined, `w:tab` a tab, `w:br`/`w:cr` a line break; paragraph styles `Heading1`…`Heading9`
/// (levels above 6 become 6), an outline level, or `Title` make headings. The title comes from
/// `docProps/core.xml` `dc:title`, else the `Title` paragraph, else the first heading.
enum DOCXExtractor {
    static func extract(_ bytes: [UInt8], limit: Int) throws(ZipArchive.Failure) -> (text: String, sections: [DocumentSection], title: String?) {
        let archive = try ZipArchive(bytes)
        guard let entry = archive.entry(named: "word/document.xml") else {
            throw ZipArchive.Failure(unsupported: false, message: "zip archive has no word/document.xml (not a DOCX)")
        }
        let xml = try archive.data(of: entry, limit: limit)
        var coreTitle: String?
        if let core = archive.entry(named: "docProps/core.xml"), let data = try? archive.data(of: core, limit: 1 << 20) {
            coreTitle = elementText(in: data, named: "dc:title")
        }
        var builder = SectionedTextBuilder()
        var styleTitle: String?
        parseParagraphs(xml) { text, style, outlineLevel in
            let trimmed = TextLines.trimmed(text)
            guard !trimmed.isEmpty else { return }
            if !builder.isEmpty { builder.append("\n\n") }
            if let level = headingLevel(style: style, outlineLevel: outlineLevel) {
                if style?.lowercased() == "title", styleTitle == nil { styleTitle = String(trimmed) }
                builder.markHeading(level: level, title: trimmed)
            }
            builder.append(trimmed)
        }
        let title = coreTitle ?? styleTitle ?? builder.firstHeading
        let (text, sections) = builder.finish()
        return (text, sections, title)
    }

    static func headingLevel(style: String?, outlineLevel: Int?) -> Int? {
        if let style {
            let lower = style.lowercased()
            if lower == "title" { return 1 }
            for prefix in ["heading", "berschrift", "titre", "titolo", "kop"] where lower.contains(prefix) {
                if let digit = lower.last?.wholeNumberValue, digit >= 1 { return min(digit, 6) }
            }
        }
        if let outlineLevel, outlineLevel < 9 { return min(outlineLevel + 1, 6) }
        return nil
    }

    /// Walks the XML tags; calls `paragraph(text, styleId, outlineLevel)` at each `</w:p>`.
    static func parseParagraphs(_ xml: [UInt8], _ paragraph: (String, String?, Int?) -> Void) {
        var index = 0
        var text: [UInt8] = []
        var style: String?
        var outline: Int?
        var inText = false
        while index < xml.count {
            let byte = xml[index]
            if byte != UInt8(ascii: "<") {
                let start = index
                while index < xml.count, xml[index] != UInt8(ascii: "<") { index += 1 }
                if inText { text.append(contentsOf: xml[start..<index]) }
                continue
            }
            var end = index + 1
            while end < xml.count, xml[end] != UInt8(ascii: ">") { end += 1 }
            let tag = xml[(index + 1)..<min(end, xml.count)]
            index = end + 1
            let closing = tag.first == UInt8(ascii: "/")
            let nameBytes = (closing ? tag.dropFirst() : tag).prefix { $0 != 0x20 && $0 != UInt8(ascii: "/") && $0 != 0x0A && $0 != 0x09 }
            let name = String(decoding: nameBytes, as: UTF8.self)
            switch (name, closing) {
            case ("w:p", false):
                if tag.last == UInt8(ascii: "/") { continue }
                text = []
                style = nil
                outline = nil
            case ("w:p", true):
                paragraph(HTMLEntities.decode(String(decoding: text, as: UTF8.self)), style, outline)
                text = []
            case ("w:t", false): inText = tag.last != UInt8(ascii: "/")
            case ("w:t", true): inText = false
            case ("w:tab", false): text.append(0x09)
            case ("w:br", false), ("w:cr", false): text.append(0x0A)
            case ("w:pStyle", false): style = attribute("w:val", in: tag)
            case ("w:outlineLvl", false): outline = attribute("w:val", in: tag).flatMap { Int($0) }
            default: break
            }
        }
    }

    static func attribute(_ name: String, in tag: ArraySlice<UInt8>) -> String? {
        let text = String(decoding: tag, as: UTF8.self)
        guard let range = text.range(of: name + "=\"") ?? text.range(of: name + "='") else { return nil }
        let quote = text[text.index(before: range.upperBound)]
        guard let close = text[range.upperBound...].firstIndex(of: quote) else { return nil }
        return String(text[range.upperBound..<close])
    }

    static func elementText(in xml: [UInt8], named name: String) -> String? {
        let text = String(decoding: xml, as: UTF8.self)
        guard let open = text.range(of: "<" + name),
              let openEnd = text[open.upperBound...].firstIndex(of: ">"),
              let close = text.range(of: "</" + name + ">", range: openEnd..<text.endIndex) else { return nil }
        let value = SectionedTextBuilder.cleanHeading(HTMLEntities.decode(text[text.index(after: openEnd)..<close.lowerBound]))
        return value.isEmpty ? nil : value
    }
}
