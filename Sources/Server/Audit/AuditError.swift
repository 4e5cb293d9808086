/// A failure of the audit log that is not the store's own (`VectorStoreError`): a broken chain found while
/// pruning, which stops the pruning so the evidence stays.
public struct AuditError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The chain does not verify at `entryID`.
        case tampered
    }

    public var code: Code
    public var message: String
    /// The first entry at fault.
    public var entryID: Int64?

    public init(_ code: Code, _ message: String, entryID: Int64? = nil) {
        self.code = code
        self.message = message
        self.entryID = entryID
    }

    public var description: String { "audit \(code.rawValue): \(message)" }
}
