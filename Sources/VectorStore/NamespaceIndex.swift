import Foundation

/// The in-memory serving copy of one namespace: the normalised matrix, ids, and metadata split into typed
/// columns. Rebuilt from SQLite at open; changed only after the SQLite transaction that carries the same
/// change has committed. Callers hold `lock` (read for search, write for mutation).
final class NamespaceIndex: @unchecked Sendable {
    let name: String
    let dimension: Int
    let lock = ReadWriteLock()
    let matrix: FloatMatrix
    private(set) var ids: [String] = []
    private(set) var rowOf: [String: Int32] = [:]
    private(set) var documents = StringColumn()
    /// `AccessLevel.rank` per row.
    private(set) var levels: [UInt8] = []
    private(set) var levelCounts: [Int] = [0, 0, 0]
    private(set) var fields: [String: FieldColumn] = [:]
    var generation: Int64 {
        didSet {
            candidateCache.removeAll()
            sizeLock.withLock { sizeMemo = nil }
        }
    }
    let candidateCache = CandidateCache()
    var model: String?
    var createdAt: Double

    init(name: String, dimension: Int, generation: Int64 = 0, model: String? = nil, createdAt: Double, capacity: Int = 1024) {
        self.name = name
        self.dimension = dimension
        self.generation = generation
        self.model = model
        self.createdAt = createdAt
        matrix = FloatMatrix(dimension: dimension, capacity: capacity)
        ids.reserveCapacity(capacity)
        rowOf.reserveCapacity(capacity)
        levels.reserveCapacity(capacity)
        documents.reserve(capacity)
    }

    var count: Int { ids.count }

    /// Inserts or replaces one row. `vector` must already be normalised and `dimension` long.
    func upsert(id: String, documentID: String?, vector: UnsafePointer<Float>, metadata: Metadata) {
        let level = (metadata[MetadataKey.accessLevel].flatMap { value -> AccessLevel? in
            if case .string(let text) = value { return AccessLevel(rawValue: text) }
            return nil
        } ?? .public).rank
        let row: Int
        if let existing = rowOf[id] {
            row = Int(existing)
            matrix.set(row, from: vector)
            documents.set(row, documentID)
            levelCounts[Int(levels[row])] -= 1
            levels[row] = level
            for (key, column) in fields where metadata[key] == nil { column.set(row, nil) }
        } else {
            row = ids.count
            matrix.append(vector)
            ids.append(id)
            rowOf[id] = Int32(row)
            documents.append(documentID)
            levels.append(level)
            for column in fields.values { column.append(nil) }
        }
        levelCounts[Int(level)] += 1
        for (key, value) in metadata where key != MetadataKey.accessLevel {
            let column: FieldColumn
            if let existing = fields[key] {
                column = existing
            } else {
                column = FieldColumn(rows: ids.count)
                fields[key] = column
            }
            column.set(row, value)
        }
    }

    /// Removes a row by id (swap-remove); false when absent.
    @discardableResult
    func remove(id: String) -> Bool {
        guard let found = rowOf.removeValue(forKey: id) else { return false }
        let row = Int(found)
        let last = ids.count - 1
        levelCounts[Int(levels[row])] -= 1
        matrix.moveLast(to: row)
        documents.moveLast(to: row)
        levels[row] = levels[last]
        levels.removeLast()
        for column in fields.values { column.moveLast(to: row) }
        if row != last {
            let moved = ids[last]
            ids[row] = moved
            rowOf[moved] = Int32(row)
        }
        ids.removeLast()
        return true
    }

    func row(of id: String) -> Int? { rowOf[id].map(Int.init) }

    func documentID(at row: Int) -> String? { documents.value(at: row) }

    func accessLevel(at row: Int) -> AccessLevel { AccessLevel(rank: levels[row]) ?? .restricted }

    /// The metadata of a row as the caller gave it (timestamps back in RFC 3339 form).
    func metadata(at row: Int) -> Metadata {
        var result = Metadata()
        for (key, column) in fields {
            guard let value = column.value(at: row) else { continue }
            if key == MetadataKey.createdAt, case .number(let seconds) = value {
                result[key] = .string(Timestamp.format(seconds))
            } else {
                result[key] = value
            }
        }
        result[MetadataKey.accessLevel] = .string(accessLevel(at: row).rawValue)
        return result
    }

    func rows(ofDocument documentID: String) -> [Int] {
        guard let code = documents.code(of: documentID) else { return [] }
        return documents.codes.indices.filter { documents.codes[$0] == code }
    }

    private let sizeLock = NSLock()
    private var sizeMemo: Int?   // guarded by sizeLock

    /// `byteSize`, computed once per generation (every write bumps it): it walks every id, and
    /// `VectorStore.namespace(_:)`, which reports it, runs on every query. Callers hold `lock` for reading.
    var measuredByteSize: Int {
        if let known = sizeLock.withLock({ sizeMemo }) { return known }
        let bytes = byteSize
        sizeLock.withLock { sizeMemo = bytes }
        return bytes
    }

    /// Approximate resident bytes of this namespace's serving structures.
    var byteSize: Int {
        let idBytes = ids.reduce(0) { $0 + 16 + ($1.utf8.count > 15 ? $1.utf8.count + 32 : 0) }
        let mapBytes = rowOf.capacity * (MemoryLayout<String>.stride + 4) * 4 / 3
        return matrix.byteSize + idBytes + mapBytes + documents.byteSize + levels.capacity
            + fields.values.reduce(0) { $0 + $1.byteSize }
    }
}
