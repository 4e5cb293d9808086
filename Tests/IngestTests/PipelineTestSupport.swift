import Foundation
import Testing
import TestSupport
import VectorStore
@testable import Ingest

/// A deterministic stand-in embedder that records every call: vectors are seeded by a hash of the text,
/// so equal texts get equal vectors and different texts almost surely differ.
final class CountingEmbedder: Embedder, @unchecked Sendable {
    let modelID: String
    let dimension: Int
    let maxTokens = 256
    private let counter = HeuristicTokenCounter()
    private let lock = NSLock()
    private var _calls = 0
    private var _texts: [String] = []

    init(modelID: String = "test/counting", dimension: Int = 16) {
        self.modelID = modelID
        self.dimension = dimension
    }

    var calls: Int { lock.withLock { _calls } }
    var texts: [String] { lock.withLock { _texts } }

    func reset() { lock.withLock { _calls = 0; _texts = [] } }

    func countTokens(_ text: String) -> Int { counter.countTokens(text) }

    func embed(_ texts: [String]) async throws -> [[Float]] {
        lock.withLock {
            _calls += 1
            _texts += texts
        }
        return texts.map(Self.vector)
    }

    static func vector(_ text: String) -> [Float] {
        var rng = SeededGenerator(seed: UInt64(truncatingIfNeeded: text.utf8.reduce(14_695_981_039_346_656_037 as UInt64) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }))
        return (0..<16).map { _ in rng.gaussian() }
    }
}

func openIngestStore(_ dir: TemporaryDirectory) throws -> VectorStore {
    var configuration = VectorStore.Configuration()
    configuration.migrations = IngestSchema.migrations
    return try VectorStore(directory: dir.path, configuration: configuration)
}

/// A small documents folder: markdown with headings, text, HTML, code.
func writeCorpus(_ root: String) throws {
    let files: [String: String] = [
        "handbook/keys.md": """
            # Key management

            ## Rotation

            Rotate API keys every 90 days. Use `ragctl keys rotate ID --grace 24h` so the old key keeps working during the grace period.

            ## Revocation

            Revoke a key at once when it leaks. Revoked keys fail with 401 on the next request.
            """,
        "handbook/install.md": """
            # Install

            ## Linux

            Run make demo on a fresh machine. It installs OpenBLAS, SQLite and libcurl with apt.

            ## macOS

            Not supported yet.
            """,
        "notes/meeting.txt": "Meeting notes.\n\nWe agreed to ship hybrid search after the benchmark shows it beats dense retrieval.\n",
        "web/page.html": "<html><head><title>Status page</title><script>var x=1;</script></head><body><nav>menu</nav><h1>Status</h1><p>All systems operational.</p></body></html>",
        "code/tool.py": "def rotate(key):\n    \"\"\"Rotate a key.\"\"\"\n    return key[::-1]\n\n\nclass Vault:\n    pass\n",
    ]
    for (path, text) in files {
        let url = URL(fileURLWithPath: root).appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
}
