import Foundation

/// Small-footprint language identification for en, de, fr, es, it, pt, nl.
///
/// Scores each language by function-word hits (a word shared by k languages gives each 1/k) plus
/// distinctive character n-grams (`ß`, `ção`, `ij`, `zione`, `ñ`, …), then answers the best language only when
/// it clearly beats the runner-up. Returns `"und"` for text under `minimumLetters` letters, text with too
/// little evidence, and near ties. Accuracy is good on sentences; a handful of words is often `und`.
public struct LanguageDetector: Sendable {
    public static let supported = ["en", "de", "fr", "es", "it", "pt", "nl"]
    public static let undetermined = "und"

    public let minimumLetters: Int

    public init() {
        self.minimumLetters = 20
    }

    public init(minimumLetters: Int) {
        self.minimumLetters = minimumLetters
    }

    public func detect(_ text: String) -> String {
        guard let scores = rawScores(text) else { return Self.undetermined }
        // Best and runner-up values (a tie for the best fails the margin test below, so tie order is irrelevant).
        var bestIndex = 0
        for k in 1..<scores.count where scores[k] > scores[bestIndex] { bestIndex = k }
        var second = -Double.infinity
        for k in 0..<scores.count where k != bestIndex { second = max(second, scores[k]) }
        let best = scores[bestIndex]
        guard best >= 2.0 else { return Self.undetermined }
        guard best >= second * 1.3, best - second >= 1.0 else { return Self.undetermined }
        return Self.supported[bestIndex]
    }

    /// Per-language evidence, or nil when the text has fewer than `minimumLetters` letters.
    /// Only the first 4,000 scalars are examined.
    public func scores(_ text: String) -> [String: Double]? {
        guard let scores = rawScores(text) else { return nil }
        var out: [String: Double] = [:]
        for (k, lang) in Self.supported.enumerated() { out[lang] = scores[k] }
        return out
    }

    /// Scores in `supported` order. Works on UTF-8: the text is lowercased into `padded` (every non-letter except
    /// the apostrophe as a single space), words are looked up in a byte-keyed stop-word table, and all character
    /// n-grams are counted in one pass (non-overlapping, capped at 4 per n-gram, like `LanguageProfiles.occurrences`).
    func rawScores(_ text: String) -> [Double]? {
        let P = LanguageProfiles.tables
        var text = text
        var padded = [UInt8](repeating: 0, count: 0)
        var letters = 0
        text.withUTF8 { src in
            let n = src.count
            // At most 4,000 scalars (and at most one per byte), each giving at most `maxScalarBytes` bytes, plus padding.
            padded = [UInt8](unsafeUninitializedCapacity: min(n, 4_000) * P.maxScalarBytes + 8) { out, initialized in
                var c = 0
                out[c] = 0x20; c += 1
                var examined = 0
                var i = 0
                while i < n {
                    examined += 1
                    if examined > 4_000 { break }
                    let b = src[i]
                    if b < 0x80 {
                        // Letter → lowercase, apostrophe → itself, anything else → a space unless one precedes (branch-free).
                        i += 1
                        let o = P.asciiOut[Int(b)]
                        out[c] = o
                        c += (o != 0x20 || out[c - 1] != 0x20) ? 1 : 0
                        letters += Int(P.asciiLetter[Int(b)])
                        continue
                    } else {
                        let (v, len) = SafetyTables.decode(src, i)
                        let from = i
                        i += len
                        let kind = P.kind(v)
                        if kind & LanguageTables.alphabetic != 0 {
                            letters += 1
                            if kind & LanguageTables.uppercase != 0 {
                                for s in Unicode.Scalar(v)!.properties.lowercaseMapping.unicodeScalars { UTF8.encode(s) { out[c] = $0; c += 1 } }
                            } else {
                                for k in from..<i { out[c] = src[k]; c += 1 }
                            }
                            continue
                        } else if v == 0x2019 {
                            out[c] = 0x27; c += 1
                            continue
                        } else if v == 0xBF || v == 0xA1 {
                            for k in from..<i { out[c] = src[k]; c += 1 }   // ¿ ¡ are Spanish evidence
                            continue
                        }
                    }
                    if out[c - 1] != 0x20 { out[c] = 0x20; c += 1 }
                }
                if out[c - 1] != 0x20 { out[c] = 0x20; c += 1 }
                initialized = c
            }
        }
        guard letters >= minimumLetters else { return nil }

        var scores = [Double](repeating: 0, count: Self.supported.count)
        padded.withUnsafeBufferPointer { p in
            let n = p.count
            // Words: letters between separators (apostrophes split elisions: l'homme → l, homme).
            var start = -1
            var i = 0
            while i < n {
                let b = p[i]
                let separator = b == 0x20 || b == 0x27 || (b == 0xC2 && (p[i + 1] == 0xBF || p[i + 1] == 0xA1))
                if separator {
                    if start >= 0 {
                        let entry = P.stopWord(p.baseAddress! + start, i - start)
                        if entry.mask != 0 {
                            for l in 0..<scores.count where entry.mask & (1 << l) != 0 { scores[l] += entry.share }
                        }
                        start = -1
                    }
                    i += b == 0xC2 ? 2 : 1
                } else {
                    if start < 0 { start = i }
                    i += 1
                }
            }
            // N-grams: the first two bytes select the (usually one or two) n-grams that can start here.
            var counts = [Int](repeating: 0, count: P.grams.count)
            var next = [Int](repeating: 0, count: P.grams.count)
            let pairGroup = P.pairGroup, groupStart = P.groupStart, groupList = P.groupList, flat = P.gramBytes, offsets = P.gramOffsets
            counts.withUnsafeMutableBufferPointer { counts in
                next.withUnsafeMutableBufferPointer { next in
                    for i in 0..<(n - 1) {
                        let group = Int(pairGroup[Int(p[i]) << 8 | Int(p[i + 1])])
                        if group == 0 { continue }
                        for e in Int(groupStart[group])..<Int(groupStart[group + 1]) {
                            let g = Int(groupList[e])
                            let from = Int(offsets[g]), len = Int(offsets[g + 1]) - from
                            guard i >= next[g], counts[g] < 4, i + len <= n else { continue }
                            var k = 2
                            while k < len, p[i + k] == flat[from + k] { k += 1 }
                            if k == len { counts[g] += 1; next[g] = i + len }
                        }
                    }
                }
            }
            for (l, features) in P.features.enumerated() {
                var s = 0.0
                for (g, weight) in features {
                    let c = counts[g]
                    if c > 0 { s += weight * Double(c) }
                }
                scores[l] += s
            }
        }
        return scores
    }
}

/// Byte-level tables for `LanguageDetector.rawScores`.
struct LanguageTables: @unchecked Sendable {
    static let alphabetic: UInt8 = 1, uppercase: UInt8 = 2

    /// ASCII: lowercase letter, apostrophe, or a space for everything else; and 1 for letters.
    let asciiOut: UnsafePointer<UInt8> = LanguageTables.pointer((0..<128).map { (b: Int) -> UInt8 in
        if (b >= 65 && b <= 90) || (b >= 97 && b <= 122) { return UInt8(b) | 0x20 }
        return b == 39 ? 39 : 0x20
    })
    let asciiLetter: UnsafePointer<UInt8> = LanguageTables.pointer((0..<128).map { (b: Int) -> UInt8 in ((b >= 65 && b <= 90) || (b >= 97 && b <= 122)) ? 1 : 0 })
    /// Alphabetic / uppercase bits for U+0000..<U+0800.
    let smallKind: UnsafePointer<UInt8> = LanguageTables.pointer((0..<0x800).map { (v: Int) -> UInt8 in LanguageTables.computeKind(UInt32(v)) })
    /// Upper bound of `padded` bytes per examined scalar: its lowercase mapping (or itself) plus one space.
    let maxScalarBytes: Int
    /// Stop words: byte-keyed open addressing → language bit mask and share (1 / number of languages).
    private let slots: UnsafePointer<Int32>
    private let wordOffsets: UnsafePointer<Int32>
    private let wordBytes: UnsafePointer<UInt8>
    private let masks: UnsafePointer<UInt8>
    private let shares: UnsafePointer<Double>
    private let slotMask: Int
    /// Distinct n-grams as UTF-8, indexed by first byte, and each language's features as (gram, weight) in list order.
    let grams: [[UInt8]]
    let firstStart: UnsafePointer<Int32>
    let firstList: UnsafePointer<Int32>
    /// All n-grams back to back: gram `g` is `gramBytes[gramOffsets[g]..<gramOffsets[g + 1]]` (every n-gram has ≥ 2 bytes).
    let gramBytes: UnsafePointer<UInt8>
    let gramOffsets: UnsafePointer<Int32>
    /// (first byte << 8 | second byte) → group number (0 = no n-gram starts so); group `k` is
    /// `groupList[groupStart[k]..<groupStart[k + 1]]`.
    let pairGroup: UnsafePointer<UInt8>
    let groupStart: UnsafePointer<Int32>
    let groupList: UnsafePointer<Int32>
    let features: [[(Int, Double)]]

    static func computeKind(_ v: UInt32) -> UInt8 {
        guard let s = Unicode.Scalar(v) else { return 0 }
        return (s.properties.isAlphabetic ? alphabetic : 0) | (s.properties.isUppercase ? uppercase : 0)
    }

    @inline(__always) func kind(_ v: UInt32) -> UInt8 {
        v < 0x800 ? smallKind[Int(v)] : LanguageTables.computeKind(v)
    }

    init() {
        // Unicode lowercase mappings have at most 3 scalars: 12 bytes, plus a separator space.
        maxScalarBytes = 13
        var words: [[UInt8]] = []
        var entries: [(UInt8, Double)] = []
        for (w, langs) in LanguageProfiles.stopWords.sorted(by: { $0.key < $1.key }) {
            var mask: UInt8 = 0
            for l in langs { mask |= 1 << UInt8(LanguageDetector.supported.firstIndex(of: l)!) }
            words.append(Array(w.utf8))
            entries.append((mask, 1.0 / Double(langs.count)))
        }
        var size = 64
        while size < words.count * 4 { size *= 2 }
        slotMask = size - 1
        var slots = [Int32](repeating: -1, count: size)
        for (k, w) in words.enumerated() {
            var h = w.withUnsafeBufferPointer { Int(SafetyWordTable.hash($0.baseAddress!, w.count)) } & slotMask
            while slots[h] >= 0 { h = (h + 1) & slotMask }
            slots[h] = Int32(k)
        }
        self.slots = Self.pointer(slots)
        var wordOffsets: [Int32] = [0]
        for w in words { wordOffsets.append(wordOffsets.last! + Int32(w.count)) }
        self.wordOffsets = Self.pointer(wordOffsets)
        self.wordBytes = Self.pointer(words.flatMap { $0 })
        self.masks = Self.pointer(entries.map(\.0))
        self.shares = Self.pointer(entries.map(\.1))

        var grams: [[UInt8]] = []
        var gramIndex: [String: Int] = [:]
        var features: [[(Int, Double)]] = []
        for lang in LanguageDetector.supported {
            var list: [(Int, Double)] = []
            for (gram, weight) in LanguageProfiles.features[lang]! {
                let g: Int
                if let k = gramIndex[gram] { g = k } else { g = grams.count; gramIndex[gram] = g; grams.append(Array(gram.utf8)) }
                list.append((g, weight))
            }
            features.append(list)
        }
        self.grams = grams
        self.features = features
        var byFirst = [[Int32]](repeating: [], count: 256)
        for (g, gram) in grams.enumerated() { byFirst[Int(gram[0])].append(Int32(g)) }
        var firstStart: [Int32] = [0], firstList: [Int32] = []
        for list in byFirst { firstList += list; firstStart.append(Int32(firstList.count)) }
        self.firstStart = Self.pointer(firstStart)
        self.firstList = Self.pointer(firstList)
        precondition(grams.allSatisfy { $0.count >= 2 })
        var offsets: [Int32] = [0]
        for g in grams { offsets.append(offsets.last! + Int32(g.count)) }
        gramBytes = Self.pointer(grams.flatMap { $0 })
        gramOffsets = Self.pointer(offsets)
        var groups: [Int: [Int32]] = [:]
        for (k, g) in grams.enumerated() { groups[Int(g[0]) << 8 | Int(g[1]), default: []].append(Int32(k)) }
        precondition(groups.count < 255)
        var pairGroup = [UInt8](repeating: 0, count: 65_536)
        var groupStart: [Int32] = [0, 0], groupList: [Int32] = []
        for (pair, members) in groups.sorted(by: { $0.key < $1.key }) {
            pairGroup[pair] = UInt8(groupStart.count - 1)
            groupList += members
            groupStart.append(Int32(groupList.count))
        }
        self.pairGroup = Self.pointer(pairGroup)
        self.groupStart = Self.pointer(groupStart)
        self.groupList = Self.pointer(groupList)
    }

    private static func pointer<T>(_ a: [T]) -> UnsafePointer<T> {
        let p = UnsafeMutablePointer<T>.allocate(capacity: max(1, a.count))
        p.initialize(from: a, count: a.count)
        return UnsafePointer(p)
    }

    @inline(__always) func stopWord(_ p: UnsafePointer<UInt8>, _ n: Int) -> (mask: UInt8, share: Double) {
        var h = Int(SafetyWordTable.hash(p, n)) & slotMask
        while true {
            let k = Int(slots[h])
            if k < 0 { return (0, 0) }
            let from = Int(wordOffsets[k])
            if Int(wordOffsets[k + 1]) - from == n, memcmp(wordBytes + from, p, n) == 0 { return (masks[k], shares[k]) }
            h = (h + 1) & slotMask
        }
    }
}

enum LanguageProfiles {
    static let tables = LanguageTables()

    static let lists: [String: String] = [
        "en": "the and of to in is that it for was on are with as his they be at this have from or by not but what all were we when your can there an which their if do will each about how up out them then she many some so these would has been more its who you he my our than should could into after because does where why i",
        "de": "der die das und ist nicht ein eine zu den dem des mit sich auf für von im auch es an werden aus er hat dass sie nach wird bei einer um noch wie einem über einen so zum war haben nur oder aber vor zur bis mehr durch man sind wir ich wenn kann können sehr schon jetzt heute ob weil diese dieser gibt ihr mein unser wurde sein uns was wo warum",
        "fr": "le la les de des du et est un une en que qui dans pour pas sur au aux avec ce cette il elle ils nous vous je ne se sont par plus mais ou son sa ses leur été être avoir fait comme tout très aussi peut faire où quand cela ça c d l qu n j s votre notre mon",
        "es": "el la los las de del y en que es un una por con para no se su sus al lo como más pero sí ya este esta son está están muy también hay fue ser tiene puede cuando donde porque sobre entre todo nos me mi yo le les qué cómo hasta desde",
        "it": "il lo la i gli le di del della dei delle e è un una uno che in per con non si da dal alla al sono come più ma anche questo questa ha hanno nel nella essere stato molto tutto se quando dove perché sul sulla ci mi ti io noi loro cosa c l",
        "pt": "o a os as de do da dos das e é um uma que em no na nos nas para por com não se seu sua mais mas como foi ser está são muito também ao à pelo pela isso este esta ele ela eles eu você quando onde porque já há tem pode",
        "nl": "de het een en van is dat op te in voor met zijn niet aan er om ook als bij door maar dan naar nog wat uit wordt worden kan hij zij ze we wij ik je jij dit deze die heeft hebben was waren over hoe waar wel geen al zo moet mijn onze omdat",
    ]

    static let stopWords: [String: [String]] = {
        var map: [String: [String]] = [:]
        for lang in LanguageDetector.supported {
            for w in Set(lists[lang]!.split(separator: " ").map(String.init)) { map[w, default: []].append(lang) }
        }
        return map
    }()

    /// Distinctive letter sequences (space = word boundary) and their weight per occurrence (capped at 4).
    static let features: [String: [(String, Double)]] = [
        "en": [("th", 0.15), ("ing ", 0.5), ("ght", 0.5), ("wh", 0.3), ("ly ", 0.3), (" y", -0.1), ("'s ", 0.3), ("tion ", 0.2)],
        "de": [("ß", 1.0), ("ä", 0.6), ("ö", 0.6), ("ü", 0.6), ("sch", 0.4), ("ich", 0.3), ("ung ", 0.6), ("cht", 0.4), ("tz", 0.3), ("ei", 0.15), ("ie", 0.1), ("keit", 0.6), ("heit", 0.6)],
        "fr": [("é", 0.4), ("è", 0.6), ("ê", 0.6), ("ç", 0.4), ("à", 0.3), ("eau", 0.6), ("œ", 1.0), ("qu'", 0.8), (" l'", 0.6), (" d'", 0.6), ("aux ", 0.4), ("ais ", 0.4), ("oi", 0.2), ("ou", 0.15), ("ent ", 0.15), ("ez ", 0.5)],
        "es": [("ñ", 1.0), ("¿", 1.0), ("¡", 1.0), ("ción", 0.6), ("ciones", 0.6), ("ado ", 0.3), ("ía", 0.3), ("os ", 0.2), ("ll", 0.15), ("ú", 0.2), ("ó", 0.2), ("á", 0.2), ("í", 0.2), ("mente ", 0.3)],
        "it": [("zione", 0.7), ("zioni", 0.7), ("gli", 0.6), ("ò", 0.6), ("ù", 0.6), ("ì", 0.6), ("cch", 0.6), ("zz", 0.5), ("tt", 0.15), ("ch", 0.1), ("ia ", 0.1), ("sono ", 0.3), ("mente ", 0.2), ("ggi", 0.5)],
        "pt": [("ã", 1.0), ("õ", 1.0), ("ção", 0.8), ("ções", 0.8), ("lh", 0.5), ("nh", 0.5), ("ê", 0.2), ("ô", 0.4), ("ú", 0.1), ("mente ", 0.2), ("em ", 0.2)],
        "nl": [("ij", 0.6), ("oe", 0.3), ("aa", 0.4), ("ee", 0.25), ("uu", 0.5), ("oo", 0.25), ("lijk", 0.8), ("sch", 0.2), ("cht", 0.2), ("en ", 0.1)],
    ]

    static let compiledFeatures: [(String, [([Unicode.Scalar], Double)])] = features.map { lang, grams in
        (lang, grams.map { (Array($0.0.unicodeScalars), $0.1) })
    }

    /// Occurrences of `gram` in `text`, capped at 4.
    static func occurrences(of gram: [Unicode.Scalar], in text: [Unicode.Scalar]) -> Int {
        guard let first = gram.first, gram.count <= text.count else { return 0 }
        var count = 0
        var i = 0
        let last = text.count - gram.count
        while i <= last {
            if text[i] == first {
                var k = 1
                while k < gram.count, text[i + k] == gram[k] { k += 1 }
                if k == gram.count {
                    count += 1
                    if count >= 4 { return count }
                    i += gram.count
                    continue
                }
            }
            i += 1
        }
        return count
    }
}
