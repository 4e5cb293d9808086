import ArgumentParser
import Foundation
import Ingest
import VectorStore

/// `ragctl bench ingest`: pipeline overhead (walk, read, hash, extract, chunk, write) on a generated corpus,
/// with a constant-time embedder so the model's cost is left out.
struct BenchIngest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Benchmark the ingest pipeline in chunks/s with a constant-time embedder.")

    @OptionGroup var embedderOptions: EmbedderOptions
    @Option(name: .long, help: "Number of generated files.") var files = 10_000
    @Option(name: .long, help: "Directory for the corpus and store (default: the system temp dir).") var workDir: String?
    @Flag(name: .long, help: "Count tokens with the native WordPiece tokenizer (as real ingests do) instead of a heuristic.")
    var wordpiece = false
    @Flag(name: .long, help: "Encrypt the store at rest with a random key (to measure what encryption costs).") var encrypt = false
    @Option(name: .long, help: "BM25 queries timed after the ingest (random words of the corpus).") var queries = 200
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        CommandFailure.jsonOutput = json
        let base = (workDir ?? FileManager.default.temporaryDirectory.path) + "/ragctl-bench-ingest-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: base) }
        let corpus = base + "/corpus"
        let bytes = try Self.generateCorpus(at: corpus, files: files)
        FileHandle.standardError.write(Data("bench: \(files) files, \(bytes / 1024) KiB generated\n".utf8))
        let counter: any TokenCounter
        if wordpiece {
            counter = try NativeEmbedder.load(path: nil, environment: ProcessInfo.processInfo.environment)
        } else {
            counter = HeuristicTokenCounter()
        }
        let embedder = ConstantEmbedder(counter: counter)
        var configuration = VectorStore.Configuration()
        configuration.migrations = IngestSchema.migrations
        if encrypt { configuration.encryptionKey = try EncryptionKey(encoded: EncryptionKey.generateEncoded()) }
        let store = try VectorStore(directory: base + "/store", configuration: configuration)
        let ingestor = Ingestor(store: store, embedder: embedder)
        let options = IngestOptions(namespace: "bench", paths: [corpus])
        let first = try await ingestor.ingest(options)
        let second = try await ingestor.ingest(options)
        let seconds = Double(first.elapsedMs) / 1000
        // Reopen, then BM25: the first search of an encrypted store builds its in-memory index.
        try store.checkpoint()
        var started = Date()
        let reopened = try VectorStore(directory: base + "/store", configuration: configuration)
        let openSeconds = Date().timeIntervalSince(started)
        let index = LexicalIndex(store: reopened)
        releaseFreedMemory()
        let rssBefore = residentBytes()
        started = Date()
        try index.prepare(namespace: "bench")
        let prepareSeconds = Date().timeIntervalSince(started)
        let indexBytes = residentBytes() - rssBefore
        var rng = BenchRandom(seed: 11)
        let words = Self.words
        let latencies = try (0..<max(1, queries)).map { _ in
            let query = LexicalQuery((0..<3).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined(separator: " "))
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try index.search(query, namespace: "bench", limit: 10)
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        }
        let result: [String: Any] = [
            "files": files, "bytes": bytes, "chunks": first.chunksAdded, "elapsed_s": round3(seconds),
            "chunks_per_s": round3(Double(first.chunksAdded) / seconds), "files_per_s": round3(Double(files) / seconds),
            "mb_per_s": round3(Double(bytes) / 1e6 / seconds), "unchanged_rerun_s": round3(Double(second.elapsedMs) / 1000),
            "tokenizer": wordpiece ? "wordpiece" : "heuristic", "failed": first.failed.count,
            "stage_s": first.stageSeconds.mapValues(round3), "encrypted": encrypt, "open_s": round3(openSeconds),
            "bm25_prepare_s": round3(prepareSeconds), "bm25_prepare_rss_mb": round3(Double(indexBytes) / 1_048_576), "bm25_p50_ms": round3(percentile(latencies, 0.5)),
            "bm25_p99_ms": round3(percentile(latencies, 0.99)),
        ]
        if json { JSONOutput.print(result) } else { for key in result.keys.sorted() { print(pad(key, 20) + "\(result[key]!)") } }
    }

    /// Seeded Markdown files: headings, paragraphs of dictionary words, a code block now and then.
    static let words = """
        the of and to in is that for it as with was on be by this are or from at which an but not have has one \
        system data model search vector index query document chunk embedding store namespace filter cache key \
        server request response latency memory thread batch token score result metadata access level policy \
        rotate revoke deploy backup restore monitor alert metric log audit cluster node disk network upgrade
        """.split(separator: " ").map(String.init)

    static func generateCorpus(at path: String, files: Int) throws -> Int {
        let words = Self.words
        var rng = BenchRandom(seed: 7)
        var total = 0
        for file in 0..<files {
            let dir = "\(path)/d\(file / 500)"
            if file % 500 == 0 { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            var text = "# Document \(file)\n\n"
            for section in 0..<Int(2 + rng.next() % 3) {
                text += "## Section \(section)\n\n"
                for _ in 0..<Int(1 + rng.next() % 3) {
                    let count = Int(30 + rng.next() % 90)
                    var sentence: [String] = []
                    for i in 0..<count {
                        sentence.append(words[Int(rng.next() % UInt64(words.count))] + (i % 12 == 11 ? "." : ""))
                    }
                    text += sentence.joined(separator: " ") + ".\n\n"
                }
            }
            try text.write(toFile: "\(dir)/doc\(file).md", atomically: false, encoding: .utf8)
            total += text.utf8.count
        }
        return total
    }
}

/// An embedder that costs nothing: every text gets the same unit vector (for measuring the pipeline alone).
struct ConstantEmbedder: Embedder {
    let counter: any TokenCounter
    var modelID: String { "bench/constant" }
    var dimension: Int { 384 }
    var maxTokens: Int { counter.maxTokens }
    func countTokens(_ text: String) -> Int { counter.countTokens(text) }
    func embed(_ texts: [String]) async throws -> [[Float]] {
        let vector = [Float](repeating: 1 / Float(384).squareRoot(), count: 384)
        return Array(repeating: vector, count: texts.count)
    }
}
