import Foundation

/// Text prepared for the injection rules: lowercased, diacritics folded, zero-width and format characters
/// removed, fullwidth forms and Cyrillic/Greek look-alikes inside Latin words mapped to ASCII, leetspeak
/// digits inside words folded when that yields a rule word (`1gn0re` → `ignore`), letter-spaced words joined (`i g n o r e` → `ignore`).
struct SafetyNormalizedText: Sendable {
    /// Word tokens (letters and digits only).
    var tokens: [String]
    /// Whether each token sits inside a quotation ("…", “…”, «…», '…').
    var quoted: [Bool]
    /// Folded text with punctuation kept and whitespace runs collapsed to one space (newlines kept as `\n`).
    var text: String

    init(_ raw: String, vocabulary: Set<String>) {
        // Pass 1: scalar-level cleanup into `folded`.
        var folded: [Unicode.Scalar] = []
        folded.reserveCapacity(raw.utf8.count)
        var lastWasSpace = true
        var lastWasNewline = false
        for scalar in raw.unicodeScalars {
            let v = scalar.value
            if v >= 0x80 && SafetyNormalizedText.isInvisible(v) { continue }
            if v == 32 || (v >= 9 && v <= 13) || (v >= 0x80 && scalar.properties.isWhitespace) {
                let newline = v == 0x0A || v == 0x0D || v == 0x2028 || v == 0x2029
                if newline {
                    if !lastWasNewline {
                        if lastWasSpace, let last = folded.last, last == " " { folded.removeLast() }
                        folded.append("\n")
                        lastWasNewline = true
                    }
                    lastWasSpace = true
                } else if !lastWasSpace {
                    folded.append(" ")
                    lastWasSpace = true
                } else if !lastWasNewline, let last = folded.last, last == " " {
                    // Two spaces in a row separate letter-spaced words: keep a marker.
                    folded.removeLast()
                    folded.append("\u{1F}")
                    folded.append(" ")
                }
                continue
            }
            lastWasSpace = false
            lastWasNewline = false
            if v < 0x80 {
                folded.append(v >= 65 && v <= 90 ? Unicode.Scalar(UInt8(v + 32)) : scalar)
            } else {
                for out in SafetyNormalizedText.fold(scalar) { folded.append(out) }
            }
        }

        // Pass 2: tokenise, remembering the separator before each token and quotation state.
        var rawTokens: [(word: String, separator: String, quoted: Bool)] = []
        var word = String.UnicodeScalarView()
        var separator = String.UnicodeScalarView()
        var inDouble = false
        var inSingle = false
        let scalars = folded
        func flush() {
            if !word.isEmpty {
                rawTokens.append((String(word), String(separator), inDouble || inSingle))
                word = String.UnicodeScalarView()
                separator = String.UnicodeScalarView()
            }
        }
        for (k, s) in scalars.enumerated() {
            let isWordChar = SafetyNormalizedText.isLetter(s) || (s.value >= 48 && s.value <= 57)
                || ((s == "@" || s == "$") && k + 1 < scalars.count && SafetyNormalizedText.isLetter(scalars[k + 1]) && !word.isEmpty)
            if isWordChar {
                word.append(s)
                continue
            }
            flush()
            separator.append(s)
            switch s {
            case "\"", "\u{201C}", "\u{201D}", "\u{AB}", "\u{BB}", "\u{201E}":
                inDouble.toggle()
            case "'", "\u{2018}", "\u{2019}", "`":
                let prevWord = k > 0 && SafetyNormalizedText.isLetter(scalars[k - 1])
                let nextWord = k + 1 < scalars.count && SafetyNormalizedText.isLetter(scalars[k + 1])
                if !(prevWord && nextWord) { inSingle.toggle() }
            case "\n":
                inSingle = false
            default:
                break
            }
        }
        flush()

        // Pass 3: join letter-spaced runs (≥ 3 single letters, one-character separators), fold leetspeak.
        var tokens: [String] = []
        var quoted: [Bool] = []
        var k = 0
        while k < rawTokens.count {
            if rawTokens[k].word.count == 1 {
                var j = k + 1
                while j < rawTokens.count, rawTokens[j].word.count == 1, rawTokens[j].separator.unicodeScalars.count == 1,
                      " .-_*|".unicodeScalars.contains(rawTokens[j].separator.unicodeScalars.first!) {
                    j += 1
                }
                if j - k >= 3 {
                    tokens.append(rawTokens[k..<j].map(\.word).joined())
                    quoted.append(rawTokens[k].quoted)
                    k = j
                    continue
                }
            }
            tokens.append(SafetyNormalizedText.unLeet(rawTokens[k].word, vocabulary: vocabulary))
            quoted.append(rawTokens[k].quoted)
            k += 1
        }
        self.tokens = tokens
        self.quoted = quoted
        var utf8: [UInt8] = []
        utf8.reserveCapacity(scalars.count + 16)
        for u in scalars where u != "\u{1F}" {
            if u.value < 0x80 { utf8.append(UInt8(u.value)) } else { UTF8.encode(u) { utf8.append($0) } }
        }
        self.text = String(decoding: utf8, as: UTF8.self)
    }

    @inline(__always) static func isLetter(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return (v >= 97 && v <= 122) || (v >= 65 && v <= 90) }
        return s.properties.isAlphabetic
    }

    static func isInvisible(_ v: UInt32) -> Bool {
        (v >= 0x200B && v <= 0x200F) || (v >= 0x2060 && v <= 0x2064) || v == 0xFEFF || v == 0x00AD || v == 0x180E
            || (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069) || (v >= 0xE0000 && v <= 0xE007F)
    }

    /// Lowercase, strip diacritics, map fullwidth forms and common Cyrillic/Greek homoglyphs to ASCII.
    static func fold(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        let v = scalar.value
        if v < 0x80 {
            if v >= 65 && v <= 90 { return [Unicode.Scalar(v + 32)!] }
            return [scalar]
        }
        if v >= 0xFF01 && v <= 0xFF5E { return fold(Unicode.Scalar(v - 0xFEE0)!) }
        if let mapped = homoglyphs[v] { return [mapped] }
        if v == 0xDF { return ["s", "s"] }
        if v < 0x250, let base = latinBase[v] { return [base] }
        let lower = scalar.properties.lowercaseMapping.unicodeScalars
        return Array(lower)
    }

    static let homoglyphs: [UInt32: Unicode.Scalar] = {
        let pairs: [(UInt32, Character)] = [
            (0x0430, "a"), (0x0435, "e"), (0x043E, "o"), (0x0440, "p"), (0x0441, "c"), (0x0443, "y"), (0x0445, "x"),
            (0x0456, "i"), (0x0458, "j"), (0x0455, "s"), (0x0501, "d"), (0x0261, "g"), (0x04BB, "h"),
            (0x0410, "a"), (0x0412, "b"), (0x0415, "e"), (0x041A, "k"), (0x041C, "m"), (0x041D, "h"), (0x041E, "o"),
            (0x0420, "p"), (0x0421, "c"), (0x0422, "t"), (0x0425, "x"), (0x0406, "i"), (0x0408, "j"), (0x0405, "s"),
            (0x03BF, "o"), (0x03B1, "a"), (0x03B5, "e"), (0x03B9, "i"), (0x03BD, "v"), (0x03C1, "p"), (0x03C4, "t"),
            (0x039F, "o"), (0x0391, "a"), (0x0392, "b"), (0x0395, "e"), (0x0397, "h"), (0x0399, "i"), (0x039A, "k"),
            (0x039C, "m"), (0x039D, "n"), (0x03A1, "p"), (0x03A4, "t"), (0x03A7, "x"), (0x0131, "i"),
        ]
        var map: [UInt32: Unicode.Scalar] = [:]
        for (v, c) in pairs { map[v] = c.unicodeScalars.first! }
        return map
    }()

    /// Latin-1 Supplement and Latin Extended-A/B letters → lowercase ASCII base letter (canonical decomposition).
    static let latinBase: [UInt32: Unicode.Scalar] = {
        var map: [UInt32: Unicode.Scalar] = [:]
        for v in UInt32(0xC0)..<0x250 {
            guard let s = Unicode.Scalar(v), s.properties.isAlphabetic else { continue }
            let decomposed = String(s).decomposedStringWithCanonicalMapping.lowercased().unicodeScalars
            if let first = decomposed.first, first.isASCII, first.properties.isAlphabetic { map[v] = first }
        }
        map[0xF8] = "o"; map[0xD8] = "o"; map[0x142] = "l"; map[0x141] = "l"; map[0xE6] = "a"; map[0xC6] = "a"
        return map
    }()

    /// Folds leetspeak inside words that mix letters and digits: 0→o 1→i/l 3→e 4→a 5→s 7→t @→a $→s.
    static func unLeet(_ word: String, vocabulary: Set<String>) -> String {
        var hasLetter = false, hasLeet = false
        for s in word.unicodeScalars {
            if s.properties.isAlphabetic { hasLetter = true } else if "013457@$".unicodeScalars.contains(s) { hasLeet = true }
        }
        guard hasLetter, hasLeet else { return word }
        func map(_ one: Character) -> String {
            String(word.map { c -> Character in
                switch c {
                case "0": return "o"
                case "1": return one
                case "3": return "e"
                case "4": return "a"
                case "5": return "s"
                case "7": return "t"
                case "@": return "a"
                case "$": return "s"
                default: return c
                }
            })
        }
        let withI = map("i")
        if vocabulary.contains(withI) { return withI }
        let withL = map("l")
        if vocabulary.contains(withL) { return withL }
        return word
    }
}
