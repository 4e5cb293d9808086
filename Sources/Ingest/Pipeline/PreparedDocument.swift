import Foundation
import VectorStore

/// One walked file after reading, hashing, extraction and chunking: what the write step needs.
struct PreparedDocument: Sendable {
    enum Outcome: Sendable {
        case unchanged
        case changed
        case failed(String)
    }

    var source: String
    var id: String
    var outcome: Outcome
    var contentHash = ""
    var sizeBytes = 0
    var title = ""
    var format = ""
    var language = "und"
    var modified: Double = 0
    var chunks: [Chunk] = []
    /// sha256 of each chunk's embedding text (the embedding-cache key).
    var textHashes: [String] = []
    var injectionFlags: [Bool] = []

    func chunkID(_ ordinal: Int) -> String { "\(id)#\(ordinal)" }
}

/// Blocking work (file I/O, extraction, SQLite, BLAS) runs on Dispatch threads, never on the cooperative pool.
func onBlockingQueue<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global(qos: .userInitiated).async {
            continuation.resume(with: Result { try body() })
        }
    }
}
