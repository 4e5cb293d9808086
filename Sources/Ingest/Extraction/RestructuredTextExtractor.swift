/// reStructuredText: a title line underlined (and optionally overlined) with a repeated punctuation
/// character is a heading; levels follow the order in which adornment styles first appear, as in docutils.
enum RestructuredTextExtractor {
    static let adornmentCharacters = Set("=-~^\"'`#*+:._<>!$%&,/;?@\\|".utf8)

    static func extract(_ source: String) -> (text: String, sections: [DocumentSection], title: String?) {
        let lines = TextLines.split(source)
        var offsets: [Int] = []
        offsets.reserveCapacity(lines.count)
        var builder = SectionedTextBuilder()
        for (number, line) in lines.enumerated() {
            offsets.append(builder.count)
            builder.append(line)
            if number < lines.count - 1 { builder.append("\n") }
        }
        var styles: [String] = []
        var index = 0
        while index + 1 < lines.count {
            let line = lines[index]
            guard let under = adornment(lines[index + 1]), adornment(line) == nil,
                  let first = line.utf8.first, first != 0x20, first != 0x09 else {
                index += 1
                continue
            }
            let titleText = TextLines.trimTrailingBlanks(line)
            let titleLength = SectionedTextBuilder.scalarCount(titleText)
            guard under.length >= min(titleLength, 3) else {
                index += 1
                continue
            }
            var start = offsets[index]
            var style = String(UnicodeScalar(under.character))
            if index > 0, let over = adornment(lines[index - 1]), over.character == under.character {
                start = offsets[index - 1]
                style += "/over"
            }
            if !styles.contains(style) { styles.append(style) }
            builder.markHeading(level: styles.firstIndex(of: style)! + 1, title: titleText, at: start)
            index += 2
        }
        let title = builder.firstHeading
        let (text, sections) = builder.finish()
        return (text, sections, title)
    }

    /// A line made of one repeated adornment character (at least 2), with optional trailing spaces.
    static func adornment(_ line: Substring) -> (character: UInt8, length: Int)? {
        let trimmed = TextLines.trimTrailingBlanks(line)
        guard let first = trimmed.utf8.first, adornmentCharacters.contains(first), trimmed.utf8.count >= 2,
              trimmed.utf8.allSatisfy({ $0 == first }) else { return nil }
        return (first, trimmed.utf8.count)
    }
}
