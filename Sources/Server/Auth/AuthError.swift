/// A failed key-management operation (`ragctl keys …`, `/api/v1/keys`): what failed, on which key.
public struct AuthError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// A malformed argument: name, namespaces, limits, expiry, grace period.
        case invalidArgument = "invalid_argument"
        /// No key with that id.
        case keyNotFound = "key_not_found"
        /// The key is revoked or expired, so it cannot be rotated.
        case keyInactive = "key_inactive"
        /// The pepper or a JWT key could not be loaded.
        case configuration
        case storage
    }

    public var code: Code
    public var message: String
    /// The key id or file the error is about.
    public var context: String?

    public init(_ code: Code, _ message: String, context: String? = nil) {
        self.code = code
        self.message = message
        self.context = context
    }

    public var description: String { message }
}
