import ArgumentParser
import Foundation
import Ingest
import MiniLM

/// `ragctl bench embed`: native all-MiniLM-L6-v2 throughput on SciFact abstracts (title + " " + text) at a
/// fixed batch size, for each thread count. `Benchmarks/embed_bench.py` measures sentence-transformers on
/// PyTorch on the same texts and prints the ratio.
struct BenchEmbed: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "embed", abstract: "Benchmark the native embedder in tokens/s.")

    @Option(name: .long, help: "BEIR corpus.jsonl (default: ../shared/data/scifact/corpus.jsonl).") var corpus: String?
    @Option(name: .short, help: "Number of documents.") var n = 256
    @Option(name: .long, help: "Texts per embed call.") var batch = 32
    @Option(name: .long, help: "Thread counts to measure, comma-separated.") var threads = "1,2"
    @Option(name: .long, help: "Runs per thread count (best is reported).") var repeats = 3
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        CommandFailure.jsonOutput = json
        let path = corpus ?? FileManager.default.currentDirectoryPath + "/../shared/data/scifact/corpus.jsonl"
        var texts: [String] = []
        for line in try LineReader(path: path) where texts.count < n {
            guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else { continue }
            texts.append(((object["title"] as? String) ?? "") + " " + ((object["text"] as? String) ?? ""))
        }
        guard !texts.isEmpty else { throw CommandFailure(code: "invalid_data", message: "no documents in \(path)") }
        let directory = try MiniLMModel.locate(explicit: ProcessInfo.processInfo.environment["RAGCTL_MODEL_PATH"],
                                               environment: ProcessInfo.processInfo.environment)
        var results: [[String: Any]] = []
        for threadCount in threads.split(separator: ",").compactMap({ Int($0) }) {
            let model = try MiniLMModel(directory: directory, threads: threadCount)
            let tokens = texts.reduce(0) { $0 + model.tokenizer.encode($1).count }
            _ = model.embed(Array(texts.prefix(batch)))
            var best = Double.infinity
            for _ in 0..<max(1, repeats) {
                let start = Date()
                for s in stride(from: 0, to: texts.count, by: batch) { _ = model.embed(Array(texts[s..<min(texts.count, s + batch)])) }
                best = min(best, Date().timeIntervalSince(start))
            }
            results.append(["threads": threadCount, "texts": texts.count, "tokens": tokens, "seconds": round3(best),
                            "sentences_per_s": round3(Double(texts.count) / best), "tokens_per_s": round3(Double(tokens) / best)])
        }
        if json {
            JSONOutput.print(["model": MiniLMModel.modelID, "batch": batch, "results": results])
        } else {
            for r in results {
                print("threads \(r["threads"]!): \(r["sentences_per_s"]!) sentences/s, \(r["tokens_per_s"]!) tokens/s")
            }
        }
    }
}
