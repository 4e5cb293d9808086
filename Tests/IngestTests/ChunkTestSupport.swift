import Foundation
import Testing
@testable import Ingest

/// Words only: whitespace-separated runs. Additive, generous.
struct ChunkWordCounter: TokenCounter {
    var maxTokens: Int
    func countTokens(_ text: String) -> Int { text.split(whereSeparator: { $0.isWhitespace }).count }
}

/// One token per 3 scalars, whitespace included: not additive across joins, so only the chunker's final
/// recount keeps chunks under the limit.
struct ChunkDenseCounter: TokenCounter {
    var maxTokens: Int
    func countTokens(_ text: String) -> Int { (text.unicodeScalars.count + 2) / 3 }
}

/// Deterministic pseudo-random documents with the shapes that break chunkers.
struct ChunkDocumentGenerator {
    var state: UInt64

    mutating func next(_ bound: Int) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int((state >> 33) % UInt64(bound))
    }

    static let words = ["alpha", "beta", "gamma", "delta", "retrieval", "embedding", "über", "naïve", "漢字",
                        "e\u{301}clair", "👩‍👩‍👧", "x", "I", "co-op", "U.S.", "(note)", "3.14", "a.b.c", "–", "🇫🇷"]

    mutating func sentence() -> String {
        var parts: [String] = []
        for _ in 0..<(1 + next(25)) { parts.append(Self.words[next(Self.words.count)]) }
        return parts.joined(separator: next(10) == 0 ? "  " : " ") + [".", "!", "?", "", "。"][next(5)]
    }

    mutating func markdown() -> String {
        var out = ""
        if next(3) == 0 { out += sentence() + "\n\n" }
        for _ in 0..<(1 + next(6)) {
            let level = 1 + next(4)
            let heading = next(12) == 0 ? String(repeating: "Very long heading words ", count: 60) : "Heading \(next(100))"
            out += String(repeating: "#", count: level) + " " + heading + "\n\n"
            for _ in 0..<next(5) {
                switch next(8) {
                case 0: out += "```\n" + (0..<next(30)).map { "let v\($0) = \($0)" }.joined(separator: "\n") + "\n```\n\n"
                case 1: out += (0..<(1 + next(8))).map { _ in "- " + sentence() }.joined(separator: "\n") + "\n\n"
                case 2: out += String(repeating: "Z", count: 300 + next(3000)) + "\n\n"  // no whitespace at all
                case 3: out += String(repeating: "\n", count: 1 + next(4)) + "   \t  \n"
                default: out += (0..<(1 + next(20))).map { _ in sentence() }.joined(separator: " ") + "\n\n"
                }
            }
        }
        return out
    }

    mutating func code() -> String {
        var out = "import Foundation\n\n"
        for index in 0..<(1 + next(12)) {
            out += "/// Doc comment \(index).\n@inlinable\nfunc f\(index)(x: Int) -> Int {\n"
            for line in 0..<next(40) { out += "    let y\(line) = x * \(line) + \(next(1000))\n" }
            out += "    return x\n}\n" + (next(2) == 0 ? "\n" : "")
        }
        return out
    }
}

/// Asserts the chunker's guarantees on one document.
func expectChunkProperties(_ document: ExtractedDocument, _ chunker: Chunker, sourceLocation: SourceLocation = #_sourceLocation) {
    let chunks = chunker.chunk(document)
    let scalars = Array(document.text.unicodeScalars)
    var covered = [Bool](repeating: false, count: scalars.count)
    let limit = chunker.counter.maxTokens
    for (index, chunk) in chunks.enumerated() {
        #expect(chunk.ordinal == index, sourceLocation: sourceLocation)
        let count = chunker.counter.countTokens(chunk.embeddingText)
        #expect(count == chunk.tokenCount, sourceLocation: sourceLocation)
        #expect(count + 2 <= limit, "chunk \(index) has \(count) tokens with its heading, limit \(limit)", sourceLocation: sourceLocation)
        var slice = String.UnicodeScalarView()
        slice.append(contentsOf: scalars[chunk.start..<chunk.end])
        #expect(String(slice) == chunk.text, "chunk \(index) text differs from text[range]", sourceLocation: sourceLocation)
        #expect(chunk.text.unicodeScalars.first.map { !$0.properties.isWhitespace } == true, sourceLocation: sourceLocation)
        #expect(chunk.text.unicodeScalars.last.map { !$0.properties.isWhitespace } == true, sourceLocation: sourceLocation)
        if index > 0 { #expect(chunk.start >= chunks[index - 1].start, sourceLocation: sourceLocation) }
        for i in chunk.start..<chunk.end { covered[i] = true }
    }
    let uncovered = (0..<scalars.count).first { !covered[$0] && !scalars[$0].properties.isWhitespace }
    #expect(uncovered == nil, "non-whitespace at scalar \(uncovered ?? -1) is in no chunk", sourceLocation: sourceLocation)
    #expect(chunker.chunk(document) == chunks, "not deterministic", sourceLocation: sourceLocation)
}
