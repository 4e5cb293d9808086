import Foundation

/// One metadata value: a string, a number, a bool or a list of strings. Timestamps (`created_at`) are strings
/// in RFC 3339 form on the way in and out, and numbers (seconds since 1970) inside the store.
public enum MetadataValue: Sendable, Hashable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case strings([String])

    var typeName: String {
        switch self {
        case .string: "string"
        case .number: "number"
        case .bool: "bool"
        case .strings: "string array"
        }
    }

    /// Converts a value produced by `JSONSerialization` (or our own parser), naming `field` on failure.
    public init(json: Any, field: String) throws {
        switch json {
        case let value as String:
            self = .string(value)
        case let value as NSNumber:
            // JSONSerialization returns both bools and numbers as NSNumber; bools report objCType "c".
            if isJSONBool(value) {
                self = .bool(value.boolValue)
            } else {
                let double = value.doubleValue
                guard double.isFinite else {
                    throw VectorStoreError(.invalidMetadata, "metadata field \"\(field)\" must be a finite number")
                }
                self = .number(double)
            }
        case let value as Bool:
            self = .bool(value)
        case let value as Double:
            self = .number(value)
        case let value as Int:
            self = .number(Double(value))
        case let values as [Any]:
            var strings: [String] = []
            strings.reserveCapacity(values.count)
            for element in values {
                guard let string = element as? String else {
                    throw VectorStoreError(.invalidMetadata,
                        "metadata field \"\(field)\" must be a list of strings; found \(type(of: element))")
                }
                strings.append(string)
            }
            self = .strings(strings)
        default:
            throw VectorStoreError(.invalidMetadata,
                "metadata field \"\(field)\" must be a string, number, bool or list of strings")
        }
    }

    /// The value as a JSON-compatible Foundation object.
    public var jsonObject: Any {
        switch self {
        case .string(let value): value
        case .number(let value): value
        case .bool(let value): value
        case .strings(let values): values
        }
    }
}

/// True when a `JSONSerialization` value is a JSON `true`/`false` rather than a number.
public func isJSONBool(_ value: Any) -> Bool {
    guard let number = value as? NSNumber else { return false }
    return String(cString: number.objCType) == "c"
}

/// A record's metadata: free keys plus the well-known ones (`created_at`, `category`, `access_level`,
/// `language`), which are validated on the way in.
public typealias Metadata = [String: MetadataValue]

public enum MetadataKey {
    public static let createdAt = "created_at"
    public static let category = "category"
    public static let accessLevel = "access_level"
    public static let language = "language"
}
