import Foundation
import Testing
@testable import MiniLM

/// Compares against sentence-transformers' own outputs (`shared/fixtures/minilm_st_reference.jsonl`).
@Suite struct ReferenceEmbeddingTests {
    @Test func tokenIDsMatchReferenceForEveryLine() throws {
        let model = try MiniLMFixtures.model.get()
        let cases = try MiniLMFixtures.referenceCases()
        #expect(cases.count >= 28)
        for c in cases {
            #expect(model.tokenizer.encode(c.text) == c.inputIDs, "text: \(c.text.prefix(60).debugDescription)")
        }
    }

    @Test func embeddingsMatchReferenceForEveryLine() throws {
        let model = try MiniLMFixtures.model.get()
        let cases = try MiniLMFixtures.referenceCases()
        let embeddings = model.embed(cases.map(\.text))
        #expect(embeddings.count == cases.count)
        var worst = 0.0
        var worstElement: Float = 0
        for (c, e) in zip(cases, embeddings) {
            #expect(e.count == 384)
            worstElement = max(worstElement, zip(e, c.embedding).map { abs($0 - $1) }.max() ?? 0)
            let cos = cosine(e, c.embedding)
            worst = max(worst, abs(1 - cos))
            #expect(cos >= 0.99999, "cosine \(cos) for \(c.text.prefix(60).debugDescription)")
        }
        print("MiniLM vs sentence-transformers: max |1 - cosine| \(worst), max |element difference| \(worstElement)")
    }

    @Test func knownSimilaritiesFromTheFixtureReadme() throws {
        let model = try MiniLMFixtures.model.get()
        let e = model.embed(["A man is eating food.", "A man is eating a piece of bread.", "A man is riding a horse."])
        #expect(abs(cosine(e[0], e[1]) - 0.755337) < 1e-4)
        #expect(abs(cosine(e[0], e[2]) - 0.247402) < 1e-4)
    }

    @Test func embeddingsAreUnitLength() throws {
        let model = try MiniLMFixtures.model.get()
        for e in model.embed(["", "x", "A longer sentence, with punctuation!"]) {
            let norm = e.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(abs(norm - 1) < 1e-5)
        }
    }
}
