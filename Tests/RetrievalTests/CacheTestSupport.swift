import Foundation
import Ingest
import TestSupport
import VectorStore
@testable import Retrieval

/// An embedder whose vectors the test chooses: mapped strings get their vector; others get a deterministic
/// pseudo-random one (far from everything in practice). Counts its calls.
final class MappedEmbedder: Embedder, @unchecked Sendable {
    let modelID: String
    let dimension: Int
    let maxTokens = 256
    private let lock = NSLock()
    private var vectors: [String: [Float]]
    private var _calls = 0

    init(modelID: String = "test/mapped", dimension: Int = 4, _ vectors: [String: [Float]] = [:]) {
        self.modelID = modelID
        self.dimension = dimension
        self.vectors = vectors
    }

    var calls: Int { lock.withLock { _calls } }

    func countTokens(_ text: String) -> Int { HeuristicTokenCounter().countTokens(text) }

    func embed(_ texts: [String]) async throws -> [[Float]] {
        lock.withLock {
            _calls += 1
            return texts.map { text in
                if let vector = vectors[text] { return vector }
                var rng = SeededGenerator(seed: text.utf8.reduce(14_695_981_039_346_656_037 as UInt64) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 })
                return (0..<dimension).map { _ in rng.gaussian() }
            }
        }
    }
}

/// - Parameter key: an encryption key (the store is then encrypted at rest).
func openRetrievalStore(_ dir: TemporaryDirectory, key: EncryptionKey? = nil) throws -> VectorStore {
    var configuration = VectorStore.Configuration()
    configuration.durability = .normal
    configuration.migrations = IngestSchema.migrations + RetrievalSchema.migrations
    configuration.encryptionKey = key
    return try VectorStore(directory: dir.path, configuration: configuration)
}

func testScope(namespace: String = "handbook", generation: Int64 = 1, filter: Filter = .all, topK: Int = 5,
               model: String = "llama3", temperature: Double = 0.7, clearance: AccessLevel = .internal,
               callerNamespaces: AnswerCacheScope.CallerNamespaces = .all) -> AnswerCacheScope {
    AnswerCacheScope(namespace: namespace, generation: generation, filter: filter, topK: topK, model: model,
                     temperature: temperature, clearance: clearance, callerNamespaces: callerNamespaces)
}

func testAnswer(_ text: String, at time: Double = 0) -> CachedAnswer {
    let hit = SearchHit(chunkID: "doc#0", documentID: "doc", score: 0.9, text: "Rotate keys every 90 days.",
                        source: "docs/keys.md", title: "Keys", headingPath: "Keys > Rotation",
                        metadata: ["category": .string("security"), "year": .number(2026), "tags": .strings(["a"]),
                                   "prompt_injection": .bool(false)])
    return CachedAnswer(answer: text, hits: [hit], model: "llama3", createdAt: time)
}
