import Foundation
import Ingest
import VectorStore

/// Layer 2: answers found by meaning. A lookup embeds the query and returns a cached answer of the same
/// `AnswerCacheScope` whose query embedding has cosine ≥ `threshold` (`[cache] semantic_threshold`, 0.95)
/// and is younger than `ttl` (`semantic_ttl`, 3600 s, valid 1–24 h) — unless `SemanticQueryGuard` sees a
/// negation, number or polar-word difference ("version 2" vs "version 3").
///
/// Entries live in the store's SQLite file (`semantic_cache`, migration `retrieval.v1.query_log_semantic_cache`)
/// and survive restarts, so time must be wall-clock (the default `WallClockTime`). A lookup reads only its
/// scope's rows (index on the scope hash), at most `maxEntriesPerScope` of them, newest first; the embedding
/// model is part of the scope hash. SQLite calls are short and block the calling thread.
public actor SemanticAnswerCache {
    /// The semantic half of `[cache]`.
    public struct Configuration: Sendable, Equatable {
        /// Least cosine similarity for a hit, in (0, 1]. Default 0.95.
        public var threshold: Double = 0.95
        /// Seconds an entry is served, 3600...86400. Default 3600.
        public var ttl: Double = 3600
        /// Most entries kept per scope; older ones are dropped on store. Default 1000.
        public var maxEntriesPerScope: Int = 1000

        public init(threshold: Double = 0.95, ttl: Double = 3600, maxEntriesPerScope: Int = 1000) {
            self.threshold = threshold
            self.ttl = ttl
            self.maxEntriesPerScope = maxEntriesPerScope
        }

        /// - Throws: `RetrievalError(.unsupported)` naming `semantic_threshold` or `semantic_ttl`.
        public func validate() throws {
            guard threshold > 0, threshold <= 1 else {
                throw RetrievalError(.unsupported, "cache.semantic_threshold must be in (0, 1]; got \(threshold)")
            }
            guard (3600...86400).contains(ttl) else {
                throw RetrievalError(.unsupported, "cache.semantic_ttl must be 3600...86400 seconds (1–24 h); got \(ttl)")
            }
            guard maxEntriesPerScope >= 1 else {
                throw RetrievalError(.unsupported, "semantic cache entries per scope must be at least 1; got \(maxEntriesPerScope)")
            }
        }
    }

    public let configuration: Configuration
    private let database: VectorStore
    private let embedder: any Embedder
    private let time: any TimeSource
    private let metrics: RetrievalMetrics?
    public private(set) var statistics = CacheStatistics()

    /// - Parameters:
    ///   - store: opened with `RetrievalSchema.migrations`.
    ///   - embedder: embeds queries; its `modelID` is part of every scope.
    ///   - time: wall-clock seconds (entries persist across restarts). Default `WallClockTime()`.
    /// - Throws: `RetrievalError(.unsupported)` for an invalid configuration.
    public init(store: VectorStore, embedder: any Embedder, configuration: Configuration = Configuration(),
                time: any TimeSource = WallClockTime(), metrics: RetrievalMetrics? = nil) throws {
        try configuration.validate()
        self.database = store
        self.embedder = embedder
        self.configuration = configuration
        self.time = time
        self.metrics = metrics
    }

    /// Embeds `query` and looks it up. See `lookup(query:embedding:scope:)`.
    /// - Throws: the embedder's error; `VectorStoreError` when the table is missing (schema not migrated).
    public func lookup(query: String, scope: AnswerCacheScope) async throws -> SemanticCacheHit? {
        let vector = try await embedder.embed([query]).first ?? []
        return try lookup(query: query, embedding: vector, scope: scope)
    }

    /// The best fresh entry of `scope` whose embedding has cosine ≥ `threshold` with `embedding` and whose query
    /// passes `SemanticQueryGuard` against `query`; nil otherwise.
    /// - Throws: `RetrievalError(.embedderMismatch)` when `embedding` has the wrong length; `VectorStoreError`.
    public func lookup(query: String, embedding: [Float], scope: AnswerCacheScope) throws -> SemanticCacheHit? {
        let probe = try normalised(embedding)
        let now = time.now()
        let rows = try database.query("""
            SELECT id, query_text, embedding, answer, created_at FROM semantic_cache
            WHERE scope_hash = ? AND created_at > ? ORDER BY created_at DESC LIMIT ?
            """, [.text(scopeHash(scope)), .real(now - configuration.ttl), .integer(Int64(configuration.maxEntriesPerScope))])
        var candidates: [(similarity: Double, query: String, answer: String, createdAt: Double)] = []
        var sawExpired = false
        for row in rows {
            // In an encrypted store every embedding is opened; the text and answer only of entries close enough.
            let key = [row[0]]
            guard row.count == 5, let bytes = try database.openBytes(row[2], .semanticCacheEmbedding, row: key),
                  let createdAt = row[4].double, bytes.count == probe.count * 4 else { continue }
            let similarity = Self.dot(probe, bytes)
            if similarity >= configuration.threshold,
               let text = try database.openText(row[1], .semanticCacheQueryText, row: key),
               let answer = try database.openText(row[3], .semanticCacheAnswer, row: key) {
                candidates.append((similarity, text, answer, createdAt))
            }
        }
        if rows.isEmpty {
            // Distinguish "expired" from "never stored" for the statistics (one indexed probe).
            sawExpired = !(try database.query("SELECT 1 FROM semantic_cache WHERE scope_hash = ? LIMIT 1",
                                           [.text(scopeHash(scope))]).isEmpty)
        }
        let normalizedQuery = AnswerCacheKey.normalize(query)
        for candidate in candidates.sorted(by: { $0.similarity > $1.similarity }) {
            guard SemanticQueryGuard.compatible(normalizedQuery, candidate.query) else {
                statistics.guardRejections += 1
                continue
            }
            guard let answer = try? JSONDecoder().decode(CachedAnswer.self, from: Data(candidate.answer.utf8)) else { continue }
            record(hit: true)
            return SemanticCacheHit(answer: answer, similarity: candidate.similarity, matchedQuery: candidate.query,
                                    age: now - candidate.createdAt)
        }
        if sawExpired { statistics.expired += 1 }
        record(hit: false)
        return nil
    }

    /// Embeds `query` and stores `answer` for it. See `store(_:query:embedding:scope:)`.
    public func store(_ answer: CachedAnswer, query: String, scope: AnswerCacheScope) async throws {
        let vector = try await embedder.embed([query]).first ?? []
        try store(answer, query: query, embedding: vector, scope: scope)
    }

    /// Stores `answer` for `query` (the validated text; PII is redacted again before it is written) in `scope`,
    /// replacing an entry for the same normalised query, then drops expired entries and the scope's oldest beyond `maxEntriesPerScope`.
    /// - Throws: `RetrievalError(.embedderMismatch)` for a wrong-length embedding; `VectorStoreError`.
    public func store(_ answer: CachedAnswer, query: String, embedding: [Float], scope: AnswerCacheScope) throws {
        let vector = try normalised(embedding)
        let json = String(decoding: try JSONEncoder().encode(answer), as: UTF8.self)
        let hash = scopeHash(scope)
        // Redacted again: the text is persisted, and a caller with the PII policy `off` may pass raw data.
        let normalizedQuery = AnswerCacheKey.normalize(PIIRedactor().redact(query).text)
        let now = time.now()
        let blob = vector.withUnsafeBufferPointer { Array(UnsafeRawBufferPointer($0)) }
        let store = database
        try database.write { tx in
            if store.isEncrypted {
                // Sealed texts cannot be compared in SQL: open the scope's entries and delete the same question.
                for row in try tx.query("SELECT id, query_text FROM semantic_cache WHERE scope_hash = ?", [.text(hash)])
                where try store.openText(row[1], .semanticCacheQueryText, row: [row[0]]) == normalizedQuery {
                    try tx.execute("DELETE FROM semantic_cache WHERE id = ?", [row[0]])
                }
            } else {
                try tx.execute("DELETE FROM semantic_cache WHERE scope_hash = ? AND query_text = ?",
                               [.text(hash), .text(normalizedQuery)])
            }
            // The id is chosen here (as SQLite would: one past the largest) because sealed values are bound to it.
            let id = SQLValue.integer(Int64(try tx.query("SELECT COALESCE(MAX(id), 0) + 1 FROM semantic_cache").first?.first?.int ?? 1))
            try tx.execute("""
                INSERT INTO semantic_cache(id, scope_hash, namespace, generation, query_text, embedding_model, embedding, answer, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [id, .text(hash), .text(scope.namespace), .integer(scope.generation),
                      store.seal(text: normalizedQuery, .semanticCacheQueryText, row: [id]),
                      .text(embedder.modelID), store.seal(.blob(blob), .semanticCacheEmbedding, row: [id]),
                      store.seal(text: json, .semanticCacheAnswer, row: [id]), .real(now)])
            try tx.execute("DELETE FROM semantic_cache WHERE created_at <= ?", [.real(now - configuration.ttl)])
            try tx.execute("""
                DELETE FROM semantic_cache WHERE scope_hash = ? AND id NOT IN
                  (SELECT id FROM semantic_cache WHERE scope_hash = ? ORDER BY created_at DESC, id DESC LIMIT ?)
                """, [.text(hash), .text(hash), .integer(Int64(configuration.maxEntriesPerScope))])
        }
        statistics.stores += 1
    }

    /// Drops every entry of `namespace` older than `generation` (all of them when nil); returns how many.
    @discardableResult
    public func invalidate(namespace: String, before generation: Int64? = nil) throws -> Int {
        try database.write { tx in
            let where_ = generation == nil ? "namespace = ?" : "namespace = ? AND generation < ?"
            var args: [SQLValue] = [.text(namespace)]
            if let generation { args.append(.integer(generation)) }
            let count = try tx.query("SELECT COUNT(*) FROM semantic_cache WHERE \(where_)", args).first?.first?.int ?? 0
            try tx.execute("DELETE FROM semantic_cache WHERE \(where_)", args)
            return count
        }
    }

    /// Entries stored (fresh or not yet purged) for `scope`.
    public func count(scope: AnswerCacheScope) throws -> Int {
        try database.query("SELECT COUNT(*) FROM semantic_cache WHERE scope_hash = ?", [.text(scopeHash(scope))])
            .first?.first?.int ?? 0
    }

    // MARK: Internals

    private func scopeHash(_ scope: AnswerCacheScope) -> String {
        Hashing.sha256Hex(scope.canonicalJSON + "\nembedding_model=" + embedder.modelID)
    }

    private func normalised(_ vector: [Float]) throws -> [Float] {
        guard vector.count == embedder.dimension else {
            throw RetrievalError(.embedderMismatch,
                "query embedding has \(vector.count) dimensions; \(embedder.modelID) produces \(embedder.dimension)")
        }
        var norm = 0.0
        for x in vector { norm += Double(x) * Double(x) }
        norm = norm.squareRoot()
        guard norm > 0, norm.isFinite else {
            throw RetrievalError(.embedderMismatch, "query embedding from \(embedder.modelID) is zero or not finite")
        }
        return vector.map { Float(Double($0) / norm) }
    }

    /// Dot product of `probe` with the little-endian Float32 blob `bytes` (both unit length: cosine).
    private static func dot(_ probe: [Float], _ bytes: [UInt8]) -> Double {
        bytes.withUnsafeBytes { raw in
            var sum: Float = 0
            for i in 0..<probe.count {
                sum += probe[i] * raw.loadUnaligned(fromByteOffset: i * 4, as: Float.self)
            }
            return Double(sum)
        }
    }

    private func record(hit: Bool) {
        if hit { statistics.hits += 1 } else { statistics.misses += 1 }
        metrics?.recordCacheRequest(layer: "semantic", result: hit ? "hit" : "miss")
    }
}
