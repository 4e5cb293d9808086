import Foundation
import Testing
import TestSupport
@testable import Retrieval

/// The BEIR loader on tiny datasets written to a temporary folder, well-formed and not.
@Suite struct EvaluationDatasetTests {
    static let corpus = """
        {"_id": "d1", "title": "Alpha", "text": "one"}

        {"_id": "d2", "title": "Beta", "text": "two", "metadata": {}}\r
        {"_id": 3, "text": "three"}
        """
    static let queries = """
        {"_id": "q1", "text": "find alpha", "metadata": {}}
        {"_id": "q2", "text": "find beta"}
        {"_id": "q3", "text": "never judged"}
        """
    static let qrels = "query-id\tcorpus-id\tscore\nq2\td2\t2\nq1\td1\t1\nq2\td1\t0\n"

    /// Writes a dataset folder; `nil` leaves a file out.
    static func write(_ dir: TemporaryDirectory, corpus: String? = corpus, queries: String? = queries,
                      qrels: String? = qrels, split: String = "test") throws -> String {
        let root = dir.file("beir")
        try FileManager.default.createDirectory(atPath: root + "/qrels", withIntermediateDirectories: true)
        if let corpus { try corpus.write(toFile: root + "/corpus.jsonl", atomically: true, encoding: .utf8) }
        if let queries { try queries.write(toFile: root + "/queries.jsonl", atomically: true, encoding: .utf8) }
        if let qrels { try qrels.write(toFile: root + "/qrels/\(split).tsv", atomically: true, encoding: .utf8) }
        return root
    }

    func loadError(_ root: String, split: String = "test") -> DatasetError? {
        do {
            _ = try BEIRDataset.load(directory: root, split: split)
            return nil
        } catch let error as DatasetError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test func loadsAWellFormedDataset() throws {
        let dir = TemporaryDirectory("beir")
        let dataset = try BEIRDataset.load(directory: try Self.write(dir))
        #expect(dataset.split == "test")
        #expect(dataset.corpus == [BEIRDocument(id: "d1", title: "Alpha", text: "one"),
                                   BEIRDocument(id: "d2", title: "Beta", text: "two"),
                                   BEIRDocument(id: "3", title: "", text: "three")])
        #expect(dataset.corpus.map(\.embeddingText) == ["Alpha one", "Beta two", "three"])
        // Queries are the judged ones, in qrels order; an unjudged query is left out.
        #expect(dataset.queries == [BEIRQuery(id: "q2", text: "find beta", grades: ["d2": 2, "d1": 0]),
                                    BEIRQuery(id: "q1", text: "find alpha", grades: ["d1": 1])])
    }

    @Test func qrelsWithoutAHeaderAndWithSpaces() throws {
        let judged = try BEIRDataset.parseQrels(Data("q1 d1 1\nq1\td2\t3\n".utf8), file: "x.tsv")
        #expect(judged == [BEIRDataset.JudgedQuery(id: "q1", line: 1, grades: ["d1": 1, "d2": 3])])
    }

    @Test func missingFilesAreNamed() throws {
        let dir = TemporaryDirectory("beir")
        let root = try Self.write(dir, qrels: nil)
        let error = try #require(loadError(root))
        #expect(error.file.hasSuffix("qrels/test.tsv"))
        #expect(error.line == nil)
        #expect(error.description.contains("no such file"))
        #expect(loadError(root, split: "dev")?.file.hasSuffix("qrels/dev.tsv") == true)
        #expect(loadError(dir.file("nowhere"))?.description.contains("no such dataset directory") == true)
        let noCorpus = TemporaryDirectory("beir")
        #expect(loadError(try Self.write(noCorpus, corpus: nil))?.file.hasSuffix("corpus.jsonl") == true)
    }

    @Test(arguments: [
        ("{\"_id\": \"d1\", \"text\": \"one\"}\n{\"_id\": \"d2\", \"text\": \"two\"\n", 2, "invalid JSON"),
        ("{\"_id\": \"d1\", \"text\": \"one\"}\n\n{\"text\": \"no id\"}\n", 3, "missing \"_id\""),
        ("{\"_id\": \"d1\"}\n", 1, "missing \"text\""),
        ("{\"_id\": \"d1\", \"text\": 5}\n", 1, "\"text\" must be a string"),
        ("{\"_id\": \"d1\", \"title\": [], \"text\": \"x\"}\n", 1, "\"title\" must be a string"),
        ("{\"_id\": \"\", \"text\": \"x\"}\n", 1, "\"_id\" must be a non-empty string"),
        ("[1, 2]\n", 1, "expected a JSON object"),
        ("{\"_id\": \"d1\", \"text\": \"one\"}\n{\"_id\": \"d1\", \"text\": \"again\"}\n", 2, "duplicate document id \"d1\""),
    ])
    func malformedCorpusLinesAreNamed(corpus: String, line: Int, message: String) throws {
        let dir = TemporaryDirectory("beir")
        let error = try #require(loadError(try Self.write(dir, corpus: corpus)))
        #expect(error.file.hasSuffix("corpus.jsonl"))
        #expect(error.line == line)
        #expect(error.message.contains(message), "\(error)")
        #expect(error.description.contains("corpus.jsonl:\(line): "))
    }

    @Test func emptyCorpusIsAnError() throws {
        let dir = TemporaryDirectory("beir")
        let error = try #require(loadError(try Self.write(dir, corpus: "\n\n")))
        #expect(error.message.contains("no documents"))
    }

    @Test func malformedQueriesAreNamed() throws {
        let dir = TemporaryDirectory("beir")
        let error = try #require(loadError(try Self.write(dir, queries: "{\"_id\": \"q1\", \"text\": \"a\"}\nnot json\n")))
        #expect(error.file.hasSuffix("queries.jsonl"))
        #expect(error.line == 2)
        let duplicate = TemporaryDirectory("beir")
        let second = try #require(loadError(try Self.write(duplicate,
            queries: "{\"_id\": \"q1\", \"text\": \"a\"}\n{\"_id\": \"q1\", \"text\": \"b\"}\n")))
        #expect(second.line == 2)
        #expect(second.message.contains("duplicate query id"))
    }

    @Test(arguments: [
        ("query-id\tcorpus-id\tscore\nq1\td1\n", 2, "expected 3 tab-separated fields"),
        ("query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\thigh\n", 3, "score \"high\" is not an integer"),
        ("q1\td1\t1\nq1\td2\t0.5\n", 2, "is not an integer"),
        ("query-id\tcorpus-id\tscore\nq1\t\t1\n", 2, "empty query-id or corpus-id"),
        ("query-id\tcorpus-id\tscore\nq1\td1\t1\nq9\td1\t1\n", 3, "query \"q9\" is not in"),
    ])
    func malformedQrelsLinesAreNamed(qrels: String, line: Int, message: String) throws {
        let dir = TemporaryDirectory("beir")
        let error = try #require(loadError(try Self.write(dir, qrels: qrels)))
        #expect(error.file.hasSuffix("qrels/test.tsv"))
        #expect(error.line == line)
        #expect(error.message.contains(message), "\(error)")
    }

    @Test func qrelsWithOnlyAHeaderIsAnError() throws {
        let dir = TemporaryDirectory("beir")
        let error = try #require(loadError(try Self.write(dir, qrels: "query-id\tcorpus-id\tscore\n")))
        #expect(error.message.contains("no relevance judgements"))
    }
}
