import Foundation

/// The changes of one `VectorStore.write` call. Every method writes to SQLite inside the open transaction and
/// queues the matching in-memory change, which is applied only after the commit succeeded.
public final class WriteTransaction {
    private enum Change {
        case upsert([VectorRecord])
        case delete([String])
    }

    private let store: VectorStore
    private var changes: [(namespace: String, change: Change)] = []
    private var touched: Set<String> = []
    private var generations: [String: Int64] = [:]
    private var commitHooks: [([String: Int64]) -> Void] = []
    private let now = Date().timeIntervalSince1970

    /// The store written to (for sealing values of encrypted columns: `store.seal`).
    public var vectorStore: VectorStore { store }

    init(store: VectorStore) { self.store = store }

    /// Inserts or replaces records. Validates the whole batch first: any bad record throws, naming it.
    @discardableResult
    public func upsert(_ records: [VectorRecord], into namespace: String) throws -> Int {
        let index = try store.index(namespace)
        let namespaceID = try store.namespaceID(namespace)
        var seen = Set<String>()
        seen.reserveCapacity(records.count)
        var prepared: [VectorRecord] = []
        prepared.reserveCapacity(records.count)
        for (position, record) in records.enumerated() {
            try RecordValidation.checkID(record.id, namespace: namespace)
            guard seen.insert(record.id).inserted else {
                throw VectorStoreError(.duplicateID, "record id \"\(record.id)\" appears twice in one batch (position \(position))", context: namespace)
            }
            let vector = try RecordValidation.normalised(record.vector, dimension: index.dimension, namespace: namespace,
                                                          what: "record \"\(record.id)\"")
            let metadata = try RecordValidation.normalisedMetadata(record.metadata, id: record.id, namespace: namespace, now: now)
            prepared.append(VectorRecord(id: record.id, documentID: record.documentID, vector: vector, metadata: metadata))
        }
        let statement = try store.writer.cached("""
            INSERT INTO vectors(namespace_id, id, document_id, vector, metadata, updated_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(namespace_id, id) DO UPDATE SET document_id = excluded.document_id, vector = excluded.vector,
                metadata = excluded.metadata, updated_at = excluded.updated_at
            """)
        for record in prepared {
            statement.bind(1, namespaceID)
            statement.bind(2, record.id)
            statement.bind(3, record.documentID)
            if let cipher = store.cipher {
                let row: [SQLValue] = [.integer(namespaceID), .text(record.id)]
                let vector = record.vector.withUnsafeBytes {
                    cipher.seal($0, associatedData: EncryptedColumn.vectorsVector.associatedData(row: row))
                }
                statement.bind(4, blob: vector)
                statement.bind(5, blob: cipher.seal(Array(MetadataCodec.encode(record.metadata).utf8),
                                                    associatedData: EncryptedColumn.vectorsMetadata.associatedData(row: row)))
            } else {
                record.vector.withUnsafeBufferPointer { statement.bind(4, floats: $0) }
                statement.bind(5, MetadataCodec.encode(record.metadata))
            }
            statement.bind(6, now)
            try statement.run()
        }
        changes.append((namespace, .upsert(prepared)))
        touched.insert(namespace)
        return prepared.count
    }

    /// Deletes records by id; returns how many existed.
    @discardableResult
    public func delete(ids: [String], from namespace: String) throws -> Int {
        let namespaceID = try store.namespaceID(namespace)
        let statement = try store.writer.cached("DELETE FROM vectors WHERE namespace_id = ? AND id = ?")
        var removed = 0
        for id in ids {
            statement.bind(1, namespaceID)
            statement.bind(2, id)
            try statement.run()
            removed += store.writer.changes
        }
        changes.append((namespace, .delete(ids)))
        touched.insert(namespace)
        return removed
    }

    /// Deletes every record of a document; returns how many there were.
    @discardableResult
    public func delete(documentID: String, from namespace: String) throws -> Int {
        let namespaceID = try store.namespaceID(namespace)
        let select = try store.writer.cached("SELECT id FROM vectors WHERE namespace_id = ? AND document_id = ?")
        select.bind(1, namespaceID)
        select.bind(2, documentID)
        var ids: [String] = []
        while try select.step() { ids.append(select.string(0) ?? "") }
        select.reset()
        return try delete(ids: ids, from: namespace)
    }

    /// Runs a statement of another module's tables in this transaction.
    public func execute(_ sql: String, _ arguments: [SQLValue] = []) throws {
        let statement = try store.writer.cached(sql)
        statement.bind(arguments)
        try statement.run()
    }

    /// Runs a query in this transaction (it sees the transaction's own uncommitted writes).
    public func query(_ sql: String, _ arguments: [SQLValue] = []) throws -> [[SQLValue]] {
        let statement = try store.writer.cached(sql)
        defer { statement.reset() }
        statement.bind(arguments)
        var rows: [[SQLValue]] = []
        while try statement.step() { rows.append(statement.row()) }
        return rows
    }

    /// Counts this transaction as a change of `namespace` (its generation moves on at the commit) although no
    /// vector of it was written: for modules whose own rows belong to the namespace.
    public func touch(_ namespace: String) {
        touched.insert(namespace)
    }

    /// Runs `body` after the commit (never after a rollback), still under the store's write lock, with the
    /// generation each touched namespace has from then on (one more than before the transaction). For
    /// in-memory state derived from the committed rows.
    public func onCommit(_ body: @escaping (_ generations: [String: Int64]) -> Void) {
        commitHooks.append(body)
    }

    func bumpGenerations() throws {
        let statement = try store.writer.cached("UPDATE namespaces SET generation = generation + 1 WHERE name = ? RETURNING generation")
        for namespace in touched {
            statement.bind(1, namespace)
            if try statement.step() { generations[namespace] = statement.int(0) }
            statement.reset()
        }
    }

    func runCommitHooks() {
        for hook in commitHooks { hook(generations) }
    }

    /// Applies the committed changes to the serving copies, each namespace under its write lock at once, so a
    /// search sees all of the transaction or none of it.
    func applyCommitted() {
        for namespace in touched {
            guard let index = try? store.index(namespace) else { continue }
            index.lock.withWriteLock {
                for (name, change) in changes where name == namespace {
                    switch change {
                    case .upsert(let records):
                        for record in records {
                            record.vector.withUnsafeBufferPointer { vector in
                                index.upsert(id: record.id, documentID: record.documentID, vector: vector.baseAddress!,
                                             metadata: record.metadata)
                            }
                        }
                    case .delete(let ids):
                        for id in ids { index.remove(id: id) }
                    }
                }
                index.generation += 1
            }
        }
    }
}
