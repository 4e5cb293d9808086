import Testing
@testable import Retrieval
@testable import Ingest

@Suite struct ExtractiveAnswererTests {
    @Test func sentencesJoinWrappedLinesAndSkipHeadings() {
        let text = "# Backups\n\nThe store is one SQLite file in the data\ndirectory. Back it up with sqlite3, e.g. the .backup command.\n\nShort one.\n\n## Next heading"
        let sentences = ExtractiveAnswerer.sentences(text)
        #expect(sentences == ["The store is one SQLite file in the data directory.",
                              "Back it up with sqlite3, e.g. the .backup command."])
    }

    @Test func nearDuplicatePassagesAreDropped() {
        func hit(_ id: String, _ text: String) -> SearchHit {
            SearchHit(chunkID: id, documentID: "d", score: 1, text: text, source: "s", title: "t", headingPath: "", metadata: [:])
        }
        let base = "rotate api keys every ninety days and revoke leaked keys at once with the command line tool"
        let hits = [hit("a", base), hit("b", base + " today"), hit("c", "backups are taken nightly from the write ahead log")]
        #expect(QueryEngine.deduplicated(hits).map(\.chunkID) == ["a", "c"])
    }

    @Test func packingRespectsTheTokenBudget() {
        let hits = (0..<5).map { SearchHit(chunkID: "\($0)", documentID: "d", score: 1, text: String(repeating: "word ", count: 100),
                                             source: "s", title: "t", headingPath: "", metadata: [:]) }
        let packed = QueryEngine.pack(hits, topK: 5, budget: 250, counter: HeuristicTokenCounter())
        #expect(packed.count == 2)
    }
}
