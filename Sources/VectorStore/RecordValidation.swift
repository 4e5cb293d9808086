import Foundation

/// Checks a batch before anything is written: a bad record fails the whole batch with an error naming it.
enum RecordValidation {
    static let maxIDBytes = 1024
    static let reservedKeys: Set<String> = ["id", "document_id"]

    /// Returns `vector` scaled to unit length, or throws naming `what` (a record id or "query").
    static func normalised(_ vector: [Float], dimension: Int, namespace: String, what: String) throws -> [Float] {
        guard vector.count == dimension else {
            throw VectorStoreError(.dimensionMismatch,
                "\(what): namespace \"\(namespace)\" expects dimension \(dimension), got \(vector.count)", context: namespace)
        }
        var sum = 0.0
        for (index, x) in vector.enumerated() {
            guard x.isFinite else {
                throw VectorStoreError(.invalidVector, "\(what): component \(index) is \(x); vectors must be finite", context: namespace)
            }
            sum += Double(x) * Double(x)
        }
        guard sum > 0, sum.isFinite else {
            throw VectorStoreError(.invalidVector, "\(what): zero vector has no direction; cosine similarity is undefined", context: namespace)
        }
        let scale = Float(1 / sum.squareRoot())
        return vector.map { $0 * scale }
    }

    static func checkID(_ id: String, namespace: String) throws {
        guard !id.isEmpty else {
            throw VectorStoreError(.invalidID, "record id must not be empty", context: namespace)
        }
        guard id.utf8.count <= maxIDBytes else {
            throw VectorStoreError(.invalidID, "record id \"\(id.prefix(40))…\" is longer than \(maxIDBytes) bytes", context: namespace)
        }
    }

    /// Validates the well-known keys and returns metadata in stored form: `created_at` as seconds since 1970
    /// (defaulting to `now`), `access_level` lower-cased (defaulting to public).
    static func normalisedMetadata(_ metadata: Metadata, id: String, namespace: String, now: Double) throws -> Metadata {
        var result = metadata
        for key in metadata.keys {
            guard !key.isEmpty, !key.hasPrefix("$") else {
                throw VectorStoreError(.invalidMetadata, "record \"\(id)\": metadata key \"\(key)\" must be non-empty and not start with $", context: namespace)
            }
            guard !reservedKeys.contains(key) else {
                throw VectorStoreError(.invalidMetadata, "record \"\(id)\": metadata key \"\(key)\" is reserved (use the record's own \(key) field)", context: namespace)
            }
        }
        switch metadata[MetadataKey.createdAt] {
        case nil:
            result[MetadataKey.createdAt] = .number(now)
        case .string(let text)?:
            guard let seconds = Timestamp.parse(text) else {
                throw VectorStoreError(.invalidMetadata,
                    "record \"\(id)\": created_at \"\(text)\" is not an RFC 3339 timestamp such as 2026-01-02T03:04:05Z", context: namespace)
            }
            result[MetadataKey.createdAt] = .number(seconds)
        case .number?:
            break
        case let other?:
            throw VectorStoreError(.invalidMetadata, "record \"\(id)\": created_at must be a timestamp string, got \(other.typeName)", context: namespace)
        }
        switch metadata[MetadataKey.accessLevel] {
        case nil:
            result[MetadataKey.accessLevel] = .string(AccessLevel.public.rawValue)
        case .string(let text)?:
            do {
                result[MetadataKey.accessLevel] = .string(try AccessLevel.parse(text).rawValue)
            } catch let error as VectorStoreError {
                throw VectorStoreError(.invalidMetadata, "record \"\(id)\": \(error.message)", context: namespace)
            }
        case let other?:
            throw VectorStoreError(.invalidMetadata, "record \"\(id)\": access_level must be a string, got \(other.typeName)", context: namespace)
        }
        for key in [MetadataKey.category, MetadataKey.language] {
            if let value = metadata[key], case .string = value {} else if let value = metadata[key] {
                throw VectorStoreError(.invalidMetadata, "record \"\(id)\": \(key) must be a string, got \(value.typeName)", context: namespace)
            }
        }
        return result
    }

    /// Namespace names: 1–64 characters from letters, digits, `_`, `-`, `.`, starting with a letter or digit.
    static func checkNamespaceName(_ name: String) throws {
        let utf8 = Array(name.utf8)
        func allowed(_ c: UInt8) -> Bool {
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || c == 45 || c == 46
        }
        guard (1...64).contains(utf8.count), utf8.allSatisfy(allowed), utf8[0] != 95, utf8[0] != 45, utf8[0] != 46 else {
            throw VectorStoreError(.invalidNamespaceName,
                "invalid namespace name \"\(name)\": use 1-64 letters, digits, '_', '-' or '.', starting with a letter or digit")
        }
    }
}
