/// The one error type of the Retrieval module: a code, a message naming the input at fault, and context.
public struct RetrievalError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Codable {
        case invalidQuery = "invalid_query"
        case unsupported = "unsupported"
        case embedderMismatch = "embedder_mismatch"
        /// A request option out of range or unknown (mode, fusion, MMR λ, candidates, top_k).
        case invalidArgument = "invalid_argument"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
