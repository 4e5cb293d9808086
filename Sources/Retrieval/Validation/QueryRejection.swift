import Ingest

/// Why a query was refused before retrieval: a machine-readable code and a message that names the problem
/// without echoing personal data (PII kinds are listed, never their values).
public struct QueryRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Codable, CaseIterable {
        /// The query is empty or only whitespace.
        case empty
        /// Over `max_query_chars` characters, or more tokens than the context window.
        case tooLong = "too_long"
        /// Personal data found while the PII policy is `reject`.
        case pii
        /// The injection detector fired while the policy is `block`.
        case promptInjection = "prompt_injection"
    }

    public var code: Code
    public var message: String
    /// For `.pii`: the kinds found (sorted by name), never the values.
    public var piiKinds: [PIIKind]
    /// For `.promptInjection`: the detector's signals, strongest first.
    public var signals: [String]

    public init(_ code: Code, _ message: String, piiKinds: [PIIKind] = [], signals: [String] = []) {
        self.code = code
        self.message = message
        self.piiKinds = piiKinds
        self.signals = signals
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
