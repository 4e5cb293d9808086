import Foundation
import Testing
@testable import MiniLM

@Suite struct WordPieceTokenizerTests {
    private var tokenizer: WordPieceTokenizer {
        get throws { try MiniLMFixtures.model.get().tokenizer }
    }

    @Test func emptyTextIsClsSep() throws {
        let t = try tokenizer
        #expect(t.encode("") == [101, 102])
        #expect(t.encode(" \t\n ") == [101, 102])
        #expect(t.countTokens("") == 0)
    }

    @Test func lowercasesAndStripsAccents() throws {
        let t = try tokenizer
        #expect(t.tokens("Héllo WORLD naïve Café") == ["[CLS]", "hello", "world", "naive", "cafe", "[SEP]"])
        // Decomposed input (e + combining acute) gives the same ids as precomposed.
        #expect(t.encode("Cafe\u{301}") == t.encode("Caf\u{E9}"))
    }

    @Test func splitsPunctuation() throws {
        let t = try tokenizer
        #expect(t.tokens("don't stop—now!") == ["[CLS]", "don", "'", "t", "stop", "—", "now", "!", "[SEP]"])
        #expect(t.tokens("a$b") == ["[CLS]", "a", "$", "b", "[SEP]"])
    }

    @Test func padsCJKIdeographs() throws {
        let t = try tokenizer
        #expect(t.tokens("東京tokyo") == ["[CLS]", "東", "京", "tokyo", "[SEP]"])
    }

    @Test func whitespaceVariantsAndControlCharacters() throws {
        let t = try tokenizer
        let plain = t.encode("x y")
        #expect(t.encode("x\u{A0}y") == plain)   // NBSP
        #expect(t.encode("x\ty") == plain)
        #expect(t.encode("x\u{3000}y") == plain) // ideographic space
        #expect(t.encode("x\r\n y") == plain)
        #expect(t.encode("x\u{0}y") == t.encode("xy"))      // NUL dropped
        #expect(t.encode("x\u{200B}y") == t.encode("xy"))   // zero-width space (Cf) dropped
        #expect(t.encode("x\u{FFFD}y") == t.encode("xy"))
    }

    @Test func wordsOverOneHundredCharactersBecomeUnknown() throws {
        let t = try tokenizer
        #expect(t.encode(String(repeating: "a", count: 101)) == [101, t.unkID, 102])
        #expect(t.encode(String(repeating: "a", count: 150) + " short") == [101, 100, 2460, 102])
        let hundred = t.encode(String(repeating: "a", count: 100))
        #expect(hundred.count > 3 && !hundred.contains(t.unkID))
    }

    @Test func truncatesToTwoHundredFiftySixTokens() throws {
        let t = try tokenizer
        let text = Array(repeating: "retrieval augmented generation", count: 200).joined(separator: " ")
        let ids = t.encode(text)
        #expect(ids.count == 256)
        #expect(ids.first == t.clsID && ids.last == t.sepID)
        #expect(t.countTokens(text) == 600)
        #expect(t.encode("retrieval augmented generation").dropFirst().dropLast() == ids[1..<4])
    }

    @Test func literalSpecialTokensMapToTheirIDs() throws {
        let t = try tokenizer
        // Expected ids from Hugging Face's tokenizer for all-MiniLM-L6-v2.
        #expect(t.encode("a[CLS]b") == [101, 1037, 101, 1038, 102])
        #expect(t.encode("[[SEP]]") == [101, 1031, 102, 1033, 102])
        #expect(t.encode("[MASK") == [101, 1031, 7308, 102])
        #expect(t.encode("x [PAD][UNK] y") == [101, 1060, 0, 100, 1061, 102])
        #expect(t.encode("[cls]") == [101, 1031, 18856, 2015, 1033, 102])
        #expect(t.countTokens("a[CLS]b") == 3)
    }

    @Test func unicodeEdgeCasesMatchHuggingFace() throws {
        let t = try tokenizer
        #expect(t.encode("x\u{0379}") == [101, 100, 102])        // unassigned scalar is kept (→ [UNK])
        #expect(t.encode("a\u{201F}b") == [101, 1037, 100, 1038, 102]) // Pi punctuation split off
        #expect(t.encode("\u{035F}\u{EC}") == t.encode("i"))     // marks dropped after NFD
        #expect(t.encode("x\u{2029}y") == t.encode("x y"))       // paragraph separator is whitespace
    }

    @Test func countTokensMatchesEncodeBelowTheLimit() throws {
        let t = try tokenizer
        for c in try MiniLMFixtures.referenceCases() where c.inputIDs.count < 256 {
            #expect(t.countTokens(c.text) == c.inputIDs.count - 2)
        }
    }

    @Test func loadsFromVocabularyFileAndRejectsBadOnes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("minilm-vocab-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("vocab.txt")
        try "[PAD]\n[UNK]\n[CLS]\n[SEP]\nplay\n##ing\n".write(to: good, atomically: true, encoding: .utf8)
        let small = try WordPieceTokenizer(vocabURL: good)
        #expect(small.encode("Playing") == [2, 4, 5, 3])
        #expect(small.encode("played") == [2, 1, 3])

        let bad = dir.appendingPathComponent("bad.txt")
        try "hello\nworld\n".write(to: bad, atomically: true, encoding: .utf8)
        #expect { try WordPieceTokenizer(vocabURL: bad) } throws: { error in
            (error as? MiniLMError)?.code == .invalidVocabulary && (error as? MiniLMError)?.path == bad.path
        }
        let missing = dir.appendingPathComponent("nope.txt")
        #expect { try WordPieceTokenizer(vocabURL: missing) } throws: { error in
            (error as? MiniLMError)?.code == .unreadableFile && "\(error)".contains(missing.path)
        }
    }
}
