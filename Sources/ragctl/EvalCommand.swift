import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Ingest
import Retrieval
import VectorStore

/// `ragctl eval`: retrieval quality on a BEIR dataset (nDCG@10, Recall@100, MRR@10) and query latency.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure retrieval quality on a BEIR dataset: nDCG@10, Recall@100, MRR@10 and latency.",
        discussion: """
            DATASET_DIR holds corpus.jsonl (_id, title, text), queries.jsonl (_id, text) and qrels/SPLIT.tsv \
            (query-id, corpus-id, score). When the namespace is missing or empty, the corpus is embedded into it \
            first: one document with one chunk each ("title text", id = the BEIR id), embedded and indexed for BM25, so \
            every mode ranks the same texts; a namespace that already holds the corpus is reused, and a partly \
            written one is completed.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var embedderOptions: EmbedderOptions
    @Argument(help: ArgumentHelp("A BEIR dataset folder.", valueName: "dataset-dir")) var datasetDir: String
    @Option(name: .long, help: "Namespace holding (or to receive) the corpus.") var namespace: String
    @OptionGroup var ranking: RankingFlags
    @Option(name: .long, help: "The qrels split: qrels/<split>.tsv.") var split = "test"
    @Option(name: .long, help: "Results retrieved per query.") var topK = 100
    @Option(name: .long, help: "Evaluate only the first N queries of the split.") var limit: Int?
    @Flag(help: "Print JSON: {\"ndcg_at_10\", \"recall_at_100\", \"mrr_at_10\", \"queries\", \"p50_ms\", \"p99_ms\", \"mode\", \"namespace\", \"documents\"}.")
    var json = false

    func validate() throws {
        guard topK > 0 else { throw ValidationError("--top-k must be positive") }
        if let limit, limit <= 0 { throw ValidationError("--limit must be positive") }
        guard !split.isEmpty, !split.contains("/") else { throw ValidationError("--split must be a file name such as test") }
    }

    func run() async throws {
        CommandFailure.jsonOutput = json
        let dataset: BEIRDataset
        do {
            dataset = try BEIRDataset.load(directory: datasetDir, split: split)
        } catch let error as DatasetError {
            throw CommandFailure(code: "invalid_dataset", message: error.description)
        }
        let store = try global.openStore()
        let embedder = try await embedderOptions.make(try global.loadConfig())
        var options = EvaluationOptions(namespace: namespace)
        (options.mode, options.ranking) = try ranking.resolved()
        options.topK = topK
        options.limit = limit
        let progress = ProgressLine()
        log("\(dataset.corpus.count) documents, \(dataset.queries.count) \(split) queries in \(datasetDir)")
        let report = try await Evaluator(store: store, embedder: embedder).run(dataset, options: options) { event in
            progress.show(event)
        }
        progress.finish()
        if json {
            JSONOutput.print([
                "ndcg_at_10": Self.round(report.ndcgAt10, 6), "recall_at_100": Self.round(report.recallAt100, 6),
                "mrr_at_10": Self.round(report.mrrAt10, 6), "queries": report.queries,
                "p50_ms": Self.round(report.p50Ms, 3), "p99_ms": Self.round(report.p99Ms, 3),
                "mode": report.mode.rawValue, "namespace": report.namespace, "documents": report.documents,
                "split": split, "ranking": Self.rankingObject(report),
            ])
            return
        }
        let name = URL(fileURLWithPath: datasetDir).standardizedFileURL.lastPathComponent
        let settings = Self.rankingObject(report).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("\(name) (\(split)) · namespace \(report.namespace) · \(report.mode.rawValue)\(settings.isEmpty ? "" : " (\(settings))")"
              + " · \(report.documents) documents · \(report.queries) queries")
        let rows: [(String, String)] = [
            ("nDCG@10", String(format: "%.4f", report.ndcgAt10)),
            ("Recall@100", String(format: "%.4f", report.recallAt100)),
            ("MRR@10", String(format: "%.4f", report.mrrAt10)),
            ("latency p50", String(format: "%.2f ms", report.p50Ms)),
            ("latency p99", String(format: "%.2f ms", report.p99Ms)),
        ]
        for (label, value) in rows { print(label.padding(toLength: 13, withPad: " ", startingAt: 0) + value) }
    }

    /// The ranking options that applied to the report's mode.
    static func rankingObject(_ report: EvaluationReport) -> [String: Any] {
        var object: [String: Any] = [:]
        let ranking = report.ranking
        if report.mode == .hybrid {
            object["fusion"] = ranking.fusion.rawValue
            object["candidates"] = ranking.candidates
            switch ranking.fusion {
            case .rrf: object["rrf_k"] = ranking.rrfK
            case .weighted: object["dense_weight"] = ranking.denseWeight
            }
        }
        if let lambda = ranking.mmrLambda {
            object["mmr_lambda"] = lambda
            object["candidates"] = ranking.candidates
        }
        return object
    }

    static func round(_ value: Double, _ digits: Int) -> Double {
        let scale = pow(10, Double(digits))
        return (value * scale).rounded() / scale
    }

    private func log(_ message: String) {
        FileHandle.standardError.write(Data("eval: \(message)\n".utf8))
    }
}

/// Progress on stderr: one rewritten line on a terminal, else a line every 10% and at the end.
private final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private let terminal = isatty(STDERR_FILENO) != 0
    private var lastTenth = -1
    private var lastKind = ""
    private var open = false

    func show(_ event: EvaluationProgress) {
        let (kind, done, total): (String, Int, Int)
        switch event {
        case let .embedded(done: d, total: t): (kind, done, total) = ("embedded", d, t)
        case let .searched(done: d, total: t): (kind, done, total) = ("searched", d, t)
        }
        let noun = kind == "embedded" ? "documents" : "queries"
        let text = "eval: \(kind) \(done)/\(total) \(noun)"
        lock.withLock {
            if kind != lastKind {
                if open { write("\n") }
                open = false
                lastKind = kind
                lastTenth = -1
            }
            if terminal {
                write("\r" + text)
                open = true
                return
            }
            let tenth = total == 0 ? 10 : done * 10 / total
            if tenth != lastTenth {
                lastTenth = tenth
                write(text + "\n")
            }
        }
    }

    func finish() {
        lock.withLock {
            if open { write("\n") }
            open = false
        }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
