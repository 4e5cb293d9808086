import Foundation
import VectorStore

/// What to ingest and how. Defaults follow the seed and INTERFACE.md.
public struct IngestOptions: Sendable, Codable {
    public var namespace: String
    /// Files and folders to walk.
    public var paths: [String]
    public var category: String?
    public var accessLevel: AccessLevel = .public
    /// Extra metadata for every chunk: values that read as numbers or booleans are stored as such.
    public var metadata: [String: String] = [:]
    public var includes: [String] = []
    public var excludes: [String] = []
    public var includeHidden = false
    /// Remove documents whose files are gone (only under the given paths).
    public var prune = false
    /// Replace e-mail addresses, SSNs, card numbers, phone numbers and IBANs before embedding and storage.
    public var redactPII = false
    /// Files larger than this fail with a reason (default 50 MB).
    public var maxFileBytes = 50 << 20
    public var chunker = ChunkerConfig()
    /// Files written per transaction: a killed ingest loses at most one group, never half a document.
    public var groupSize = 64
    /// When set, a document's source is this prefix plus the file's path relative to its root
    /// (`upload:notes.md` for a file uploaded to the server) instead of its absolute path. Pruning compares
    /// sources with the roots, so it does not apply to such ingests.
    public var sourceBase: String?
    /// Sources by path relative to the root, winning over `sourceBase` (a document uploaded under a name).
    public var sourceNames: [String: String]?
    /// The highest access level of existing documents this ingest may replace or prune: the clearance of the
    /// caller who asked for it. A file whose source belongs to a document above it fails ("… may not replace")
    /// and such documents are never pruned. nil: no limit (the operator's own `ragctl ingest`).
    public var replaceableLevel: AccessLevel?

    public init(namespace: String, paths: [String]) {
        self.namespace = namespace
        self.paths = paths
    }

    /// What, besides content, decides a document's chunks and metadata: a change re-indexes it.
    func signature(modelID: String) -> String {
        let meta = metadata.keys.sorted().map { "\($0)=\(metadata[$0]!)" }.joined(separator: "&")
        return [modelID, "chunk=\(chunker.size)/\(chunker.overlap)/\(chunker.minChunk)/\(chunker.maxCharacters ?? 0)",
                "pii=\(redactPII)", "category=\(category ?? "")", "access=\(accessLevel.rawValue)", "meta=\(meta)",
                "pipeline=1"].joined(separator: "|")
    }

    /// User metadata as typed values: integers and decimals become numbers, true/false booleans.
    var typedMetadata: Metadata {
        metadata.mapValues { value in
            if let number = Double(value), value.first.map({ $0.isNumber || $0 == "-" }) == true { return .number(number) }
            if value == "true" || value == "false" { return .bool(value == "true") }
            return .string(value)
        }
    }
}

/// The outcome of one ingest, as printed by `ragctl ingest --json`.
public struct IngestSummary: Sendable, Codable, Equatable {
    public var namespace: String
    public var jobID: String?
    public var documentsAdded = 0
    public var documentsUpdated = 0
    public var documentsUnchanged = 0
    public var documentsRemoved = 0
    public var chunksAdded = 0
    public var chunksRemoved = 0
    /// Requests made to the embedder (batches).
    public var embeddingCalls = 0
    /// Texts embedded (chunks not found in the embedding cache).
    public var chunksEmbedded = 0
    public var failed: [FileFailure] = []
    public var elapsedMs = 0
    /// Wall-clock seconds per stage (prepare = read, hash, extract, chunk, detect; embed; write), for benchmarks.
    public var stageSeconds: [String: Double] = [:]

    public init(namespace: String) { self.namespace = namespace }

    enum CodingKeys: String, CodingKey {
        case namespace, failed
        case jobID = "job_id", documentsAdded = "documents_added", documentsUpdated = "documents_updated"
        case documentsUnchanged = "documents_unchanged", documentsRemoved = "documents_removed"
        case chunksAdded = "chunks_added", chunksRemoved = "chunks_removed", embeddingCalls = "embedding_calls"
        case chunksEmbedded = "chunks_embedded", elapsedMs = "elapsed_ms"
    }

    var progress: [String: Int] {
        ["documents_added": documentsAdded, "documents_updated": documentsUpdated, "documents_unchanged": documentsUnchanged,
         "documents_removed": documentsRemoved, "chunks_added": chunksAdded, "chunks_removed": chunksRemoved,
         "embedding_calls": embeddingCalls, "chunks_embedded": chunksEmbedded, "failed": failed.count]
    }
}

/// Progress reported while ingesting (for a terminal progress bar or job status).
public struct IngestProgress: Sendable {
    public var filesTotal: Int
    public var filesDone: Int
    public var chunks: Int
    public var embedded: Int
    public var elapsed: Double
}
