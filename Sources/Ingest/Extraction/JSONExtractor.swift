/// JSON and JSONL → `key.path: value` lines, in document order (arrays as `key[0]`).
///
/// Strings, numbers and booleans are rendered; nulls and empty containers are not. A top-level array of
/// objects, and each JSONL line, is one record: a section whose heading is the record's `title`, `name`,
/// `id` or `_id` string (else `record N`), with paths relative to the record, records separated by a blank line.
enum JSONExtractor {
    struct Failure: Error {
        var offset: Int
        var message: String
    }

    static func extractJSON(_ source: String) throws(Failure) -> (text: String, sections: [DocumentSection], title: String?) {
        let bytes = Array(source.utf8)
        var parser = MiniJSONParser(bytes: bytes)
        let value = try parser.parseDocument()
        var builder = SectionedTextBuilder()
        if case .array(let items) = value, !items.isEmpty, items.allSatisfy({ if case .object = $0 { true } else { false } }) {
            for (index, item) in items.enumerated() {
                appendRecord(item, label: "record \(index + 1)", to: &builder)
            }
        } else {
            var lines: [String] = []
            render(value, path: "", into: &lines)
            builder.append(lines.joined(separator: "\n"))
        }
        let (text, sections) = builder.finish()
        return (text, sections, nil)
    }

    static func extractJSONL(_ source: String) -> (text: String, sections: [DocumentSection], warnings: [ExtractionWarning]) {
        var builder = SectionedTextBuilder()
        var bad = 0
        var firstBad: (line: Int, reason: String)?
        var lineNumber = 0
        TextLines.forEach(of: source) { line in
            lineNumber += 1
            guard line.utf8.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
            var parser = MiniJSONParser(bytes: Array(line.utf8))
            do throws(JSONExtractor.Failure) {
                let value = try parser.parseDocument()
                appendRecord(value, label: "record \(lineNumber)", to: &builder)
            } catch {
                bad += 1
                if firstBad == nil { firstBad = (lineNumber, "\(error.message) at column \(error.offset + 1)") }
            }
        }
        var warnings: [ExtractionWarning] = []
        if let firstBad {
            warnings.append(.skippedRecords(count: bad, firstLine: firstBad.line, reason: firstBad.reason))
        }
        let (text, sections) = builder.finish()
        return (text, sections, warnings)
    }

    private static func appendRecord(_ value: MiniJSONParser.Value, label: String, to builder: inout SectionedTextBuilder) {
        var lines: [String] = []
        render(value, path: "", into: &lines)
        guard !lines.isEmpty else { return }
        if !builder.isEmpty { builder.append("\n\n") }
        builder.markHeading(level: 1, title: recordLabel(value) ?? label)
        builder.append(lines.joined(separator: "\n"))
    }

    private static func recordLabel(_ value: MiniJSONParser.Value) -> String? {
        guard case .object(let members) = value else { return nil }
        for key in ["title", "name", "id", "_id"] {
            for (name, member) in members where name == key {
                if case .string(let text) = member, !TextLines.trimmed(text).isEmpty { return text }
            }
        }
        return nil
    }

    static func render(_ value: MiniJSONParser.Value, path: String, into lines: inout [String]) {
        switch value {
        case .object(let members):
            for (key, member) in members { render(member, path: path.isEmpty ? key : path + "." + key, into: &lines) }
        case .array(let items):
            for (index, item) in items.enumerated() { render(item, path: path + "[\(index)]", into: &lines) }
        case .string(let text), .number(let text):
            lines.append(path.isEmpty ? text : path + ": " + text)
        case .bool(let flag):
            lines.append(path.isEmpty ? String(flag) : path + ": " + String(flag))
        case .null:
            break
        }
    }
}


/// A small strict JSON parser that keeps object members in document order.
struct MiniJSONParser {
    indirect enum Value {
        case object([(String, Value)])
        case array([Value])
        case string(String)
        /// The number as written.
        case number(String)
        case bool(Bool)
        case null
    }

    static let maxDepth = 512
    let bytes: [UInt8]
    var index = 0
    var depth = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    mutating func parseDocument() throws(JSONExtractor.Failure) -> Value {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard index == bytes.count else { throw fail("unexpected data after the JSON value") }
        return value
    }

    private func fail(_ message: String) -> JSONExtractor.Failure {
        JSONExtractor.Failure(offset: index, message: message)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    private mutating func parseValue() throws(JSONExtractor.Failure) -> Value {
        guard index < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw fail("unexpected character")
        }
    }

    private mutating func expectLiteral(_ literal: String) throws(JSONExtractor.Failure) {
        for byte in literal.utf8 {
            guard index < bytes.count, bytes[index] == byte else { throw fail("invalid literal") }
            index += 1
        }
    }

    private mutating func parseNumber() throws(JSONExtractor.Failure) -> Value {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        var digits = 0
        while index < bytes.count, let byte = Optional(bytes[index]),
              (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "+")
                || byte == UInt8(ascii: "-") {
            if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { digits += 1 }
            index += 1
        }
        guard digits > 0 else { throw fail("invalid number") }
        return .number(String(decoding: bytes[start..<index], as: UTF8.self))
    }

    private mutating func parseString() throws(JSONExtractor.Failure) -> String {
        index += 1
        var out: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: out, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                index += 1
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0A)
                case UInt8(ascii: "b"), UInt8(ascii: "f"): out.append(0x20)
                case UInt8(ascii: "u"):
                    var scalarValue = try parseHex4()
                    if (0xD800..<0xDC00).contains(scalarValue), index + 1 < bytes.count,
                       bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                        index += 2
                        let low = try parseHex4()
                        scalarValue = (0xDC00..<0xE000).contains(low)
                            ? 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00) : 0xFFFD
                    }
                    let scalar = Unicode.Scalar(scalarValue).flatMap { $0.value == 0 ? nil : $0 } ?? "\u{FFFD}"
                    out.append(contentsOf: String(scalar).utf8)
                default: out.append(escape)
                }
                continue
            }
            out.append(byte)
            index += 1
        }
        throw fail("unterminated string")
    }

    private mutating func parseHex4() throws(JSONExtractor.Failure) -> UInt32 {
        guard index + 4 <= bytes.count,
              let value = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16)
        else { throw fail("invalid \\u escape") }
        index += 4
        return value
    }

    private mutating func parseArray() throws(JSONExtractor.Failure) -> Value {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw fail("nested deeper than \(Self.maxDepth) levels") }
        index += 1
        var items: [Value] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw fail("unterminated array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            throw fail("expected ',' or ']'")
        }
    }

    private mutating func parseObject() throws(JSONExtractor.Failure) -> Value {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw fail("nested deeper than \(Self.maxDepth) levels") }
        index += 1
        var members: [(String, Value)] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            index += 1
            skipWhitespace()
            members.append((key, try parseValue()))
            skipWhitespace()
            guard index < bytes.count else { throw fail("unterminated object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            throw fail("expected ',' or '}'")
        }
    }
}
