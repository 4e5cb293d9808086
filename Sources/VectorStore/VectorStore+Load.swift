import Foundation

extension VectorStore {
    /// Rebuilds every namespace's serving copy in one sequential pass over the vectors table.
    func load() throws {
        var byID: [Int64: NamespaceIndex] = [:]
        var counts: [Int64: Int] = [:]
        let countRows = try writer.prepare("SELECT namespace_id, COUNT(*) FROM vectors GROUP BY namespace_id")
        while try countRows.step() { counts[countRows.int(0)] = Int(countRows.int(1)) }
        let namespaces = try writer.prepare("SELECT id, name, dimension, generation, model, created_at FROM namespaces")
        while try namespaces.step() {
            let id = namespaces.int(0)
            let name = namespaces.string(1) ?? ""
            let index = NamespaceIndex(name: name, dimension: Int(namespaces.int(2)), generation: namespaces.int(3),
                                       model: namespaces.string(4), createdAt: namespaces.double(5),
                                       capacity: max(1024, counts[id] ?? 0))
            byID[id] = index
            indexes[name] = index
            namespaceIDs[name] = id
        }
        let rows = try writer.prepare("SELECT namespace_id, id, document_id, vector, metadata FROM vectors ORDER BY rowid")
        // SQLite's blob pointer carries no alignment guarantee: copy into an aligned buffer first.
        var aligned = [Float](repeating: 0, count: 65_536)
        while try rows.step() {
            let namespaceID = rows.int(0)
            guard let index = byID[namespaceID] else { continue }
            let id = rows.string(1) ?? ""
            let decoded: Metadata?
            if let cipher {
                let row: [SQLValue] = [.integer(namespaceID), .text(id)]
                let vector = try open(rows.bytes(3), .vectorsVector, row: row, cipher: cipher)
                try checkVectorSize(vector.count, id: id, index: index)
                vector.withUnsafeBytes { bytes in aligned.withUnsafeMutableBytes { $0.copyMemory(from: bytes) } }
                decoded = try open(rows.bytes(4), .vectorsMetadata, row: row, cipher: cipher).withUnsafeBytes { MetadataCodec.decode($0) }
            } else {
                let blob = rows.bytes(3)
                try checkVectorSize(blob.count, id: id, index: index)
                aligned.withUnsafeMutableBytes { $0.copyMemory(from: blob) }
                decoded = MetadataCodec.decode(rows.bytes(4))
            }
            guard let metadata = decoded else {
                throw VectorStoreError(.storage, "stored metadata of record \"\(id)\" in \"\(index.name)\" is not valid JSON", context: path)
            }
            let documentID = rows.isNull(2) ? nil : rows.string(2)
            aligned.withUnsafeBufferPointer { vector in
                index.upsert(id: id, documentID: documentID, vector: vector.baseAddress!, metadata: metadata)
            }
        }
    }

    private func checkVectorSize(_ count: Int, id: String, index: NamespaceIndex) throws {
        guard count == index.dimension * MemoryLayout<Float>.size else {
            throw VectorStoreError(.storage,
                "stored vector of record \"\(id)\" has \(count) bytes; namespace \"\(index.name)\" expects \(index.dimension * 4)",
                context: path)
        }
    }
}
