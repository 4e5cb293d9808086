import Foundation

/// A small TOML reader for the config file: tables, arrays of tables, dotted keys, basic and literal strings,
/// integers, floats, booleans, arrays and inline tables. Returns nested `[String: Any]`.
struct TOMLParser {
    struct ParseError: Error, CustomStringConvertible {
        let line: Int
        let message: String
        var description: String { "line \(line): \(message)" }
    }

    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var line = 1

    static func parse(_ text: String) throws -> [String: Any] {
        var parser = TOMLParser(scalars: Array(text.unicodeScalars))
        return try parser.document()
    }

    private init(scalars: [Unicode.Scalar]) { self.scalars = scalars }

    private var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private mutating func fail(_ message: String) -> ParseError { ParseError(line: line, message: message) }

    private mutating func advance() {
        if current == "\n" { line += 1 }
        position += 1
    }

    private mutating func skipSpaces() {
        while let c = current, c == " " || c == "\t" { advance() }
    }

    private mutating func skipSpacesCommentsNewlines() {
        while let c = current {
            if c == " " || c == "\t" || c == "\n" || c == "\r" { advance() }
            else if c == "#" { while let d = current, d != "\n" { _ = d; advance() } }
            else { break }
        }
    }

    private mutating func endOfLine() throws {
        skipSpaces()
        if current == "#" { while let c = current, c != "\n" { _ = c; advance() } }
        if current == "\r" { advance() }
        guard current == nil || current == "\n" else { throw fail("unexpected text after value") }
    }

    private mutating func document() throws -> [String: Any] {
        var root: [String: Any] = [:]
        var path: [String] = []
        var isArrayTable = false
        while true {
            skipSpacesCommentsNewlines()
            guard let c = current else { break }
            if c == "[" {
                advance()
                isArrayTable = current == "["
                if isArrayTable { advance() }
                skipSpaces()
                path = try keyPath()
                skipSpaces()
                guard current == "]" else { throw fail("expected ] after table name") }
                advance()
                if isArrayTable {
                    guard current == "]" else { throw fail("expected ]] after array table name") }
                    advance()
                    try Self.appendTable(&root, path: path, line: line)
                } else {
                    try Self.ensureTable(&root, path: path, line: line)
                }
                try endOfLine()
                continue
            }
            let key = try keyPath()
            skipSpaces()
            guard current == "=" else { throw fail("expected = after key \(key.joined(separator: "."))") }
            advance()
            skipSpaces()
            let value = try parseValue()
            try endOfLine()
            try Self.set(&root, tablePath: path, key: key, value: value, line: line)
        }
        return root
    }

    private mutating func keyPath() throws -> [String] {
        var parts: [String] = []
        repeat {
            skipSpaces()
            if current == "." { advance(); skipSpaces() }
            if current == "\"" { parts.append(try basicString()) }
            else if current == "'" { parts.append(try literalString()) }
            else {
                var key = ""
                while let c = current, c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "-" {
                    key.unicodeScalars.append(c)
                    advance()
                }
                guard !key.isEmpty else { throw fail("expected a key") }
                parts.append(key)
            }
            skipSpaces()
        } while current == "."
        return parts
    }

    private mutating func parseValue() throws -> Any {
        guard let c = current else { throw fail("expected a value") }
        switch c {
        case "\"": return try basicString()
        case "'": return try literalString()
        case "[":
            advance()
            var items: [Any] = []
            while true {
                skipSpacesCommentsNewlines()
                if current == "]" { advance(); break }
                items.append(try parseValue())
                skipSpacesCommentsNewlines()
                if current == "," { advance(); continue }
                guard current == "]" else { throw fail("expected , or ] in array") }
                advance()
                break
            }
            return items
        case "{":
            advance()
            var table: [String: Any] = [:]
            skipSpaces()
            if current == "}" { advance(); return table }
            while true {
                let key = try keyPath()
                guard current == "=" else { throw fail("expected = in inline table") }
                advance()
                skipSpaces()
                try Self.set(&table, tablePath: [], key: key, value: try parseValue(), line: line)
                skipSpaces()
                if current == "," { advance(); skipSpaces(); continue }
                guard current == "}" else { throw fail("expected , or } in inline table") }
                advance()
                return table
            }
        default:
            var token = ""
            while let d = current, !(d == "," || d == "]" || d == "}" || d == "#" || d == "\n" || d == "\r" || d == " " || d == "\t") {
                token.unicodeScalars.append(d)
                advance()
            }
            if token == "true" { return true }
            if token == "false" { return false }
            let digits = token.replacingOccurrences(of: "_", with: "")
            if let int = Int(digits) { return int }
            if let double = Double(digits), !digits.isEmpty { return double }
            throw fail("cannot read value \"\(token)\" (strings need quotes)")
        }
    }

    private mutating func basicString() throws -> String {
        advance()
        var out = ""
        while let c = current {
            if c == "\"" { advance(); return out }
            if c == "\n" { throw fail("unterminated string") }
            if c == "\\" {
                advance()
                guard let e = current else { break }
                advance()
                switch e {
                case "n": out += "\n"
                case "t": out += "\t"
                case "r": out += "\r"
                case "\\": out += "\\"
                case "\"": out += "\""
                case "u", "U":
                    var hex = ""
                    for _ in 0..<(e == "u" ? 4 : 8) { if let h = current { hex.unicodeScalars.append(h); advance() } }
                    guard let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else { throw fail("bad escape \\\(e)\(hex)") }
                    out.unicodeScalars.append(scalar)
                default: throw fail("unknown escape \\\(e)")
                }
                continue
            }
            out.unicodeScalars.append(c)
            advance()
        }
        throw fail("unterminated string")
    }

    private mutating func literalString() throws -> String {
        advance()
        var out = ""
        while let c = current {
            if c == "'" { advance(); return out }
            if c == "\n" { break }
            out.unicodeScalars.append(c)
            advance()
        }
        throw fail("unterminated string")
    }

    private static func ensureTable(_ root: inout [String: Any], path: [String], line: Int) throws {
        guard let first = path.first else { return }
        var child: [String: Any]
        if let array = root[first] as? [[String: Any]] {
            // [a.b] after [[a]]: refers to the last element.
            var last = array.last ?? [:]
            try ensureTable(&last, path: Array(path.dropFirst()), line: line)
            var copy = array
            copy[copy.count - 1] = last
            root[first] = copy
            return
        }
        if let existing = root[first] {
            guard let table = existing as? [String: Any] else { throw ParseError(line: line, message: "\(first) is not a table") }
            child = table
        } else {
            child = [:]
        }
        try ensureTable(&child, path: Array(path.dropFirst()), line: line)
        root[first] = child
    }

    private static func appendTable(_ root: inout [String: Any], path: [String], line: Int) throws {
        if path.count == 1 {
            var array = (root[path[0]] as? [[String: Any]]) ?? []
            if root[path[0]] != nil, root[path[0]] as? [[String: Any]] == nil {
                throw ParseError(line: line, message: "\(path[0]) is not an array of tables")
            }
            array.append([:])
            root[path[0]] = array
            return
        }
        var child = (root[path[0]] as? [String: Any]) ?? [:]
        try appendTable(&child, path: Array(path.dropFirst()), line: line)
        root[path[0]] = child
    }

    private static func set(_ root: inout [String: Any], tablePath: [String], key: [String], value: Any, line: Int) throws {
        let full = tablePath + key
        try assign(&root, full[...], value: value, line: line)
    }

    private static func assign(_ table: inout [String: Any], _ path: ArraySlice<String>, value: Any, line: Int) throws {
        let first = path.first!
        if path.count == 1 {
            guard table[first] == nil else { throw ParseError(line: line, message: "duplicate key \(first)") }
            table[first] = value
            return
        }
        if var array = table[first] as? [[String: Any]] {
            var last = array.removeLast()
            try assign(&last, path.dropFirst(), value: value, line: line)
            array.append(last)
            table[first] = array
            return
        }
        var child = (table[first] as? [String: Any]) ?? [:]
        try assign(&child, path.dropFirst(), value: value, line: line)
        table[first] = child
    }
}
