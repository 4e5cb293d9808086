import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import VectorStore

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the engine on this machine (build with -c release).",
        subcommands: [BenchSearch.self, BenchIngest.self, BenchEmbed.self]
    )
}

/// `ragctl bench search`: seeded clustered vectors (or a raw float32 file) into a fresh on-disk store,
/// reopened, then single, batched and filtered searches.
struct BenchSearch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Benchmark exact search: load time, memory, single/batch/filtered latency.",
        discussion: """
            Rows get metadata {"category": "c<i%10>", "bucket": <i%100>}, so {"category": "c0"} selects 10% and \
            {"bucket": 0} selects 1%. --data-file/--query-file take raw little-endian float32 matrices (N×D, Q×D), \
            which is how Benchmarks/search_vs_faiss.py gives FAISS and ragctl the same data.
            """)

    @Option(name: .long, help: "Number of vectors.") var vectors = 100_000
    @Option(name: .long, help: "Dimension.") var dim = 384
    @Option(name: .long, help: "Number of query vectors.") var queries = 200
    @Option(name: .long, help: "Queries per batched search.") var batch = 64
    @Option(name: .long, help: "Threads for batched search (default: all cores).") var threads: Int?
    @Option(name: .long, help: "Raw float32 file of the vectors (N×D) instead of generated ones.") var dataFile: String?
    @Option(name: .long, help: "Raw float32 file of the queries (Q×D).") var queryFile: String?
    @Option(name: .long, help: "Directory for the temporary store (default: the system temp dir).") var workDir: String?
    @Option(name: .long, help: "Seed of the generated data.") var seed: UInt64 = 42
    @Flag(name: .long, help: "Encrypt the store at rest with a random key (to measure what encryption costs).") var encrypt = false
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard vectors > 0, dim > 0, queries > 0, batch > 0 else { throw ValidationError("--vectors, --dim, --queries and --batch must be positive") }
    }

    func run() throws {
        CommandFailure.jsonOutput = json
        let base = workDir ?? FileManager.default.temporaryDirectory.path
        let directory = "\(base)/ragctl-bench-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let source = try BenchData(count: vectors, dimension: dim, seed: seed, file: dataFile)
        log("generating and inserting \(vectors) × \(dim) vectors into \(directory)")

        var configuration = VectorStore.Configuration()
        configuration.durability = .normal
        if let threads { configuration.searchThreads = threads }
        if encrypt { configuration.encryptionKey = try EncryptionKey(encoded: EncryptionKey.generateEncoded()) }
        let insertStart = Date()
        do {
            let store = try VectorStore(directory: directory, configuration: configuration)
            try store.createNamespace("bench", dimension: dim)
            var row = 0
            while row < vectors {
                let count = min(10_000, vectors - row)
                let chunk = try source.rows(row, count)
                let records = (0..<count).map { i in
                    let n = row + i
                    return VectorRecord(id: String(n), vector: Array(chunk[(i * dim)..<((i + 1) * dim)]),
                                        metadata: ["category": .string("c\(n % 10)"), "bucket": .number(Double(n % 100))])
                }
                try store.upsert(records, into: "bench")
                row += count
            }
        }
        let insertSeconds = Date().timeIntervalSince(insertStart)

        // Give the writer's freed memory back to the OS first, or the reopened store reuses it unseen.
        releaseFreedMemory()
        let rssBefore = residentBytes()
        let loadStart = Date()
        let store = try VectorStore(directory: directory, configuration: configuration)
        let loadSeconds = Date().timeIntervalSince(loadStart)
        let bytesPerVector = Double(residentBytes() - rssBefore) / Double(vectors)
        log(String(format: "inserted in %.1f s, reopened in %.2f s, %.0f bytes/vector resident", insertSeconds, loadSeconds, bytesPerVector))

        let queryVectors = try queryFile.map { try BenchData.readMatrix($0, dimension: dim) }
            ?? source.queries(queries)
        let bandwidth = measureBandwidth(bytes: min(vectors * dim * 4, 1 << 30))
        let onePassMs = Double(vectors * dim * 4) / bandwidth * 1e3

        for q in queryVectors.prefix(3) { _ = try store.search("bench", vector: q, k: 10) }
        let single = try timings(queryVectors) { _ = try store.search("bench", vector: $0, k: 10) }
        let c0 = Filter.field("category", .eq(.string("c0")))
        let b0 = Filter.field("bucket", .eq(.number(0)))
        let filtered10 = try timings(queryVectors) { _ = try store.search("bench", vector: $0, k: 10, filter: c0) }
        let filtered1 = try timings(queryVectors) { _ = try store.search("bench", vector: $0, k: 10, filter: b0) }
        // Cold: a different 1% filter each time (the compiled-filter cache holds 16), so every query compiles it.
        var bucket = 0
        let filtered1Cold = try timings(queryVectors) {
            bucket = (bucket + 37) % 100
            _ = try store.search("bench", vector: $0, k: 10, filter: .field("bucket", .eq(.number(Double(bucket)))))
        }

        var batches: [[[Float]]] = []
        var start = 0
        while start < queryVectors.count {
            batches.append(Array(queryVectors[start..<min(start + batch, queryVectors.count)]))
            start += batch
        }
        _ = try store.search("bench", vectors: batches[0], k: 10, threads: threads)
        let batchStart = Date()
        for group in batches { _ = try store.search("bench", vectors: group, k: 10, threads: threads) }
        let batchQPS = Double(queryVectors.count) / Date().timeIntervalSince(batchStart)

        let result: [String: Any] = [
            "single_p50_ms": round3(percentile(single, 0.5)), "single_p99_ms": round3(percentile(single, 0.99)),
            "batch_qps": round3(batchQPS),
            "filtered_10pct_p50_ms": round3(percentile(filtered10, 0.5)),
            "filtered_1pct_p50_ms": round3(percentile(filtered1, 0.5)),
            "filtered_1pct_cold_p50_ms": round3(percentile(filtered1Cold, 0.5)),
            "load_s": round3(loadSeconds), "bytes_per_vector": Int(bytesPerVector.rounded()),
            "insert_s": round3(insertSeconds), "bandwidth_gbs": round3(bandwidth / 1e9), "one_pass_ms": round3(onePassMs),
            "vectors": vectors, "dim": dim, "queries": queryVectors.count, "batch": batch,
            "threads": threads ?? configuration.searchThreads, "encrypted": encrypt,
        ]
        if json {
            JSONOutput.print(result)
        } else {
            for key in result.keys.sorted() { print(pad(key, 24) + "\(result[key]!)") }
        }
    }

    private func log(_ message: String) {
        FileHandle.standardError.write(Data("bench: \(message)\n".utf8))
    }

    private func timings(_ queries: [[Float]], _ body: ([Float]) throws -> Void) throws -> [Double] {
        try queries.map { query in
            let start = DispatchTime.now().uptimeNanoseconds
            try body(query)
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        }
    }
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

func round3(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

/// glibc's `malloc_trim(0)` (not exported to Swift by the Glibc module): returns freed heap pages to the OS.
func releaseFreedMemory() {
    guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "malloc_trim") else { return }
    typealias MallocTrim = @convention(c) (Int) -> Int32
    _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
}

/// Resident set size of this process, from /proc/self/statm.
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Single-core read bandwidth in bytes/s: the best of three SIMD passes over a buffer of `bytes`.
func measureBandwidth(bytes: Int) -> Double {
    let count = max(bytes / 4, 1 << 20) / 64 * 64
    let buffer = UnsafeMutablePointer<Float>.allocate(capacity: count)
    defer { buffer.deallocate() }
    buffer.initialize(repeating: 1, count: count)
    var best = Double.infinity
    var sink = SIMD16<Float>()
    for _ in 0..<3 {
        let start = DispatchTime.now().uptimeNanoseconds
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
        let raw = UnsafeRawPointer(buffer)
        var i = 0
        while i < count {
            a0 += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            a1 += raw.loadUnaligned(fromByteOffset: (i + 16) * 4, as: SIMD16<Float>.self)
            a2 += raw.loadUnaligned(fromByteOffset: (i + 32) * 4, as: SIMD16<Float>.self)
            a3 += raw.loadUnaligned(fromByteOffset: (i + 48) * 4, as: SIMD16<Float>.self)
            i += 64
        }
        sink += a0 + a1 + a2 + a3
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    if sink.sum() == -1 { print("") }  // keeps the loop from being optimised away
    return Double(count * 4) / best
}

/// Benchmark vectors: generated (seeded, clustered like real embeddings) or read from a raw float32 file.
struct BenchData {
    let count: Int
    let dimension: Int
    let seed: UInt64
    let file: FileHandle?
    let centres: [[Float]]

    init(count: Int, dimension: Int, seed: UInt64, file: String?) throws {
        self.count = count
        self.dimension = dimension
        self.seed = seed
        if let file {
            guard let handle = FileHandle(forReadingAtPath: file) else {
                throw CommandFailure(code: "unreadable_file", message: "cannot read data file \(file)")
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            guard size >= count * dimension * 4 else {
                throw CommandFailure(code: "invalid_data", message: "\(file) has \(size) bytes; \(count) × \(dimension) float32 need \(count * dimension * 4)")
            }
            self.file = handle
        } else {
            self.file = nil
        }
        var rng = BenchRandom(seed: seed)
        centres = (0..<256).map { _ in (0..<dimension).map { _ in rng.gaussian() } }
    }

    /// Rows [start, start + n) as a flat array.
    func rows(_ start: Int, _ n: Int) throws -> [Float] {
        if let file {
            try file.seek(toOffset: UInt64(start * dimension * 4))
            let data = file.readData(ofLength: n * dimension * 4)
            return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        }
        var out = [Float](repeating: 0, count: n * dimension)
        for i in 0..<n {
            var rng = BenchRandom(seed: seed &+ UInt64(start + i) &* 0x9E37_79B9)
            let centre = centres[(start + i) % centres.count]
            for j in 0..<dimension { out[i * dimension + j] = centre[j] + 0.4 * rng.gaussian() }
        }
        return out
    }

    /// Queries near random data points.
    func queries(_ n: Int) throws -> [[Float]] {
        var rng = BenchRandom(seed: seed ^ 0x5151)
        return try (0..<n).map { _ in
            let row = try rows(Int(rng.next() % UInt64(count)), 1)
            return row.map { $0 + 0.2 * rng.gaussian() }
        }
    }

    static func readMatrix(_ path: String, dimension: Int) throws -> [[Float]] {
        guard let data = FileManager.default.contents(atPath: path), data.count % (dimension * 4) == 0, !data.isEmpty else {
            throw CommandFailure(code: "invalid_data", message: "\(path) is not a non-empty float32 matrix with \(dimension) columns")
        }
        let floats = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        return stride(from: 0, to: floats.count, by: dimension).map { Array(floats[$0..<($0 + dimension)]) }
    }
}

/// SplitMix64 with a Gaussian sampler.
struct BenchRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func gaussian() -> Float {
        let u1 = max(Double(next() >> 11) / Double(1 << 53), 1e-300)
        let u2 = Double(next() >> 11) / Double(1 << 53)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
    }
}
