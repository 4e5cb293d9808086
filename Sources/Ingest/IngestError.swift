/// The one error type of the Ingest module: a code, a message naming the input at fault, and context
/// (the path, the URL, the namespace).
public struct IngestError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Codable {
        case embedderMismatch = "embedder_mismatch"
        case embedding = "embedding_failed"
        case invalidArgument = "invalid_argument"
        case notFound = "not_found"
        case storage = "storage"
        case model = "model"
        case cancelled = "cancelled"
    }

    public var code: Code
    public var message: String
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
