import Foundation
import VectorStore

/// A cited passage as it is kept in the answer caches: `SearchHit` in Codable form.
public struct CachedSource: Sendable, Equatable, Codable {
    public var chunkID: String
    public var documentID: String
    public var score: Float
    public var text: String
    public var source: String
    public var title: String
    public var headingPath: String
    public var metadata: [String: CachedMetadataValue]

    public init(_ hit: SearchHit) {
        chunkID = hit.chunkID
        documentID = hit.documentID
        score = hit.score
        text = hit.text
        source = hit.source
        title = hit.title
        headingPath = hit.headingPath
        metadata = hit.metadata.mapValues(CachedMetadataValue.init)
    }

    /// The passage back as a `SearchHit`.
    public var hit: SearchHit {
        SearchHit(chunkID: chunkID, documentID: documentID, score: score, text: text, source: source, title: title,
                  headingPath: headingPath, metadata: metadata.mapValues(\.value))
    }

    enum CodingKeys: String, CodingKey {
        case chunkID = "chunk_id", documentID = "document_id", score, text, source, title
        case headingPath = "heading_path", metadata
    }
}

/// A `MetadataValue` in Codable form: a JSON string, number, bool or list of strings.
public struct CachedMetadataValue: Sendable, Equatable, Codable {
    public var value: MetadataValue

    public init(_ value: MetadataValue) { self.value = value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let bool = try? container.decode(Bool.self) {
            value = .bool(bool)
        } else if let number = try? container.decode(Double.self) {
            value = .number(number)
        } else if let string = try? container.decode(String.self) {
            value = .string(string)
        } else {
            value = .strings(try container.decode([String].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch value {
        case .bool(let b): try container.encode(b)
        case .number(let n): try container.encode(n)
        case .string(let s): try container.encode(s)
        case .strings(let list): try container.encode(list)
        }
    }
}
