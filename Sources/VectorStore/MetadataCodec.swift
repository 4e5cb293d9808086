import Foundation

/// Encodes metadata as a compact JSON object for the `metadata` column, and decodes it with a small
/// purpose-built parser: opening a store parses one object per row, and `JSONSerialization` would make a
/// million-row open take tens of seconds.
enum MetadataCodec {
    static func encode(_ metadata: Metadata) -> String {
        var out = "{"
        var first = true
        for key in metadata.keys.sorted() {
            if !first { out += "," }
            first = false
            appendString(key, to: &out)
            out += ":"
            switch metadata[key]! {
            case .string(let value):
                appendString(value, to: &out)
            case .number(let value):
                if value == value.rounded(), abs(value) < 1e15 {
                    out += String(Int64(value))
                } else {
                    out += "\(value)"
                }
            case .bool(let value):
                out += value ? "true" : "false"
            case .strings(let values):
                out += "["
                for (index, value) in values.enumerated() {
                    if index > 0 { out += "," }
                    appendString(value, to: &out)
                }
                out += "]"
            }
        }
        return out + "}"
    }

    static func appendString(_ value: String, to out: inout String) {
        out += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// Decodes what `encode` wrote (and any flat JSON object of strings, numbers, bools, string arrays;
    /// nulls are dropped). Returns nil on malformed input.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> Metadata? {
        var parser = Parser(bytes: bytes.bindMemory(to: UInt8.self))
        return parser.parseObject()
    }

    static func decode(_ text: String) -> Metadata? {
        var copy = text
        return copy.withUTF8 { decode(UnsafeRawBufferPointer($0)) }
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func skipSpace() {
            while index < bytes.count, bytes[index] == 32 || bytes[index] == 10 || bytes[index] == 13 || bytes[index] == 9 {
                index += 1
            }
        }

        mutating func expect(_ byte: UInt8) -> Bool {
            skipSpace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func parseObject() -> Metadata? {
            guard expect(UInt8(ascii: "{")) else { return nil }
            var result = Metadata()
            if expect(UInt8(ascii: "}")) { return result }
            while true {
                skipSpace()
                guard let key = parseString(), expect(UInt8(ascii: ":")) else { return nil }
                skipSpace()
                guard index < bytes.count else { return nil }
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    guard let value = parseString() else { return nil }
                    result[key] = .string(value)
                case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                    if matchLiteral("true") { result[key] = .bool(true) }
                    else if matchLiteral("false") { result[key] = .bool(false) }
                    else if !matchLiteral("null") { return nil }
                case UInt8(ascii: "["):
                    index += 1
                    var values: [String] = []
                    if !expect(UInt8(ascii: "]")) {
                        repeat {
                            skipSpace()
                            guard let value = parseString() else { return nil }
                            values.append(value)
                        } while expect(UInt8(ascii: ","))
                        guard expect(UInt8(ascii: "]")) else { return nil }
                    }
                    result[key] = .strings(values)
                default:
                    guard let number = parseNumber() else { return nil }
                    result[key] = .number(number)
                }
                if expect(UInt8(ascii: ",")) { continue }
                guard expect(UInt8(ascii: "}")) else { return nil }
                return result
            }
        }

        mutating func matchLiteral(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] { return false }
            index += count
            return true
        }

        mutating func parseNumber() -> Double? {
            let start = index
            while index < bytes.count {
                let c = bytes[index]
                guard (c >= 48 && c <= 57) || c == 45 || c == 43 || c == 46 || c == 101 || c == 69 else { break }
                index += 1
            }
            guard index > start else { return nil }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            return Double(text)
        }

        mutating func parseString() -> String? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            index += 1
            let start = index
            // Fast path: no escapes.
            while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
                index += 1
            }
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "\"") {
                let value = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return value
            }
            var scalars = String.UnicodeScalarView()
            var utf8: [UInt8] = Array(bytes[start..<index])
            func flush() {
                if !utf8.isEmpty { scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars); utf8.removeAll() }
            }
            while index < bytes.count {
                let c = bytes[index]
                if c == UInt8(ascii: "\"") {
                    index += 1
                    flush()
                    return String(scalars)
                }
                if c != UInt8(ascii: "\\") {
                    utf8.append(c)
                    index += 1
                    continue
                }
                index += 1
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "n"): utf8.append(10)
                case UInt8(ascii: "t"): utf8.append(9)
                case UInt8(ascii: "r"): utf8.append(13)
                case UInt8(ascii: "b"): utf8.append(8)
                case UInt8(ascii: "f"): utf8.append(12)
                case UInt8(ascii: "/"), UInt8(ascii: "\\"), UInt8(ascii: "\""): utf8.append(escape)
                case UInt8(ascii: "u"):
                    guard var code = hex4() else { return nil }
                    if (0xD800..<0xDC00).contains(code) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else { return nil }
                        index += 2
                        guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    flush()
                    scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                default:
                    return nil
                }
            }
            return nil
        }

        mutating func hex4() -> UInt32? {
            guard index + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[index]
                index += 1
                let digit: UInt8
                switch c {
                case 48...57: digit = c - 48
                case 97...102: digit = c - 87
                case 65...70: digit = c - 55
                default: return nil
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
    }
}
