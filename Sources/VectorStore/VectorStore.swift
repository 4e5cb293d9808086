import BLAS
import Foundation

/// A durable, exact vector store: namespaces of unit vectors with metadata, searched by cosine similarity.
///
/// SQLite (WAL) is the record of truth; every write is one transaction and returns once committed. Each
/// namespace also lives in memory as a contiguous normalised matrix plus typed metadata columns, rebuilt at
/// open, which serves all reads. Searches run in parallel with each other and with a writer: a writer holds a
/// namespace's write lock only to apply an already-committed change to memory.
///
/// All methods are synchronous and thread-safe. They block (SQLite I/O, BLAS), so async callers should run
/// them on a dedicated thread pool rather than the cooperative pool.
public final class VectorStore: @unchecked Sendable {
    public struct Configuration: Sendable {
        /// `full`: a commit survives power loss (fsync per commit). `normal`: it survives a process crash.
        public enum Durability: String, Sendable { case full = "FULL", normal = "NORMAL" }

        public var durability: Durability = .full
        /// Migrations of other modules sharing the database file, applied after the store's own.
        public var migrations: [Migration] = []
        /// Threads a batched search splits its rows over. Default: the number of cores.
        public var searchThreads: Int = ProcessInfo.processInfo.activeProcessorCount
        /// Largest `k` a search accepts.
        public var maxTopK: Int = 10_000
        /// The key of an encrypted store, or of a new store that should be encrypted; nil for a plaintext store.
        /// See `VectorStore+Encryption.swift` for what opening checks.
        public var encryptionKey: EncryptionKey?

        public init() {}
    }

    public let path: String
    public let configuration: Configuration
    /// Seals and opens the store's encrypted columns; nil when the store is not encrypted.
    public let cipher: StoreCipher?
    let writer: SQLiteConnection
    private let reader: SQLiteConnection
    /// `<path>-lock`, held shared while the store is open; a rotation takes it exclusively.
    let lockFile: LockFile
    private let attachmentLock = Mutex()
    private var attachments: [ObjectIdentifier: any AnyObject & Sendable] = [:]
    let writeLock = Mutex()
    private let readLock = Mutex()
    private let registryLock = Mutex()
    /// Guarded by `registryLock` (written without it only during `init`).
    var indexes: [String: NamespaceIndex] = [:]
    var namespaceIDs: [String: Int64] = [:]

    /// Opens or creates the store in `path` (a SQLite file), applies migrations and loads every namespace.
    /// - Throws: `VectorStoreError` when the file cannot be opened, is corrupt or is from a newer version;
    ///   for an encrypted store opened without its key or with another one, a plaintext store given a key,
    ///   and a value that does not decrypt (see `VectorStore+Encryption.swift`).
    public convenience init(path: String, configuration: Configuration = Configuration()) throws {
        try self.init(path: path, configuration: configuration, loadNamespaces: true)
    }

    /// `loadNamespaces: false` opens the file without building the serving copies (for a rotation, which
    /// touches only SQLite): searches and writes of vectors then find no namespace.
    init(path: String, configuration: Configuration, loadNamespaces: Bool) throws {
        self.path = path
        self.configuration = configuration
        do {
            try BLAS.load()
        } catch {
            throw VectorStoreError(.storage, "\(error)", context: path)
        }
        lockFile = try LockFile(storePath: path)
        writer = try SQLiteConnection(path: path, synchronous: configuration.durability.rawValue)
        try writer.migrate(StoreSchema.migrations + configuration.migrations)
        cipher = try Self.establishCipher(writer, key: configuration.encryptionKey)
        reader = try SQLiteConnection(path: path, readOnly: true)
        if cipher != nil {
            // Freed pages are zeroed (no deleted value lingers in the file) and temporary tables, sorts and
            // VACUUM's copy stay in memory.
            try writer.execute("PRAGMA secure_delete = ON; PRAGMA temp_store = MEMORY")
            try reader.execute("PRAGMA temp_store = MEMORY")
        }
        if loadNamespaces { try load() }
    }

    /// Opens the store in `directory/store.sqlite`, creating the directory.
    public convenience init(directory: String, configuration: Configuration = Configuration()) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw VectorStoreError(.storage, "cannot create data directory: \(error.localizedDescription)", context: directory)
        }
        try self.init(path: (directory as NSString).appendingPathComponent("store.sqlite"), configuration: configuration)
    }

    // MARK: Namespaces

    /// Creates a namespace of `dimension`-long vectors compared by cosine similarity.
    /// - Throws: `invalidNamespaceName`, `namespaceExists`, `invalidArgument` for a dimension outside 1...65536.
    @discardableResult
    public func createNamespace(_ name: String, dimension: Int, model: String? = nil) throws -> NamespaceInfo {
        try RecordValidation.checkNamespaceName(name)
        guard (1...65_536).contains(dimension) else {
            throw VectorStoreError(.invalidArgument, "dimension must be between 1 and 65536, got \(dimension)", context: name)
        }
        return try writeLock.withLock {
            if registryLock.withLock({ indexes[name] }) != nil {
                throw VectorStoreError(.namespaceExists, "namespace \"\(name)\" already exists", context: name)
            }
            let now = Date().timeIntervalSince1970
            // Generations start at the creation time in microseconds, not 0: a namespace dropped and created
            // again under the same name never repeats a generation of its predecessor, so nothing keyed by
            // (name, generation) — the answer caches — can carry an old namespace's answers over.
            let generation = Int64(now * 1_000_000)
            let id: Int64 = try writer.transaction {
                let insert = try writer.prepare("INSERT INTO namespaces(name, dimension, metric, model, created_at, generation) VALUES (?, ?, 'cosine', ?, ?, ?)")
                insert.bind(1, name)
                insert.bind(2, dimension)
                insert.bind(3, model)
                insert.bind(4, now)
                insert.bind(5, generation)
                try insert.run()
                return writer.lastInsertRowID
            }
            let index = NamespaceIndex(name: name, dimension: dimension, generation: generation, model: model, createdAt: now)
            registryLock.withLock {
                indexes[name] = index
                namespaceIDs[name] = id
            }
            return info(index)
        }
    }

    /// Every namespace, sorted by name.
    public func listNamespaces() -> [NamespaceInfo] {
        let all = registryLock.withLock { Array(indexes.values) }
        return all.map(info).sorted { $0.name < $1.name }
    }

    /// Size and definition of one namespace.
    public func namespace(_ name: String) throws -> NamespaceInfo { info(try index(name)) }

    /// Deletes a namespace and all its vectors.
    public func dropNamespace(_ name: String) throws {
        try writeLock.withLock {
            let index = try self.index(name)
            let id = registryLock.withLock { namespaceIDs[name]! }
            try writer.transaction {
                let delete = try writer.prepare("DELETE FROM namespaces WHERE id = ?")
                delete.bind(1, id)
                try delete.run()
            }
            index.lock.withWriteLock {
                registryLock.withLock {
                    indexes[name] = nil
                    namespaceIDs[name] = nil
                }
            }
        }
    }

    /// Records the embedding model of a namespace (set once by ingest; checked on later ingests).
    public func setModel(_ model: String, for name: String) throws {
        try writeLock.withLock {
            let index = try self.index(name)
            try writer.transaction {
                let update = try writer.prepare("UPDATE namespaces SET model = ? WHERE name = ?")
                update.bind(1, model)
                update.bind(2, name)
                try update.run()
            }
            index.lock.withWriteLock { index.model = model }
        }
    }

    // MARK: Writes

    /// Runs `body` as one SQLite transaction; its vector changes become visible to searches together, after
    /// the commit. If `body` throws, nothing is written.
    public func write<T>(_ body: (WriteTransaction) throws -> T) throws -> T {
        try writeLock.withLock {
            let transaction = WriteTransaction(store: self)
            let value = try writer.transaction {
                try checkKeyUnchanged()
                let value = try body(transaction)
                try transaction.bumpGenerations()
                return value
            }
            transaction.applyCommitted()
            transaction.runCommitHooks()
            return value
        }
    }

    /// Inserts or replaces `records` in one transaction. Returns the number written.
    /// - Throws: on any invalid record (dimension, NaN, zero vector, empty or duplicate id, bad metadata),
    ///   naming it; nothing is written.
    @discardableResult
    public func upsert(_ records: [VectorRecord], into namespace: String) throws -> Int {
        try write { try $0.upsert(records, into: namespace) }
    }

    /// Deletes records by id; returns how many existed.
    @discardableResult
    public func delete(ids: [String], from namespace: String) throws -> Int {
        try write { try $0.delete(ids: ids, from: namespace) }
    }

    /// Deletes every record of a document; returns how many there were.
    @discardableResult
    public func delete(documentID: String, from namespace: String) throws -> Int {
        try write { try $0.delete(documentID: documentID, from: namespace) }
    }

    /// Deletes every record matching `filter`; returns how many there were.
    @discardableResult
    public func delete(matching filter: Filter, from namespace: String) throws -> Int {
        try write { transaction in
            let index = try self.index(namespace)
            let ids = try index.lock.withReadLock {
                try index.evaluate(filter).rows().map { index.ids[Int($0)] }
            }
            return try transaction.delete(ids: ids, from: namespace)
        }
    }

    /// Checks one record as `upsert` would (id, dimension, finite non-zero vector, metadata) without
    /// writing, so a caller can report bad inputs one by one and send only good ones.
    public func validate(_ record: VectorRecord, in namespace: String) throws {
        let index = try self.index(namespace)
        try RecordValidation.checkID(record.id, namespace: namespace)
        _ = try RecordValidation.normalised(record.vector, dimension: index.dimension, namespace: namespace, what: "record \"\(record.id)\"")
        _ = try RecordValidation.normalisedMetadata(record.metadata, id: record.id, namespace: namespace, now: 0)
    }

    // MARK: Reads

    /// The records with these ids that exist, in the order asked (vectors as stored: unit length).
    public func get(ids: [String], from namespace: String) throws -> [VectorRecord] {
        let index = try self.index(namespace)
        return index.lock.withReadLock {
            ids.compactMap { id in
                guard let row = index.row(of: id) else { return nil }
                return VectorRecord(id: id, documentID: index.documentID(at: row),
                                    vector: index.matrix.vector(at: row), metadata: index.metadata(at: row))
            }
        }
    }

    /// Ids of the records of one document.
    public func ids(ofDocument documentID: String, in namespace: String) throws -> [String] {
        let index = try self.index(namespace)
        return index.lock.withReadLock { index.rows(ofDocument: documentID).map { index.ids[$0] } }
    }

    /// The `k` records most similar to `vector` among those matching `filter` and visible at `clearance`.
    /// The filter is applied before top-k: if k or more rows match, exactly k come back.
    /// - Complexity: one pass over the rows (or only the candidate rows when a filter narrows them).
    public func search(_ namespace: String, vector: [Float], k: Int, filter: Filter = .all,
                       clearance: AccessLevel = .restricted) throws -> [SearchResult] {
        try search(namespace, vectors: [vector], k: k, filter: filter, clearance: clearance)[0]
    }

    /// Top-k for many queries at once; batches of two or more use `sgemm` over tiles of rows.
    public func search(_ namespace: String, vectors: [[Float]], k: Int, filter: Filter = .all,
                       clearance: AccessLevel = .restricted, threads: Int? = nil) throws -> [[SearchResult]] {
        let index = try self.index(namespace)
        guard (1...configuration.maxTopK).contains(k) else {
            throw VectorStoreError(.invalidArgument, "top_k must be between 1 and \(configuration.maxTopK), got \(k)", context: namespace)
        }
        guard !vectors.isEmpty else { return [] }
        var flat: [Float] = []
        flat.reserveCapacity(vectors.count * index.dimension)
        for (number, vector) in vectors.enumerated() {
            let what = vectors.count == 1 ? "query vector" : "query vector \(number)"
            flat += try RecordValidation.normalised(vector, dimension: index.dimension, namespace: namespace, what: what)
        }
        return try index.lock.withReadLock {
            let candidates = try index.candidates(filter: filter, clearance: clearance)
            let hits: [[(row: Int32, score: Float)]] = flat.withUnsafeBufferPointer { queries in
                if vectors.count == 1 {
                    return [index.searchOne(queries.baseAddress!, k: k, candidates: candidates)]
                }
                return index.searchBatch(queries.baseAddress!, queryCount: vectors.count, k: k,
                                         candidates: candidates, threads: threads ?? configuration.searchThreads)
            }
            return hits.map { list in
                list.map { hit in
                    let row = Int(hit.row)
                    return SearchResult(id: index.ids[row], documentID: index.documentID(at: row),
                                        score: hit.score, metadata: index.metadata(at: row))
                }
            }
        }
    }

    /// Validates filter JSON against a namespace without searching (for early, clear errors).
    public func checkFilter(_ filter: Filter, namespace: String) throws {
        let index = try self.index(namespace)
        _ = try index.lock.withReadLock { try index.candidates(filter: filter, clearance: .restricted) }
    }

    /// Runs a read-only SQL query on the store's database (for modules with their own tables).
    public func query(_ sql: String, _ arguments: [SQLValue] = []) throws -> [[SQLValue]] {
        try readLock.withLock {
            let statement = try reader.cached(sql)
            defer { statement.reset() }
            statement.bind(arguments)
            var rows: [[SQLValue]] = []
            while try statement.step() { rows.append(statement.row()) }
            return rows
        }
    }

    /// Per-store state of another module (Ingest's in-memory BM25 indexes of an encrypted store), created on
    /// first use and kept while the store is open. One object per type.
    public func attachment<T: AnyObject & Sendable>(_ type: T.Type, create: () throws -> T) rethrows -> T {
        try attachmentLock.withLock {
            if let existing = attachments[ObjectIdentifier(type)] as? T { return existing }
            let made = try create()
            attachments[ObjectIdentifier(type)] = made
            return made
        }
    }

    /// SQLite connections the store holds open (one writer, one reader) and how many are busy right now.
    public var sqliteConnections: (open: Int, inUse: Int) {
        (2, (writeLock.isHeld ? 1 : 0) + (readLock.isHeld ? 1 : 0))
    }

    /// Copies the write-ahead log into the database file and truncates it (at shutdown, so the next open
    /// starts from a compact file). Waits for the writer.
    public func checkpoint() throws {
        try writeLock.withLock { try writer.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
    }

    // MARK: Internals

    func index(_ name: String) throws -> NamespaceIndex {
        guard let index = registryLock.withLock({ indexes[name] }) else {
            throw VectorStoreError(.namespaceNotFound, "namespace \"\(name)\" does not exist", context: name)
        }
        return index
    }

    func namespaceID(_ name: String) throws -> Int64 {
        guard let id = registryLock.withLock({ namespaceIDs[name] }) else {
            throw VectorStoreError(.namespaceNotFound, "namespace \"\(name)\" does not exist", context: name)
        }
        return id
    }

    private func info(_ index: NamespaceIndex) -> NamespaceInfo {
        index.lock.withReadLock {
            NamespaceInfo(name: index.name, dimension: index.dimension, metric: "cosine", count: index.count,
                          bytes: index.measuredByteSize, generation: index.generation, model: index.model)
        }
    }
}
