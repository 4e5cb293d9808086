import Foundation
import Testing
@testable import Ingest

@Suite("Chunker properties and behaviour")
struct ChunkPropertyTests {
    static let chunkers: [Chunker] = [
        Chunker(counter: HeuristicTokenCounter(maxTokens: 256)),
        Chunker(config: ChunkerConfig(size: 512, overlap: 100), counter: HeuristicTokenCounter(maxTokens: 128)),
        Chunker(config: ChunkerConfig(size: 40, overlap: 10, minChunk: 5), counter: ChunkDenseCounter(maxTokens: 64)),
        Chunker(config: ChunkerConfig(size: 20, overlap: 5, minChunk: 3, maxCharacters: 200), counter: ChunkWordCounter(maxTokens: 32)),
    ]

    @Test(arguments: 0..<chunkers.count)
    func propertiesHoldOnGeneratedMarkdown(chunkerIndex: Int) {
        let chunker = Self.chunkers[chunkerIndex]
        for seed in 0..<40 {
            var generator = ChunkDocumentGenerator(state: UInt64(seed + 1))
            let source = generator.markdown()
            let result = MarkdownExtractor.extract(source)
            let document = ExtractedDocument(text: result.text, title: "t", format: .markdown, sections: result.sections)
            expectChunkProperties(document, chunker)
        }
    }

    @Test(arguments: 0..<chunkers.count)
    func propertiesHoldOnGeneratedCode(chunkerIndex: Int) {
        let chunker = Self.chunkers[chunkerIndex]
        for seed in 0..<20 {
            var generator = ChunkDocumentGenerator(state: UInt64(seed + 100))
            let text = generator.code()
            let document = ExtractedDocument(text: text, title: "t", format: .code("swift"), language: "swift",
                                             sections: [DocumentSection(headingPath: [], level: 0, start: 0, end: text.unicodeScalars.count)])
            expectChunkProperties(document, chunker)
        }
    }

    @Test(arguments: ["guide.md", "notes.txt", "manual.rst", "page.html", "data.json", "records.jsonl", "table.csv",
                      "table.tsv", "sample.swift", "sample.py", "utf16.txt", "bom-crlf.txt", "report.docx", "mystery.dat"])
    func propertiesHoldOnFixtures(file: String) throws {
        let document = try Extractor().extract(fileURL: ingestFixture(file))
        for chunker in Self.chunkers { expectChunkProperties(document, chunker) }
    }

    @Test func sectionsWithoutFullCoverageStillCoverAllText() {
        // Sections that leave gaps, overlap or run past the end must not lose text.
        let text = "Lead in text.\n\n# A\n\nBody of a.\n\n# B\n\nBody of b. Tail text."
        let document = ExtractedDocument(text: text, title: "t", format: .markdown, sections: [
            DocumentSection(headingPath: ["B"], level: 1, start: 40, end: 500),
            DocumentSection(headingPath: ["A"], level: 1, start: 15, end: 45),
        ])
        expectChunkProperties(document, Chunker(counter: HeuristicTokenCounter()))
    }

    @Test func headingPathIsEmbeddedAndCounted() throws {
        let document = try Extractor().extract(fileURL: ingestFixture("guide.md"))
        let chunks = Chunker(counter: HeuristicTokenCounter()).chunk(document)
        let advanced = try #require(chunks.first { $0.headingPath == ["Configuration", "Advanced options"] })
        #expect(advanced.embeddingText == "Configuration > Advanced options\n" + advanced.text)
        #expect(advanced.text.hasPrefix("Advanced options\n---"))
        let plain = Chunk(ordinal: 0, text: "x", start: 0, end: 1, headingPath: [], tokenCount: 1)
        #expect(plain.embeddingText == "x")
    }

    @Test func packsToSizeWithOverlapAndPrefersParagraphBreaks() {
        // 30 paragraphs of 3 sentences × 10 words.
        let sentence = (0..<9).map { "w\($0)" }.joined(separator: " ")
        let paragraphs = (0..<30).map { p in (0..<3).map { s in "P\(p)S\(s) \(sentence)." }.joined(separator: " ") }
        let text = paragraphs.joined(separator: "\n\n")
        let document = ExtractedDocument(text: text, title: "t", format: .text,
                                         sections: [DocumentSection(headingPath: [], level: 0, start: 0, end: text.unicodeScalars.count)])
        let counter = ChunkWordCounter(maxTokens: 512)
        let chunks = Chunker(config: ChunkerConfig(size: 100, overlap: 20, minChunk: 5), counter: counter).chunk(document)
        #expect(chunks.count > 5)
        for (a, b) in zip(chunks, chunks.dropFirst()) {
            #expect(counter.countTokens(a.text) <= 100)
            #expect(counter.countTokens(a.text) >= 50)  // cut at a paragraph only once half full
            // Overlap: the next chunk starts inside the previous one, on a sentence start, by at most 20 words.
            #expect(b.start < a.end)
            #expect(b.text.hasPrefix("P"))
            var overlap = String.UnicodeScalarView()
            overlap.append(contentsOf: Array(text.unicodeScalars)[b.start..<a.end])
            #expect(counter.countTokens(String(overlap)) <= 20)
        }
        // Every chunk but the last ends at the end of a paragraph (the strongest break available).
        for chunk in chunks.dropLast() { #expect(chunk.text.hasSuffix("w8.") && text.unicodeScalars.count > chunk.end) }
        let endsAtParagraph = chunks.dropLast().filter { chunk in
            let after = Array(text.unicodeScalars)[chunk.end..<min(chunk.end + 2, text.unicodeScalars.count)]
            return after.elementsEqual("\n\n".unicodeScalars)
        }
        #expect(endsAtParagraph.count == chunks.count - 1)
    }

    @Test func tinyTrailingRemainderJoinsThePreviousChunk() {
        let body = (0..<95).map { "word\($0)" }.joined(separator: " ") + ". Tail end."
        let document = ExtractedDocument(text: body, title: "t", format: .text,
                                         sections: [DocumentSection(headingPath: [], level: 0, start: 0, end: body.unicodeScalars.count)])
        let chunks = Chunker(config: ChunkerConfig(size: 96, overlap: 10, minChunk: 5), counter: ChunkWordCounter(maxTokens: 512)).chunk(document)
        #expect(chunks.count == 1)
        #expect(chunks[0].text.hasSuffix("Tail end."))
    }

    @Test func headingOnlySectionFoldsIntoItsFirstSubsection() throws {
        let source = "# Install\n\n## Linux\n\nRun the installer with the default options and wait.\n"
        let result = MarkdownExtractor.extract(source)
        let document = ExtractedDocument(text: result.text, title: "t", format: .markdown, sections: result.sections)
        let chunks = Chunker(counter: HeuristicTokenCounter()).chunk(document)
        #expect(chunks.count == 1)
        #expect(chunks[0].headingPath == ["Install", "Linux"])
        #expect(chunks[0].text.hasPrefix("# Install\n\n## Linux"))
    }

    @Test func codeSplitsAtDefinitionsWithTheirComments() {
        // Six functions of about 45 tokens each, no blank lines between them: with size 120 each chunk
        // holds two whole functions and starts at a doc comment, with no overlap into the previous one.
        var text = "import Foundation\n"
        for index in 0..<6 {
            text += "/// Doc comment \(index).\n@inlinable\nfunc f\(index)(x: Int) -> Int {\n"
            for line in 0..<3 { text += "    let y\(line) = x * \(line) + \(index)\n" }
            text += "    return x\n}\n"
        }
        let document = ExtractedDocument(text: text, title: "t", format: .code("swift"), language: "swift",
                                         sections: [DocumentSection(headingPath: [], level: 0, start: 0, end: text.unicodeScalars.count)])
        let chunks = Chunker(config: ChunkerConfig(size: 120, overlap: 30), counter: HeuristicTokenCounter()).chunk(document)
        #expect(chunks.count == 3)
        #expect(chunks.dropFirst().allSatisfy { $0.text.hasPrefix("/// Doc comment") })
        #expect(chunks.allSatisfy { $0.text.hasSuffix("return x\n}") })
        for (a, b) in zip(chunks, chunks.dropFirst()) { #expect(a.end <= b.start) }
        expectChunkProperties(document, Chunker(config: ChunkerConfig(size: 120, overlap: 30), counter: HeuristicTokenCounter()))
    }

    @Test func absurdHeadingIsShortenedToFit() {
        let heading = String(repeating: "enormous ", count: 400)
        let text = heading + "\n\nShort body."
        let document = ExtractedDocument(text: text, title: "t", format: .markdown, sections: [
            DocumentSection(headingPath: ["Top", heading], level: 2, start: 0, end: text.unicodeScalars.count),
        ])
        let chunker = Chunker(counter: HeuristicTokenCounter(maxTokens: 128))
        expectChunkProperties(document, chunker)
        let chunks = chunker.chunk(document)
        #expect(chunks.allSatisfy { $0.headingPath.count == 1 && chunker.counter.countTokens($0.headingPath[0]) <= 32 })
    }

    @Test func configValidation() {
        #expect(throws: Never.self) { try ChunkerConfig().validate() }
        #expect(throws: ChunkerConfig.ValidationError.self) { try ChunkerConfig(size: 0).validate() }
        #expect(throws: ChunkerConfig.ValidationError.self) { try ChunkerConfig(size: 50, overlap: 50).validate() }
        #expect(throws: ChunkerConfig.ValidationError.self) { try ChunkerConfig(minChunk: -1).validate() }
    }

    @Test func heuristicCounterApproximatesWordPiece() {
        let counter = HeuristicTokenCounter()
        #expect(counter.countTokens("") == 0)
        #expect(counter.countTokens("Hello, world!") == 4)
        #expect(counter.countTokens("internationalization") == 4)  // 20 letters: 1 + 19/6
        #expect(counter.countTokens("漢字 ok") == 3)
        #expect(counter.countTokens("e\u{301}") == 1)
    }

    @Test func chunkIsCodable() throws {
        let chunk = Chunk(ordinal: 3, text: "body", start: 10, end: 14, headingPath: ["A", "B"], tokenCount: 5)
        let decoded = try JSONDecoder().decode(Chunk.self, from: JSONEncoder().encode(chunk))
        #expect(decoded == chunk)
    }
}
