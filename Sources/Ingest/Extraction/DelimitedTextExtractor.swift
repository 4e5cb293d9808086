/// CSV/TSV → one `column: value; column2: value` line per row, named by the header row.
///
/// Parsing follows RFC 4180 (quoted fields, `""` escapes, line breaks inside quotes), tolerantly: a quote
/// inside an unquoted field is literal, text after a closing quote is kept, and an unterminated quote
/// runs to the end with a warning. Empty values are left out; extra cells are named `column N`.
enum DelimitedTextExtractor {
    static func extract(_ source: String, delimiter: Unicode.Scalar) -> (text: String, warnings: [ExtractionWarning]) {
        var (records, warnings) = parse(source, delimiter: delimiter)
        guard !records.isEmpty else { return ("", warnings) }
        let header = records.removeFirst().enumerated().map { index, name in
            let trimmed = TextLines.trimmed(name)
            return trimmed.isEmpty ? "column \(index + 1)" : String(trimmed)
        }
        var lines: [String] = []
        lines.reserveCapacity(records.count)
        for record in records {
            var parts: [String] = []
            for (index, value) in record.enumerated() {
                let trimmed = TextLines.trimmed(value)
                guard !trimmed.isEmpty else { continue }
                let name = index < header.count ? header[index] : "column \(index + 1)"
                parts.append(name + ": " + trimmed)
            }
            if !parts.isEmpty { lines.append(parts.joined(separator: "; ")) }
        }
        return (lines.joined(separator: "\n"), warnings)
    }

    /// Records of fields. Input has LF line ends already.
    static func parse(_ source: String, delimiter: Unicode.Scalar) -> ([[String]], [ExtractionWarning]) {
        var records: [[String]] = []
        var warnings: [ExtractionWarning] = []
        var record: [String] = []
        var field = String.UnicodeScalarView()
        var inQuotes = false
        var fieldStarted = false
        var line = 1
        var quoteLine = 1
        var scalars = source.unicodeScalars.makeIterator()
        var lookahead: Unicode.Scalar?

        func endField() {
            record.append(String(field))
            field = String.UnicodeScalarView()
            fieldStarted = false
        }
        func endRecord() {
            endField()
            if !(record.count == 1 && record[0].isEmpty) { records.append(record) }
            record = []
        }

        while let scalar = lookahead ?? scalars.next() {
            lookahead = nil
            if inQuotes {
                if scalar == "\"" {
                    let next = scalars.next()
                    if next == "\"" {
                        field.append("\"")
                    } else {
                        inQuotes = false
                        lookahead = next
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where !fieldStarted:
                inQuotes = true
                fieldStarted = true
                quoteLine = line
            case delimiter:
                endField()
            case "\n":
                line += 1
                endRecord()
            default:
                fieldStarted = true
                field.append(scalar)
            }
        }
        if inQuotes { warnings.append(.unterminatedQuote(line: quoteLine)) }
        if fieldStarted || !record.isEmpty || !field.isEmpty { endRecord() }
        return (records, warnings)
    }
}
