import Foundation
import VectorStore

/// The ingest pipeline: walk → read and hash → extract → chunk → (redact, flag, detect language) → embed
/// what the cache lacks → write each group of documents in one transaction.
///
/// Idempotent: a file whose content and ingest settings are unchanged is skipped without extraction,
/// embedding or writes. A changed file's chunks replace the old ones atomically (one transaction, applied
/// to the serving index at once), and only chunk texts never embedded before with this model are embedded.
/// A killed ingest leaves whole documents only; the next run completes it.
public final class Ingestor: Sendable {
    public let store: VectorStore
    public let embedder: any Embedder
    public let jobs: JobStore
    let extractor = Extractor()
    let redactor = PIIRedactor()
    let injection = InjectionDetector()
    let languages = LanguageDetector()

    public init(store: VectorStore, embedder: any Embedder) {
        self.store = store
        self.embedder = embedder
        self.jobs = JobStore(store: store)
    }

    /// Creates the namespace for this embedder, or checks that an existing one was made by the same model.
    /// - Throws: `IngestError.embedderMismatch` naming both models or dimensions.
    public func prepareNamespace(_ namespace: String) throws {
        guard let info = try? store.namespace(namespace) else {
            try store.createNamespace(namespace, dimension: embedder.dimension, model: embedder.modelID)
            return
        }
        guard info.dimension == embedder.dimension else {
            throw IngestError(.embedderMismatch,
                "namespace \"\(namespace)\" holds \(info.dimension)-dimensional vectors; embedder \(embedder.modelID) makes \(embedder.dimension)",
                context: namespace)
        }
        if let model = info.model, model != embedder.modelID {
            throw IngestError(.embedderMismatch,
                "namespace \"\(namespace)\" was embedded with \(model); this ingest uses \(embedder.modelID). Use another namespace or the same embedder",
                context: namespace)
        }
        if info.model == nil {
            guard info.count == 0 else {
                throw IngestError(.embedderMismatch,
                    "namespace \"\(namespace)\" holds raw vectors of no recorded model; ingest documents into another namespace",
                    context: namespace)
            }
            try store.setModel(embedder.modelID, for: namespace)
        }
    }

    /// Runs one ingest as a job (created here unless given). Returns the summary; per-file failures are in
    /// `failed`, and nothing else is affected by them.
    /// - Throws: on fatal errors (embedder down, store unwritable); documents already written stay, and the
    ///   job is marked failed with the reason.
    public func ingest(_ options: IngestOptions, job existing: Job? = nil,
                       progress: (@Sendable (IngestProgress) -> Void)? = nil) async throws -> IngestSummary {
        let started = Date()
        try options.chunker.validate()
        try jobs.recoverInterrupted()
        var job: Job
        if let existing {
            job = existing
            try jobs.markRunning(existing.id)
        } else {
            job = try jobs.create(kind: "ingest", namespace: options.namespace, request: JobStore.json(options), start: true)
        }
        var summary = IngestSummary(namespace: options.namespace)
        summary.jobID = job.id
        do {
            try prepareNamespace(options.namespace)
            try await run(options, summary: &summary, job: &job, started: started, progress: progress)
            summary.elapsedMs = Int(Date().timeIntervalSince(started) * 1000)
            job.progress = summary.progress
            job.errors = summary.failed
            try jobs.finish(job, state: .succeeded, message: summary.failed.isEmpty ? nil : "\(summary.failed.count) file(s) failed")
            return summary
        } catch {
            job.progress = summary.progress
            job.errors = summary.failed
            try? jobs.finish(job, state: Task.isCancelled ? .cancelled : .failed, message: "\(error)")
            throw error
        }
    }

    private func run(_ options: IngestOptions, summary: inout IngestSummary, job: inout Job, started: Date,
                     progress: (@Sendable (IngestProgress) -> Void)?) async throws {
        let namespace = options.namespace
        let roots = options.paths.map { URL(fileURLWithPath: $0).standardizedFileURL }
        for root in roots where !FileManager.default.fileExists(atPath: root.path) {
            summary.failed.append(FileFailure(path: root.path, error: "no such file or directory"))
        }
        let walker = FileWalker(includes: options.includes, excludes: options.excludes, includeHidden: options.includeHidden)
        let walk = walker.walk(roots.filter { FileManager.default.fileExists(atPath: $0.path) })
        summary.failed += walk.problems.map { FileFailure(path: $0.path, error: $0.message) }

        let signature = options.signature(modelID: embedder.modelID)
        var known: [String: (id: String, hash: String, signature: String)] = [:]
        // Documents above `replaceableLevel` are neither replaced nor pruned by this ingest.
        var protected = Set<String>()
        for row in try store.query("SELECT source_url, id, content_hash, signature, access_level FROM documents WHERE namespace = ?",
                                   [.text(namespace)]) {
            known[row[0].string ?? ""] = (row[1].string ?? "", row[2].string ?? "", row[3].string ?? "")
            if let limit = options.replaceableLevel, (AccessLevel(rawValue: row[4].string ?? "") ?? .restricted) > limit {
                protected.insert(row[0].string ?? "")
            }
        }
        var seen = Set<String>()
        var failedSources = Set(summary.failed.map(\.path))
        let files = walk.files
        var done = 0, chunkCount = 0
        let report = { (done: Int, chunks: Int, embedded: Int) in
            progress?(IngestProgress(filesTotal: files.count, filesDone: done, chunks: chunks, embedded: embedded,
                                     elapsed: Date().timeIntervalSince(started)))
        }
        report(0, 0, 0)
        // Group n is written on a Dispatch thread while group n + 1 is read, extracted and embedded, so the
        // single SQLite writer and the parallel preparation overlap. Writes stay in order.
        typealias Written = (counts: (Int, Int, Int, Int), documents: [PreparedDocument], seconds: Double)
        var pendingWrite: Task<Written, Error>?
        func settle(_ written: Written) {
            let (added, updated, chunksAdded, chunksRemoved) = written.counts
            summary.stageSeconds["write", default: 0] += written.seconds
            summary.documentsAdded += added
            summary.documentsUpdated += updated
            summary.chunksAdded += chunksAdded
            summary.chunksRemoved += chunksRemoved
            chunkCount += written.documents.reduce(0) { $0 + $1.chunks.count }
        }
        do {
            for groupStart in stride(from: 0, to: files.count, by: max(1, options.groupSize)) {
                try Task.checkCancellation()
                let group = Array(files[groupStart..<min(files.count, groupStart + options.groupSize)])
                let knownNow = known
                var stageStart = Date()
                var prepared = try await onBlockingQueue { [self] in
                    prepare(group, options: options, namespace: namespace, signature: signature, known: knownNow)
                }
                for index in prepared.indices where protected.contains(prepared[index].source) {
                    prepared[index].outcome = .failed("a document this ingest may not replace (above its access level) has this source")
                }
                summary.stageSeconds["prepare", default: 0] += Date().timeIntervalSince(stageStart)
                for document in prepared {
                    seen.insert(document.source)
                    if case .failed(let reason) = document.outcome {
                        summary.failed.append(FileFailure(path: document.source, error: reason))
                        failedSources.insert(document.source)
                    }
                }
                let changed = prepared.filter { if case .changed = $0.outcome { return true }; return false }
                summary.documentsUnchanged += prepared.count { if case .unchanged = $0.outcome { return true }; return false }
                if !changed.isEmpty {
                    stageStart = Date()
                    let vectors = try await embedVectors(changed, summary: &summary)
                    summary.stageSeconds["embed", default: 0] += Date().timeIntervalSince(stageStart)
                    if let pendingWrite { settle(try await pendingWrite.value) }
                    let groupSummary = summary
                    let jobNow = job
                    pendingWrite = Task { [self] in
                        try await onBlockingQueue { [self] in
                            let started = Date()
                            let counts = try write(changed, vectors: vectors, options: options, signature: signature, known: knownNow,
                                                   job: jobNow, summary: groupSummary)
                            return (counts, changed, Date().timeIntervalSince(started))
                        }
                    }
                    for document in changed { known[document.source] = (document.id, document.contentHash, signature) }
                }
                done += group.count
                report(done, chunkCount, summary.chunksEmbedded)
            }
        } catch {
            // Let the group already being written commit (or fail) before the job is marked failed.
            if let pendingWrite, let written = try? await pendingWrite.value { settle(written) }
            throw error
        }
        if let pendingWrite {
            settle(try await pendingWrite.value)
            report(done, chunkCount, summary.chunksEmbedded)
        }
        if options.prune, options.sourceBase == nil, options.sourceNames == nil {
            let gone = known.filter { source, _ in
                !seen.contains(source) && !failedSources.contains(source) && !protected.contains(source)
                    && roots.contains { root in source == root.path || source.hasPrefix(root.path.hasSuffix("/") ? root.path : root.path + "/") }
            }
            if !gone.isEmpty {
                let removed = try await onBlockingQueue { [self] in try remove(Array(gone.values.map(\.id)), namespace: namespace) }
                summary.documentsRemoved += gone.count
                summary.chunksRemoved += removed
            }
        }
    }

    /// Reads, hashes and (when changed) extracts and chunks a group of files, in parallel.
    func prepare(_ files: [WalkedFile], options: IngestOptions, namespace: String, signature: String,
                 known: [String: (id: String, hash: String, signature: String)]) -> [PreparedDocument] {
        var results = [PreparedDocument?](repeating: nil, count: files.count)
        let chunker = Chunker(config: options.chunker, counter: embedder)
        results.withUnsafeMutableBufferPointer { buffer in
            let out = UnsafeSendable(buffer)
            DispatchQueue.concurrentPerform(iterations: files.count) { index in
                out.value[index] = self.prepareOne(files[index], options: options, namespace: namespace, signature: signature,
                                                   known: known, chunker: chunker)
            }
        }
        return results.map { $0! }
    }

    private func prepareOne(_ file: WalkedFile, options: IngestOptions, namespace: String, signature: String,
                            known: [String: (id: String, hash: String, signature: String)], chunker: Chunker) -> PreparedDocument {
        let path = file.url.path
        let source = options.sourceNames?[file.relativePath] ?? options.sourceBase.map { $0 + file.relativePath } ?? path
        var document = PreparedDocument(source: source, id: Hashing.documentID(namespace: namespace, source: source), outcome: .changed)
        let bytes: [UInt8]
        do {
            bytes = try Extractor.readFile(path: path, maxBytes: options.maxFileBytes)
        } catch {
            document.outcome = .failed(error.reason)
            return document
        }
        document.sizeBytes = bytes.count
        document.contentHash = Hashing.sha256Hex(Data(bytes))
        if let previous = known[source], previous.hash == document.contentHash, previous.signature == signature {
            document.outcome = .unchanged
            return document
        }
        var extracted: ExtractedDocument
        do {
            extracted = try extractor.extract(data: Data(bytes), fileName: file.url.lastPathComponent, maxBytes: options.maxFileBytes)
        } catch {
            document.outcome = .failed(error.reason)
            return document
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        document.modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? Date().timeIntervalSince1970
        document.title = extracted.title
        document.format = extracted.format.name
        document.language = languages.detect(String(extracted.text.prefix(4_000)))
        var chunks = chunker.chunk(extracted)
        if chunks.isEmpty {
            document.outcome = .failed("no text to index after extraction")
            return document
        }
        if options.redactPII {
            document.title = redactor.redact(document.title).text
            for index in chunks.indices {
                chunks[index].text = redactor.redact(chunks[index].text).text
                chunks[index].headingPath = chunks[index].headingPath.map { redactor.redact($0).text }
            }
        }
        document.chunks = chunks
        document.textHashes = chunks.map { Hashing.sha256Hex($0.embeddingText) }
        document.injectionFlags = chunks.map { injection.score($0.text).isInjection }
        return document
    }

    /// Vectors for every chunk of `documents`, from the embedding cache or the embedder.
    private func embedVectors(_ documents: [PreparedDocument], summary: inout IngestSummary) async throws -> [String: [Float]] {
        let hashes = Set(documents.flatMap(\.textHashes))
        let model = embedder.modelID
        var vectors = try await onBlockingQueue { [store] in try Self.cachedVectors(store: store, model: model, hashes: Array(hashes)) }
        var missing: [(hash: String, text: String)] = []
        var queued = Set<String>()
        for document in documents {
            for (chunk, hash) in zip(document.chunks, document.textHashes) where vectors[hash] == nil && !queued.contains(hash) {
                queued.insert(hash)
                missing.append((hash, chunk.embeddingText))
            }
        }
        guard !missing.isEmpty else { return vectors }
        let batch = 64
        for start in stride(from: 0, to: missing.count, by: batch * 8) {
            try Task.checkCancellation()
            let slice = Array(missing[start..<min(missing.count, start + batch * 8)])
            let embedded = try await embedder.embed(slice.map(\.text))
            guard embedded.count == slice.count else {
                throw IngestError(.embedding, "embedder \(model) returned \(embedded.count) vectors for \(slice.count) texts")
            }
            for (item, vector) in zip(slice, embedded) {
                guard vector.count == embedder.dimension else {
                    throw IngestError(.embedding, "embedder \(model) returned a \(vector.count)-dimensional vector; expected \(embedder.dimension)")
                }
                vectors[item.hash] = vector
            }
            summary.embeddingCalls += (slice.count + batch - 1) / batch
            summary.chunksEmbedded += slice.count
        }
        return vectors
    }

    static func cachedVectors(store: VectorStore, model: String, hashes: [String]) throws -> [String: [Float]] {
        var result: [String: [Float]] = [:]
        for start in stride(from: 0, to: hashes.count, by: 500) {
            let slice = hashes[start..<min(hashes.count, start + 500)]
            let placeholders = slice.map { _ in "?" }.joined(separator: ",")
            for row in try store.query("SELECT text_hash, vector FROM embedding_cache WHERE model = ? AND text_hash IN (\(placeholders))",
                                       [.text(model)] + slice.map { .text($0) }) {
                guard let hash = row[0].string,
                      let bytes = try store.openBytes(row[1], .embeddingCacheVector, row: [.text(model), row[0]]),
                      bytes.count % 4 == 0 else { continue }
                result[hash] = bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            }
        }
        return result
    }

    /// Writes a group of changed documents in one transaction: old chunks out, new chunks and vectors in,
    /// document rows and the embedding cache updated. Returns (added, updated, chunks added, chunks removed).
    private func write(_ documents: [PreparedDocument], vectors: [String: [Float]], options: IngestOptions, signature: String,
                       known: [String: (id: String, hash: String, signature: String)], job: Job,
                       summary: IngestSummary) throws -> (Int, Int, Int, Int) {
        let namespace = options.namespace
        let now = Date().timeIntervalSince1970
        var added = 0, updated = 0, chunksAdded = 0, chunksRemoved = 0
        let baseMetadata = options.typedMetadata
        try store.write { tx in
            for document in documents {
                let old = try tx.query("SELECT id, text_hash FROM chunks WHERE namespace = ? AND document_id = ?",
                                       [.text(namespace), .text(document.id)])
                var oldChunks: [String: String] = [:]
                for row in old { oldChunks[row[0].string ?? ""] = row[1].string ?? "" }
                let newIDs = Set(document.chunks.indices.map(document.chunkID))
                let stale = oldChunks.keys.filter { !newIDs.contains($0) }
                if !stale.isEmpty { try tx.delete(ids: stale, from: namespace) }
                var records: [VectorRecord] = []
                records.reserveCapacity(document.chunks.count)
                for index in document.chunks.indices {
                    let id = document.chunkID(index)
                    let hash = document.textHashes[index]
                    if oldChunks[id] != hash { chunksAdded += 1; if oldChunks[id] != nil { chunksRemoved += 1 } }
                    var metadata = baseMetadata
                    metadata[MetadataKey.accessLevel] = .string(options.accessLevel.rawValue)
                    metadata[MetadataKey.createdAt] = .number(document.modified)
                    metadata[MetadataKey.language] = .string(document.language)
                    if let category = options.category { metadata[MetadataKey.category] = .string(category) }
                    metadata["source"] = .string(document.source)
                    metadata["title"] = .string(document.title)
                    metadata["format"] = .string(document.format)
                    metadata["ordinal"] = .number(Double(index))
                    if document.injectionFlags[index] { metadata["prompt_injection"] = .bool(true) }
                    records.append(VectorRecord(id: id, documentID: document.id, vector: vectors[hash]!, metadata: metadata))
                }
                try tx.upsert(records, into: namespace)
                chunksRemoved += stale.count
                let rows = document.chunks.enumerated().map { index, chunk in
                    ChunkRecord(id: document.chunkID(index), documentID: document.id, ordinal: index, text: chunk.text,
                                start: chunk.start, end: chunk.end, headingPath: chunk.headingPath.joined(separator: " > "),
                                tokenCount: chunk.tokenCount, textHash: document.textHashes[index])
                }
                try ChunkTable.replace(document.id, with: rows, namespace: namespace, in: tx)
                for hash in Set(document.textHashes) {
                    let bytes = vectors[hash]!.withUnsafeBytes { Array($0) }
                    let key: [SQLValue] = [.text(embedder.modelID), .text(hash)]
                    try tx.execute("INSERT OR IGNORE INTO embedding_cache(model, text_hash, vector, created_at) VALUES (?, ?, ?, ?)",
                                   [key[0], key[1], store.seal(.blob(bytes), .embeddingCacheVector, row: key), .real(now)])
                }
                var documentMetadata = options.metadata
                if let category = options.category { documentMetadata["category"] = category }
                let isNew = known[document.source] == nil
                if isNew { added += 1 } else { updated += 1 }
                try tx.execute("""
                    INSERT INTO documents(namespace, id, title, source_url, uploaded_at, chunk_count, last_indexed_at, content_hash,
                                          signature, metadata, access_level, language, format, size_bytes)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(namespace, id) DO UPDATE SET title = excluded.title, chunk_count = excluded.chunk_count,
                        last_indexed_at = excluded.last_indexed_at, content_hash = excluded.content_hash,
                        signature = excluded.signature, metadata = excluded.metadata, access_level = excluded.access_level,
                        language = excluded.language, format = excluded.format, size_bytes = excluded.size_bytes
                    """, [.text(namespace), .text(document.id),
                          store.seal(text: document.title, .documentsTitle, row: [.text(namespace), .text(document.id)]),
                          .text(document.source), .real(now),
                          .integer(Int64(document.chunks.count)), .real(now), .text(document.contentHash), .text(signature),
                          .text(JobStore.json(documentMetadata)), .text(options.accessLevel.rawValue), .text(document.language),
                          .text(document.format), .integer(Int64(document.sizeBytes))])
            }
            var progressJob = job
            var progressSummary = summary
            progressSummary.documentsAdded += added
            progressSummary.documentsUpdated += updated
            progressJob.progress = progressSummary.progress
            try jobs.update(progressJob, in: tx)
        }
        return (added, updated, chunksAdded, chunksRemoved)
    }

    /// Deletes documents with their chunks and vectors in one transaction; returns the chunks removed.
    func remove(_ documentIDs: [String], namespace: String) throws -> Int {
        try DocumentRepository(store: store).delete(documentIDs: documentIDs, namespace: namespace)
    }
}

/// Carries a buffer into `concurrentPerform`; each iteration writes only its own slot.
struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
