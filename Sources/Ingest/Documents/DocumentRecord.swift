import Foundation
import VectorStore

/// A document as listed by `ragctl documents list` and the documents API.
public struct DocumentRecord: Sendable, Codable, Equatable {
    public var id: String
    public var namespace: String
    public var source: String
    public var title: String
    public var chunkCount: Int
    public var contentHash: String
    public var accessLevel: String
    public var language: String
    public var format: String?
    public var sizeBytes: Int?
    public var uploadedAt: Double
    public var lastIndexedAt: Double
    public var metadata: [String: String]

    enum CodingKeys: String, CodingKey {
        case id, namespace, source, title, format, language, metadata
        case chunkCount = "chunk_count", contentHash = "content_hash", accessLevel = "access_level"
        case sizeBytes = "size_bytes", uploadedAt = "uploaded_at", lastIndexedAt = "last_indexed_at"
    }
}

/// A stored chunk: text, position in its document's extracted text, heading path.
public struct ChunkRecord: Sendable, Codable, Equatable {
    public var id: String
    public var documentID: String
    public var ordinal: Int
    public var text: String
    public var start: Int
    public var end: Int
    public var headingPath: String
    public var tokenCount: Int
    public var textHash: String

    enum CodingKeys: String, CodingKey {
        case id, ordinal, text, start, end
        case documentID = "document_id", headingPath = "heading_path", tokenCount = "token_count", textHash = "text_hash"
    }
}

/// Reads documents and chunks from the store's database.
public struct DocumentRepository: Sendable {
    public let store: VectorStore

    public init(store: VectorStore) { self.store = store }

    static let documentColumns = """
        id, namespace, source_url, title, chunk_count, content_hash, access_level, language, format, size_bytes,
        uploaded_at, last_indexed_at, metadata
        """

    /// Documents of a namespace visible at `clearance`, ordered by source.
    public func list(namespace: String, clearance: AccessLevel = .restricted, limit: Int = 100_000, offset: Int = 0) throws -> [DocumentRecord] {
        let levels = AccessLevel.allCases.filter { $0 <= clearance }.map { SQLValue.text($0.rawValue) }
        let placeholders = levels.map { _ in "?" }.joined(separator: ",")
        return try store.query("""
            SELECT \(Self.documentColumns) FROM documents WHERE namespace = ? AND access_level IN (\(placeholders))
            ORDER BY source_url LIMIT ? OFFSET ?
            """, [.text(namespace)] + levels + [.integer(Int64(limit)), .integer(Int64(offset))]).map(document)
    }

    public func get(namespace: String, id: String) throws -> DocumentRecord? {
        try store.query("SELECT \(Self.documentColumns) FROM documents WHERE namespace = ? AND id = ?",
                        [.text(namespace), .text(id)]).first.map(document)
    }

    public func chunks(namespace: String, documentID: String) throws -> [ChunkRecord] {
        try store.query("""
            SELECT id, document_id, ordinal, text, start_offset, end_offset, heading_path, token_count, text_hash
            FROM chunks WHERE namespace = ? AND document_id = ? ORDER BY ordinal
            """, [.text(namespace), .text(documentID)]).map { try chunk($0, namespace: namespace) }
    }

    /// Chunks by id (any order), for joining search hits with their text.
    public func chunks(namespace: String, ids: [String]) throws -> [String: ChunkRecord] {
        guard !ids.isEmpty else { return [:] }
        var result: [String: ChunkRecord] = [:]
        for start in stride(from: 0, to: ids.count, by: 500) {
            let slice = ids[start..<min(ids.count, start + 500)]
            let placeholders = slice.map { _ in "?" }.joined(separator: ",")
            let rows = try store.query("""
                SELECT id, document_id, ordinal, text, start_offset, end_offset, heading_path, token_count, text_hash
                FROM chunks WHERE namespace = ? AND id IN (\(placeholders))
                """, [.text(namespace)] + slice.map { .text($0) })
            for row in rows { let chunk = try chunk(row, namespace: namespace); result[chunk.id] = chunk }
        }
        return result
    }

    /// Sources of documents by id.
    public func sources(namespace: String, ids: Set<String>) throws -> [String: (source: String, title: String)] {
        var result: [String: (source: String, title: String)] = [:]
        let list = Array(ids)
        for start in stride(from: 0, to: list.count, by: 500) {
            let slice = list[start..<min(list.count, start + 500)]
            let placeholders = slice.map { _ in "?" }.joined(separator: ",")
            for row in try store.query("SELECT id, source_url, title FROM documents WHERE namespace = ? AND id IN (\(placeholders))",
                                       [.text(namespace)] + slice.map { .text($0) }) {
                let title = try store.openText(row[2], .documentsTitle, row: [.text(namespace), row[0]]) ?? ""
                result[row[0].string ?? ""] = (row[1].string ?? "", title)
            }
        }
        return result
    }

    /// Deletes documents with their chunks and vectors in one transaction; returns the chunks removed.
    @discardableResult
    public func delete(documentIDs: [String], namespace: String) throws -> Int {
        try store.write { tx in
            var removed = 0
            for id in documentIDs {
                removed += try tx.delete(documentID: id, from: namespace)
                try ChunkTable.delete(id, namespace: namespace, in: tx)
                try tx.execute("DELETE FROM documents WHERE namespace = ? AND id = ?", [.text(namespace), .text(id)])
            }
            return removed
        }
    }

    /// A documents row (`documentColumns`), its title decrypted.
    func document(_ row: [SQLValue]) throws -> DocumentRecord {
        let metadata = (try? JSONSerialization.jsonObject(with: Data((row[12].string ?? "{}").utf8))) as? [String: String] ?? [:]
        let title = try store.openText(row[3], .documentsTitle, row: [row[1], row[0]]) ?? ""
        return DocumentRecord(id: row[0].string ?? "", namespace: row[1].string ?? "", source: row[2].string ?? "",
                              title: title, chunkCount: row[4].int ?? 0, contentHash: row[5].string ?? "",
                              accessLevel: row[6].string ?? "public", language: row[7].string ?? "und", format: row[8].string,
                              sizeBytes: row[9].int, uploadedAt: row[10].double ?? 0, lastIndexedAt: row[11].double ?? 0,
                              metadata: metadata)
    }

    /// A chunks row, its text and heading path decrypted.
    func chunk(_ row: [SQLValue], namespace: String) throws -> ChunkRecord {
        let key: [SQLValue] = [.text(namespace), row[0]]
        return ChunkRecord(id: row[0].string ?? "", documentID: row[1].string ?? "", ordinal: row[2].int ?? 0,
                           text: try store.openText(row[3], .chunksText, row: key) ?? "",
                           start: row[4].int ?? 0, end: row[5].int ?? 0,
                           headingPath: try store.openText(row[6], .chunksHeadingPath, row: key) ?? "",
                           tokenCount: row[7].int ?? 0, textHash: row[8].string ?? "")
    }
}
