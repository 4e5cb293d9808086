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
        /// A key that is not 32 bytes of hex or base64, or a key file others may read.
        case invalidEncryptionKey = "invalid_encryption_key"
        /// An encrypted store opened without a key.
        case encryptionKeyMissing = "encryption_key_missing"
        /// An encrypted store opened with another key (or whose key changed since it was opened).
        case encryptionKeyMismatch = "encryption_key_mismatch"
        /// A key given for a store that holds unencrypted data.
        case storeNotEncrypted = "store_not_encrypted"
        /// A sealed value that does not open: altered, moved to another row, or sealed with another key.
        case decryptionFailed = "decryption_failed"
        /// Another process has the store open (a rotation needs it alone), or a rotation is running.
        case storeInUse = "store_in_use"
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
