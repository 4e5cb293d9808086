import Foundation

/// BERT WordPiece tokenizer, identical in output to Hugging Face's `BertTokenizerFast` for
/// all-MiniLM-L6-v2 (`do_lower_case = true`, accents stripped, Chinese characters split).
///
/// Pipeline, per the `tokenizers` crate's `BertNormalizer` + `BertPreTokenizer` + `WordPiece`:
/// 1. clean: drop NUL, U+FFFD and control/format/private-use characters (Cc, Cf, Co); whitespace → space;
/// 2. pad CJK ideographs with spaces;
/// 3. strip accents (NFD, drop nonspacing marks), then lowercase;
/// 4. split on whitespace and isolate punctuation (ASCII 33–47, 58–64, 91–96, 123–126 and Unicode P*);
/// 5. greedy longest-match-first WordPiece with `##` continuations; a word longer than 100 characters,
///    or one that cannot be covered by vocabulary pieces, becomes a single `[UNK]`.
///
/// Literal special tokens in the input (`[PAD]`, `[UNK]`, `[CLS]`, `[SEP]`, `[MASK]`) map to their ids,
/// as in Hugging Face, where they are matched in the raw text before normalisation.
/// Verified against `tokenizers` on every Unicode scalar (alone and between letters): the only
/// differences are ~600 scalars assigned or re-categorised after the `tokenizers` crate's Unicode
/// tables (Unicode 14+ additions in rare scripts), where this follows Swift's newer tables.
public struct WordPieceTokenizer: Sendable {
    /// Maximum sequence length including `[CLS]` and `[SEP]` (256 for all-MiniLM-L6-v2).
    public let maxTokens: Int
    /// Number of entries in `vocab.txt`.
    public var vocabularySize: Int { vocabulary.count }
    /// Id of `[CLS]`, prepended to every sequence.
    public let clsID: Int32
    /// Id of `[SEP]`, appended to every sequence.
    public let sepID: Int32
    /// Id of `[UNK]`, used for words that cannot be split into vocabulary pieces.
    public let unkID: Int32

    /// Words with more Unicode scalars than this become `[UNK]` without further splitting.
    static let maxCharactersPerWord = 100

    private let vocabulary: [String]
    /// Literal special tokens matched in raw text, as (UTF-8 bytes, id).
    private let specialTokens: [([UInt8], Int32)]
    private let initialPieces: VocabularyTrie
    private let continuationPieces: VocabularyTrie

    /// Loads a BERT `vocab.txt` (one token a line; the line number is the id).
    ///
    /// - Parameters:
    ///   - vocabURL: path of `vocab.txt`.
    ///   - maxTokens: sequence length limit including `[CLS]`/`[SEP]`; at least 2.
    /// - Throws: `MiniLMError` `.unreadableFile` if the file cannot be read, `.invalidVocabulary`
    ///   if it is empty or lacks `[CLS]`, `[SEP]` or `[UNK]`.
    public init(vocabURL: URL, maxTokens: Int = 256) throws {
        let path = vocabURL.path
        let data: Data
        do {
            data = try Data(contentsOf: vocabURL)
        } catch {
            throw MiniLMError(.unreadableFile, "cannot read vocabulary: \(error.localizedDescription)", path: path)
        }
        var lines = String(decoding: data, as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        if lines.last == "" { lines.removeLast() }
        try self.init(vocabulary: lines, maxTokens: maxTokens, path: path)
    }

    /// Builds a tokenizer from an in-memory vocabulary (index = id); `path` is only used in errors.
    init(vocabulary: [String], maxTokens: Int, path: String) throws {
        guard !vocabulary.isEmpty else {
            throw MiniLMError(.invalidVocabulary, "vocabulary is empty", path: path)
        }
        guard maxTokens >= 2 else {
            throw MiniLMError(.invalidVocabulary, "maxTokens must be at least 2, got \(maxTokens)", path: path)
        }
        var ids: [String: Int32] = [:]
        for (i, token) in vocabulary.enumerated() where ids[token] == nil { ids[token] = Int32(i) }
        func special(_ name: String) throws -> Int32 {
            guard let id = ids[name] else {
                throw MiniLMError(.invalidVocabulary, "vocabulary has no \(name) token", path: path)
            }
            return id
        }
        clsID = try special("[CLS]")
        sepID = try special("[SEP]")
        unkID = try special("[UNK]")
        self.maxTokens = maxTokens
        self.vocabulary = vocabulary
        specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].compactMap { name in
            ids[name].map { (Array(name.utf8), $0) }
        }
        var initial: [([UInt8], Int32)] = []
        var continuation: [([UInt8], Int32)] = []
        initial.reserveCapacity(vocabulary.count)
        for (i, token) in vocabulary.enumerated() {
            let bytes = Array(token.utf8)
            initial.append((bytes, Int32(i)))
            if bytes.count > 2, bytes[0] == UInt8(ascii: "#"), bytes[1] == UInt8(ascii: "#") {
                continuation.append((Array(bytes[2...]), Int32(i)))
            }
        }
        initialPieces = VocabularyTrie(entries: initial)
        continuationPieces = VocabularyTrie(entries: continuation)
    }

    /// Token ids for `text`: `[CLS]`, at most `maxTokens - 2` WordPiece ids, `[SEP]`.
    public func encode(_ text: String) -> [Int32] {
        var ids: [Int32] = [clsID]
        ids.reserveCapacity(min(maxTokens, text.utf8.count / 3 + 8))
        _ = run(text, limit: maxTokens - 2, collect: true, into: &ids)
        ids.append(sepID)
        return ids
    }

    /// Number of WordPiece tokens in `text`, without `[CLS]`/`[SEP]` and without truncation.
    ///
    /// Allocation-light; equal to `encode(text).count - 2` whenever that is below `maxTokens`.
    public func countTokens(_ text: String) -> Int {
        var unused: [Int32] = []
        return run(text, limit: Int.max, collect: false, into: &unused)
    }

    /// The WordPiece strings of `encode(text)` (for debugging and display).
    public func tokens(_ text: String) -> [String] {
        encode(text).map { vocabulary[Int($0)] }
    }

    /// The vocabulary entry for `id`, or nil if out of range.
    public func token(for id: Int32) -> String? {
        id >= 0 && Int(id) < vocabulary.count ? vocabulary[Int(id)] : nil
    }

    // MARK: - Pipeline

    /// ASCII character classes: 0 = drop, 1 = whitespace, 2 = punctuation, otherwise the lowercased byte.
    private static let asciiClass: [UInt8] = (0..<128).map { (c: Int) -> UInt8 in
        switch c {
        case 9, 10, 13, 32: return 1
        case 0..<32, 127: return 0
        case 33...47, 58...64, 91...96, 123...126: return 2
        case 65...90: return UInt8(c + 32)
        default: return UInt8(c)
        }
    }

    /// Tokenises `text`, appending ids to `ids` when `collect`; literal special tokens are split off
    /// first. Stops once `limit` pieces were produced. Returns the number of pieces (at most `limit`).
    private func run(_ text: String, limit: Int, collect: Bool, into ids: inout [Int32]) -> Int {
        guard text.utf8.contains(UInt8(ascii: "[")) else {
            return runSegment(Substring(text), limit: limit, collect: collect, into: &ids)
        }
        let bytes = Array(text.utf8)
        var count = 0
        var segmentStart = 0
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "["),
               let (token, id) = specialTokens.first(where: { bytes[i...].starts(with: $0.0) }) {
                let segment = Substring(decoding: bytes[segmentStart..<i], as: UTF8.self)
                count += runSegment(segment, limit: limit - count, collect: collect, into: &ids)
                guard count < limit else { return count }
                if collect { ids.append(id) }
                count += 1
                guard count < limit else { return count }
                i += token.count
                segmentStart = i
            } else {
                i += 1
            }
        }
        let rest = Substring(decoding: bytes[segmentStart...], as: UTF8.self)
        return count + runSegment(rest, limit: limit - count, collect: collect, into: &ids)
    }

    /// Normalises, pre-tokenises and WordPiece-splits text without special tokens; see `run`.
    private func runSegment(_ text: Substring, limit: Int, collect: Bool, into ids: inout [Int32]) -> Int {
        guard limit > 0 else { return 0 }
        var count = 0
        var word: [UInt8] = []
        word.reserveCapacity(64)
        var wordChars = 0

        // Returns false once the limit is reached.
        func endWord() -> Bool {
            if word.isEmpty { return true }
            count += wordPiece(word, characters: wordChars, collect: collect, into: &ids)
            word.removeAll(keepingCapacity: true)
            wordChars = 0
            if count >= limit {
                if collect && count > limit { ids.removeLast(count - limit) }
                count = limit
                return false
            }
            return true
        }
        func appendScalar(_ s: Unicode.Scalar) -> Bool {
            if Self.isPunctuation(s) {
                guard endWord() else { return false }
                word.append(contentsOf: String(s).utf8)
                wordChars = 1
                return endWord()
            }
            word.append(contentsOf: String(s).utf8)
            wordChars += 1
            return true
        }

        let needsUnicode = text.utf8.contains { $0 >= 0x80 }
        let source = needsUnicode ? Substring(String(text).decomposedStringWithCanonicalMapping) : text
        let table = Self.asciiClass
        for scalar in source.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                let cls = table[Int(v)]
                if cls >= 3 {
                    word.append(cls)
                    wordChars += 1
                } else if cls == 1 {
                    guard endWord() else { return count }
                } else if cls == 2 {
                    guard endWord() else { return count }
                    word.append(UInt8(v))
                    wordChars = 1
                    guard endWord() else { return count }
                }
                continue
            }
            let properties = scalar.properties
            if v == 0xFFFD { continue }
            switch properties.generalCategory {
            case .control, .format, .privateUse: continue  // Cc, Cf, Co (unassigned Cn is kept, as HF does)
            case .nonspacingMark: continue  // accents left by NFD
            default: break
            }
            if properties.isWhitespace {
                guard endWord() else { return count }
                continue
            }
            if Self.isCJK(v) {
                guard endWord() else { return count }
                word.append(contentsOf: String(scalar).utf8)
                wordChars = 1
                guard endWord() else { return count }
                continue
            }
            if properties.changesWhenLowercased {
                for lower in properties.lowercaseMapping.unicodeScalars {
                    guard appendScalar(lower) else { return count }
                }
            } else {
                guard appendScalar(scalar) else { return count }
            }
        }
        _ = endWord()
        return count
    }

    /// Splits one pre-tokenised word into pieces; returns how many ids it produced (1 for `[UNK]`).
    @inline(__always)
    private func wordPiece(_ word: [UInt8], characters: Int, collect: Bool, into ids: inout [Int32]) -> Int {
        if characters > Self.maxCharactersPerWord {
            if collect { ids.append(unkID) }
            return 1
        }
        let mark = ids.count
        var start = 0
        var produced = 0
        while start < word.count {
            let match = start == 0
                ? initialPieces.longestMatch(word, from: 0)
                : continuationPieces.longestMatch(word, from: start)
            guard let match else {
                if collect {
                    ids.removeLast(ids.count - mark)
                    ids.append(unkID)
                }
                return 1
            }
            if collect { ids.append(match.id) }
            produced += 1
            start = match.end
        }
        return produced
    }

    /// BERT punctuation: ASCII 33–47, 58–64, 91–96, 123–126, or any Unicode P* category.
    @inline(__always)
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) {
            return true
        }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// CJK Unified Ideographs blocks that BERT surrounds with spaces. The ranges are those of the
    /// `tokenizers` crate, which (unlike Google's original list) starts the last extension at 0x2B920.
    @inline(__always)
    static func isCJK(_ v: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x20000...0x2A6DF).contains(v)
            || (0x2A700...0x2B73F).contains(v) || (0x2B740...0x2B81F).contains(v)
            || (0x2B920...0x2CEAF).contains(v) || (0xF900...0xFAFF).contains(v)
            || (0x2F800...0x2FA1F).contains(v)
    }
}
