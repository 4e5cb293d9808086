import Foundation

/// Text prepared for the injection rules: lowercased, diacritics folded, zero-width and format characters
/// removed, fullwidth forms and Cyrillic/Greek look-alikes inside Latin words mapped to ASCII, leetspeak
/// digits inside words folded when that yields a rule word (`1gn0re` → `ignore`), letter-spaced words joined (`i g n o r e` → `ignore`).
///
/// Works on UTF-8 bytes: ASCII goes through lookup tables, other scalars through precomputed tables below
/// U+0800 and the Unicode properties above. Tokens are interned as integer IDs of the rule vocabulary
/// (`SafetyWordTable`); a token that is no lexicon word gets -1. Token text is kept in `arena` for the few
/// rules that need it.
struct SafetyNormalizedText: Sendable {
    /// Folded text with punctuation kept and whitespace runs collapsed to one space (newlines kept as `\n`), as UTF-8.
    var bytes: [UInt8]
    /// Word tokens (letters and digits only) as IDs in the word table; -1 for words outside it.
    var ids: [Int32]
    /// Token `k` is `arena[starts[k]..<ends[k]]`.
    var starts: [Int32]
    var ends: [Int32]
    var arena: [UInt8]
    /// Whether any token sits inside a quotation ("…", “…”, «…», '…').
    var anyQuoted: Bool

    var count: Int { ids.count }
    var text: String { String(decoding: bytes, as: UTF8.self) }
    func token(_ k: Int) -> String { String(decoding: arena[Int(starts[k])..<Int(ends[k])], as: UTF8.self) }
    var tokens: [String] { (0..<count).map(token) }

    /// Raw token of pass 2: a byte range of the folded buffer.
    private struct RawToken {
        var start: Int32
        var end: Int32
        /// FNV-1a state over the token's bytes (ASCII tokens).
        var hash: UInt32
        /// Union of `SafetyByteTables.wordClass` bits of the token's bytes.
        var classes: UInt8
        /// The separator before the token is exactly one scalar out of " .-_*|".
        var joinableSeparator: Bool
        var quoted: Bool
        var nonASCII: Bool
    }

    /// Growable byte buffer for the folded text and the extra token texts behind it.
    private struct Buffer {
        var p: UnsafeMutablePointer<UInt8>
        var count = 0
        var capacity: Int
        init(capacity: Int) { self.capacity = capacity; p = .allocate(capacity: capacity) }
        @inline(__always) mutating func reserve(_ extra: Int) {
            if count + extra > capacity {
                let c = max(capacity * 2, count + extra + 64)
                let q = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
                q.update(from: p, count: count)
                p.deallocate()
                p = q
                capacity = c
            }
        }
        @inline(__always) mutating func append(_ b: UInt8) { p[count] = b; count += 1 }
    }

    init(_ raw: String, table: SafetyWordTable) {
        let T = SafetyByteTables.shared
        var raw = raw
        let n = raw.utf8.count
        // Pass 1: scalar-level cleanup into `out` (UTF-8, with 0x1F marking a double space).
        // Invariant: capacity ≥ count + (bytes left) + 16, since ASCII input adds at most one byte per byte.
        var out = Buffer(capacity: n + 64)
        defer { out.p.deallocate() }
        raw.withUTF8 { src in
            var lastWasSpace = true
            var lastWasNewline = false
            var i = 0
            while i < n {
                let b = src[i]
                var kind: UInt8
                if b < 0x80 {
                    kind = T.asciiKind[Int(b)]
                    i += 1
                    if kind == 0 {
                        lastWasSpace = false; lastWasNewline = false
                        out.append(T.asciiLower[Int(b)])
                        continue
                    }
                } else {
                    let (v, len) = SafetyTables.decode(src, i)
                    i += len
                    kind = T.scalarKind(v)
                    if kind == SafetyTables.kindInvisible { continue }
                    if kind == 0 {
                        lastWasSpace = false; lastWasNewline = false
                        T.appendFolded(v) { bytes in
                            out.reserve(bytes.count + (n - i) + 16)
                            for x in bytes { out.append(x) }
                        }
                        continue
                    }
                }
                // Whitespace.
                if kind == SafetyTables.kindNewline {
                    if !lastWasNewline {
                        if lastWasSpace, out.count > 0, out.p[out.count - 1] == 0x20 { out.count -= 1 }
                        out.append(0x0A)
                        lastWasNewline = true
                    }
                    lastWasSpace = true
                } else if !lastWasSpace {
                    out.append(0x20)
                    lastWasSpace = true
                } else if !lastWasNewline, out.count > 0, out.p[out.count - 1] == 0x20 {
                    // Two spaces in a row separate letter-spaced words: keep a marker.
                    out.p[out.count - 1] = 0x1F
                    out.append(0x20)
                }
            }
        }
        let foldedCount = out.count

        // Pass 2: tokenise, remembering the separator before each token and quotation state.
        var rawTokens: [RawToken] = []
        rawTokens.reserveCapacity(foldedCount / 4 + 1)
        var hasMarker = false
        do {
            let f = UnsafeBufferPointer(start: out.p, count: foldedCount)
            let m = foldedCount
            var wordStart = -1
            var wordNonASCII = false
            var hash: UInt32 = 0
            var classes: UInt8 = 0
            var sepCount = 0
            var sepFirst: UInt32 = 0
            var inDouble = false
            var inSingle = false
            var prevIsLetter = false
            var i = 0
            while i < m {
                let b = f[i]
                var v = UInt32(b)
                var len = 1
                let letter: Bool
                var wordChar: Bool
                if b < 0x80 {
                    let c = T.wordClass[Int(b)]
                    letter = c & SafetyByteTables.letter != 0
                    wordChar = c & (SafetyByteTables.letter | SafetyByteTables.digit) != 0
                    if c & SafetyByteTables.atOrDollar != 0, wordStart >= 0, i + 1 < m {
                        // '@' / '$' inside a word, before a letter.
                        wordChar = T.isLetter(at: i + 1, f)
                    }
                    if wordChar {
                        if wordStart < 0 { wordStart = i; wordNonASCII = false; hash = 2_166_136_261; classes = 0 }
                        hash = (hash ^ UInt32(b)) &* 16_777_619
                        classes |= c
                        prevIsLetter = letter
                        i += 1
                        continue
                    }
                } else {
                    (v, len) = SafetyTables.decode(f, i)
                    letter = T.isAlphabetic(v)
                    if letter {
                        if wordStart < 0 { wordStart = i; hash = 2_166_136_261; classes = 0 }
                        wordNonASCII = true
                        classes |= SafetyByteTables.letter
                        prevIsLetter = true
                        i += len
                        continue
                    }
                }
                if wordStart >= 0 {
                    let joinable = sepCount == 1 && (sepFirst == 0x20 || sepFirst == 0x2E || sepFirst == 0x2D || sepFirst == 0x5F || sepFirst == 0x2A || sepFirst == 0x7C)
                    rawTokens.append(RawToken(start: Int32(wordStart), end: Int32(i), hash: hash, classes: classes, joinableSeparator: joinable,
                                              quoted: inDouble || inSingle, nonASCII: wordNonASCII))
                    wordStart = -1
                    sepCount = 0
                }
                sepCount += 1
                if sepCount == 1 { sepFirst = v }
                switch v {
                case 0x22, 0x201C, 0x201D, 0xAB, 0xBB, 0x201E:
                    inDouble.toggle()
                case 0x27, 0x2018, 0x2019, 0x60:
                    let nextWord = i + len < m && T.isLetter(at: i + len, f)
                    if !(prevIsLetter && nextWord) { inSingle.toggle() }
                case 0x0A:
                    inSingle = false
                case 0x1F:
                    hasMarker = true
                default:
                    break
                }
                prevIsLetter = false
                i += len
            }
            if wordStart >= 0 {
                let joinable = sepCount == 1 && (sepFirst == 0x20 || sepFirst == 0x2E || sepFirst == 0x2D || sepFirst == 0x5F || sepFirst == 0x2A || sepFirst == 0x7C)
                rawTokens.append(RawToken(start: Int32(wordStart), end: Int32(m), hash: hash, classes: classes, joinableSeparator: joinable,
                                          quoted: inDouble || inSingle, nonASCII: wordNonASCII))
            }
        }

        // Pass 3: join letter-spaced runs (≥ 3 single letters, one-character separators), fold leetspeak, intern.
        // Tokens that differ from their folded bytes are written behind the folded text.
        let count = rawTokens.count
        var ids = [Int32](repeating: -1, count: count)
        var starts = [Int32](repeating: 0, count: count)
        var ends = [Int32](repeating: 0, count: count)
        var produced = 0
        var anyQuoted = false
        rawTokens.withUnsafeBufferPointer { rt in
            @inline(__always) func isSingle(_ t: RawToken) -> Bool {
                if !t.nonASCII { return t.end - t.start == 1 }
                return String(decoding: UnsafeBufferPointer(start: out.p + Int(t.start), count: Int(t.end - t.start)), as: UTF8.self).count == 1
            }
            var k = 0
            while k < count {
                let tk = rt[k]
                if tk.end - tk.start == 1 || tk.nonASCII, isSingle(tk) {
                    var j = k + 1
                    while j < count, rt[j].joinableSeparator, isSingle(rt[j]) { j += 1 }
                    if j - k >= 3 {
                        var length = 0
                        var ascii = true
                        for r in k..<j { length += Int(rt[r].end - rt[r].start); if rt[r].nonASCII { ascii = false } }
                        out.reserve(length + 16)
                        let from = out.count
                        for r in k..<j { for x in Int(rt[r].start)..<Int(rt[r].end) { out.append(out.p[x]) } }
                        ids[produced] = ascii ? table.id(out.p + from, length) : -1
                        starts[produced] = Int32(from); ends[produced] = Int32(out.count)
                        produced += 1
                        if tk.quoted { anyQuoted = true }
                        k = j
                        continue
                    }
                }
                let len = Int(tk.end - tk.start)
                starts[produced] = tk.start; ends[produced] = tk.end
                if tk.nonASCII {
                    let word = String(decoding: UnsafeBufferPointer(start: out.p + Int(tk.start), count: len), as: UTF8.self)
                    let folded = SafetyNormalizedText.unLeet(word, vocabulary: InjectionLexicon.vocabulary)
                    if folded != word || folded.utf8.count != len {
                        let bytes = Array(folded.utf8)
                        out.reserve(bytes.count + 16)
                        let from = out.count
                        for x in bytes { out.append(x) }
                        starts[produced] = Int32(from); ends[produced] = Int32(out.count)
                        ids[produced] = bytes.allSatisfy { $0 < 0x80 } ? table.id(out.p + from, bytes.count) : -1
                    }
                } else if tk.classes & SafetyByteTables.letter != 0, tk.classes & SafetyByteTables.leet != 0 {
                    // Leetspeak: the word with 1→i, then 1→l, if either is a vocabulary word.
                    out.reserve(len + 16)
                    let from = out.count
                    var found: Int32 = -1
                    for one in [UInt8(ascii: "i"), UInt8(ascii: "l")] where found < 0 {
                        for x in 0..<len {
                            let b = out.p[Int(tk.start) + x]
                            let mapped = T.leet[Int(b)]
                            out.p[from + x] = mapped == 0 ? b : (mapped == 1 ? one : mapped)
                        }
                        let id = table.id(out.p + from, len)
                        if id >= 0, table.flags[Int(id)] & SafetyWordTable.inVocabulary != 0 { found = id }
                    }
                    if found >= 0 {
                        out.count += len
                        starts[produced] = Int32(from); ends[produced] = Int32(out.count)
                        ids[produced] = found
                    } else {
                        ids[produced] = table.id(out.p + Int(tk.start), len)
                    }
                } else {
                    ids[produced] = table.id(fnv: tk.hash, out.p + Int(tk.start), len)
                }
                produced += 1
                if tk.quoted { anyQuoted = true }
                k += 1
            }
        }
        ids.removeLast(count - produced)
        starts.removeLast(count - produced)
        ends.removeLast(count - produced)
        var bytes = [UInt8](UnsafeBufferPointer(start: out.p, count: foldedCount))
        if hasMarker { bytes.removeAll { $0 == 0x1F } }
        self.bytes = bytes
        self.ids = ids
        self.starts = starts
        self.ends = ends
        self.arena = [UInt8](UnsafeBufferPointer(start: out.p, count: out.count))
        self.anyQuoted = anyQuoted
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
    /// (General path, used for tokens with non-ASCII letters; pass 3 of `init` has the byte version.)
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

/// Lookup tables in raw memory, so hot loops index them without lazy-global checks or array retains.
struct SafetyByteTables: @unchecked Sendable {
    static let shared = SafetyByteTables()
    static let letter: UInt8 = 1, digit: UInt8 = 2, atOrDollar: UInt8 = 4, leet: UInt8 = 8

    /// ASCII: 0 = other, `kindSpace`, `kindNewline`.
    let asciiKind: UnsafePointer<UInt8>
    let asciiLower: UnsafePointer<UInt8>
    /// Bits `letter`, `digit`, `atOrDollar`, `leet` per byte (ASCII letters of either case count as letters).
    let wordClass: UnsafePointer<UInt8>
    /// Leetspeak folding: 0 = none, 1 = 'i' or 'l', else the letter.
    let leet: UnsafePointer<UInt8>
    /// U+0000..<U+0800: kind, alphabetic, folded UTF-8 (`foldBytes[foldOffsets[v]..<foldOffsets[v + 1]]`).
    let smallKind: UnsafePointer<UInt8>
    let smallAlpha: UnsafePointer<Bool>
    let foldOffsets: UnsafePointer<Int32>
    let foldBytes: UnsafePointer<UInt8>

    private static func pointer<T>(_ a: [T]) -> UnsafePointer<T> {
        let p = UnsafeMutablePointer<T>.allocate(capacity: max(1, a.count))
        p.initialize(from: a, count: a.count)
        return UnsafePointer(p)
    }

    private init() {
        asciiKind = Self.pointer(SafetyTables.asciiKind)
        asciiLower = Self.pointer(SafetyTables.asciiLower)
        wordClass = Self.pointer((0..<256).map { (b: Int) -> UInt8 in
            var c: UInt8 = 0
            if (b >= 97 && b <= 122) || (b >= 65 && b <= 90) { c |= Self.letter }
            if b >= 48 && b <= 57 { c |= Self.digit }
            if b == 64 || b == 36 { c |= Self.atOrDollar }
            if SafetyTables.leet[b] != 0 { c |= Self.leet }
            return c
        })
        leet = Self.pointer(SafetyTables.leet)
        smallKind = Self.pointer(SafetyTables.smallKind)
        smallAlpha = Self.pointer(SafetyTables.smallAlpha)
        foldOffsets = Self.pointer(SafetyTables.smallFold.offsets)
        foldBytes = Self.pointer(SafetyTables.smallFold.bytes)
    }

    @inline(__always) func scalarKind(_ v: UInt32) -> UInt8 {
        v < SafetyTables.smallLimit ? smallKind[Int(v)] : SafetyTables.computeKind(v)
    }

    @inline(__always) func isAlphabetic(_ v: UInt32) -> Bool {
        if v < SafetyTables.smallLimit { return smallAlpha[Int(v)] }
        return Unicode.Scalar(v)?.properties.isAlphabetic ?? false
    }

    /// Whether the scalar starting at byte `i` of valid UTF-8 is a letter.
    @inline(__always) func isLetter(at i: Int, _ f: UnsafeBufferPointer<UInt8>) -> Bool {
        let b = f[i]
        if b < 0x80 { return wordClass[Int(b)] & Self.letter != 0 }
        return isAlphabetic(SafetyTables.decode(f, i).0)
    }

    /// Calls `body` with the folded UTF-8 of a non-ASCII scalar.
    @inline(__always) func appendFolded(_ v: UInt32, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        if v < SafetyTables.smallLimit {
            let from = Int(foldOffsets[Int(v)])
            body(UnsafeBufferPointer(start: foldBytes + from, count: Int(foldOffsets[Int(v) + 1]) - from))
            return
        }
        var bytes: [UInt8] = []
        for s in SafetyNormalizedText.fold(Unicode.Scalar(v)!) { UTF8.encode(s) { bytes.append($0) } }
        bytes.withUnsafeBufferPointer(body)
    }
}

/// Character tables for the byte-level normaliser.
enum SafetyTables {
    static let kindInvisible: UInt8 = 1
    static let kindSpace: UInt8 = 2
    static let kindNewline: UInt8 = 3

    /// ASCII: 0 = other, 2 = whitespace (space, \t, \v, \f), 3 = newline (\n, \r).
    static let asciiKind: [UInt8] = (0..<128).map { b -> UInt8 in
        if b == 10 || b == 13 { return kindNewline }
        if b == 32 || (b >= 9 && b <= 13) { return kindSpace }
        return 0
    }
    static let asciiLower: [UInt8] = (0..<128).map { (b: Int) -> UInt8 in (b >= 65 && b <= 90) ? UInt8(b + 32) : UInt8(b) }
    /// ASCII in folded text: 1 = letter, 2 = digit, 3 = '@' or '$', 0 = other.
    static let asciiWordClass: [UInt8] = (0..<256).map { b -> UInt8 in
        if (b >= 97 && b <= 122) || (b >= 65 && b <= 90) { return 1 }
        if b >= 48 && b <= 57 { return 2 }
        if b == 64 || b == 36 { return 3 }
        return 0
    }
    /// Leetspeak folding: 0 = none, 1 = 'i' or 'l', else the letter.
    static let leet: [UInt8] = (0..<256).map { b -> UInt8 in
        switch UInt8(b) {
        case UInt8(ascii: "0"): return UInt8(ascii: "o")
        case UInt8(ascii: "1"): return 1
        case UInt8(ascii: "3"): return UInt8(ascii: "e")
        case UInt8(ascii: "4"): return UInt8(ascii: "a")
        case UInt8(ascii: "5"): return UInt8(ascii: "s")
        case UInt8(ascii: "7"): return UInt8(ascii: "t")
        case UInt8(ascii: "@"): return UInt8(ascii: "a")
        case UInt8(ascii: "$"): return UInt8(ascii: "s")
        default: return 0
        }
    }

    /// Precomputed for U+0080..<U+0800: kind, alphabetic flag and folded UTF-8.
    static let smallLimit: UInt32 = 0x800
    static let smallKind: [UInt8] = (0..<Int(smallLimit)).map { v in v < 0x80 ? 0 : computeKind(UInt32(v)) }
    static let smallAlpha: [Bool] = (0..<Int(smallLimit)).map { v in Unicode.Scalar(UInt32(v))?.properties.isAlphabetic ?? false }
    static let smallFold: (offsets: [Int32], bytes: [UInt8]) = {
        var offsets: [Int32] = [0]
        var bytes: [UInt8] = []
        for v in 0..<smallLimit {
            if let s = Unicode.Scalar(v), v >= 0x80 {
                for out in SafetyNormalizedText.fold(s) { bytes.append(contentsOf: Array(String(out).utf8)) }
            }
            offsets.append(Int32(bytes.count))
        }
        return (offsets, bytes)
    }()

    static func computeKind(_ v: UInt32) -> UInt8 {
        if SafetyNormalizedText.isInvisible(v) { return kindInvisible }
        guard let s = Unicode.Scalar(v), s.properties.isWhitespace else { return 0 }
        return (v == 0x2028 || v == 0x2029) ? kindNewline : kindSpace
    }

    /// Decodes the scalar starting at a lead byte of valid UTF-8.
    @inline(__always) static func decode(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> (UInt32, Int) {
        let b0 = UInt32(p[i])
        if b0 < 0x80 { return (b0, 1) }
        if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(p[i + 1] & 0x3F), 2) }
        if b0 < 0xF0 { return ((b0 & 0x0F) << 12 | UInt32(p[i + 1] & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F), 3) }
        return ((b0 & 0x07) << 18 | UInt32(p[i + 1] & 0x3F) << 12 | UInt32(p[i + 2] & 0x3F) << 6 | UInt32(p[i + 3] & 0x3F), 4)
    }
}

/// ASCII words → dense IDs (open addressing on an FNV-1a hash), with flag bits per word.
struct SafetyWordTable: Sendable {
    static let inVocabulary: UInt32 = 1 << 31

    let words: [[UInt8]]
    private let store: [UInt8]
    private let offsets: [Int32]
    private let slots: [Int32]
    private let mask: Int
    let maxLength: Int
    var flags: [UInt32]

    init(_ list: [String]) {
        var unique: [[UInt8]] = []
        var seen = Set<String>()
        for w in list where seen.insert(w).inserted { unique.append(Array(w.utf8)) }
        words = unique
        var store: [UInt8] = [], offsets: [Int32] = [0]
        for w in unique { store.append(contentsOf: w); offsets.append(Int32(store.count)) }
        self.store = store
        self.offsets = offsets
        var size = 64
        while size < unique.count * 4 { size *= 2 }
        mask = size - 1
        var slots = [Int32](repeating: -1, count: size)
        for (k, w) in unique.enumerated() {
            var h = w.withUnsafeBufferPointer { Int(SafetyWordTable.hash($0.baseAddress!, w.count)) } & mask
            while slots[h] >= 0 { h = (h + 1) & mask }
            slots[h] = Int32(k)
        }
        self.slots = slots
        maxLength = unique.map(\.count).max() ?? 0
        flags = [UInt32](repeating: 0, count: unique.count)
    }

    @inline(__always) static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        for i in 0..<n { h = (h ^ UInt32(p[i])) &* 16_777_619 }
        return h ^ (h >> 15)
    }

    /// ID of the word, or -1.
    @inline(__always) func id(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        guard n > 0, n <= maxLength else { return -1 }
        return lookup(Int(SafetyWordTable.hash(p, n)) & mask, p, n)
    }

    @inline(__always) private func lookup(_ start: Int, _ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        var h = start
        return slots.withUnsafeBufferPointer { s in
            store.withUnsafeBufferPointer { st in
                while true {
                    let k = s[h]
                    if k < 0 { return -1 }
                    let from = Int(offsets[Int(k)]), to = Int(offsets[Int(k) + 1])
                    if to - from == n, memcmp(st.baseAddress! + from, p, n) == 0 { return k }
                    h = (h + 1) & mask
                }
            }
        }
    }

    /// ID of the word whose raw FNV-1a state (before the final mix) is `fnv`, or -1.
    @inline(__always) func id(fnv: UInt32, _ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        guard n > 0, n <= maxLength else { return -1 }
        return lookup(Int(fnv ^ (fnv >> 15)) & mask, p, n)
    }

    func id(_ word: String) -> Int32 {
        var w = word
        return w.withUTF8 { $0.isEmpty ? -1 : id($0.baseAddress!, $0.count) }
    }
}
