/// The one error type of the VectorStore module: a machine-readable code, a message that names the input at
/// fault, and the context (namespace, field, SQL) it happened in.
public struct VectorStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Codable {
        case invalidNamespaceName = "invalid_namespace_name"
        case namespaceExists = "namespace_exists"
        case namespaceNotFound = "namespace_not_found"
        case dimensionMismatch = "dimension_mismatch"
        case invalidVector = "invalid_vector"
        case invalidID = "invalid_id"
        case duplicateID = "duplicate_id"
        case invalidMetadata = "invalid_metadata"
        case invalidFilter = "invalid_filter"
        case invalidArgument = "invalid_argument"
        case storage = "storage"
        case schemaTooNew = "schema_too_new"
    }

    public var code: Code
    public var message: String
    /// Where it happened: the namespace, the SQL statement or the file, when known.
    public var context: String?

    public init(_ code: Code, _ message: String, context: String? = nil) {
        self.code = code
        self.message = message
        self.context = context
    }

    public var description: String {
        if let context, !message.contains(context) { return "\(message) (\(context))" }
        return message
    }
}
