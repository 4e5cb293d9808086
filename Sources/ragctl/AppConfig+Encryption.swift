import Foundation
import VectorStore

extension AppConfig {
    /// The store's encryption key from `[encryption] key_env` (the variable's value) or `key_file`; nil when
    /// neither is set.
    /// - Throws: `CommandFailure(code: "config")` naming the variable or file: unset, not 32 bytes of hex or
    ///   base64, or a key file readable by group or others.
    func encryptionKey(environment: [String: String]) throws -> EncryptionKey? {
        do {
            if !encryption.keyEnv.isEmpty {
                return try Self.encryptionKey(env: encryption.keyEnv, environment: environment, option: "encryption.key_env")
            }
            if !encryption.keyFile.isEmpty { return try EncryptionKey(file: encryption.keyFile) }
            return nil
        } catch let error as VectorStoreError {
            throw CommandFailure(code: "config", message: error.message)
        }
    }

    /// A key from the environment variable `name` (`option` names where the name came from, for the message).
    static func encryptionKey(env name: String, environment: [String: String], option: String) throws -> EncryptionKey {
        guard let value = environment[name], !value.isEmpty else {
            throw CommandFailure(code: "config", message: "\(option) names \(name), which is not set")
        }
        do {
            return try EncryptionKey(encoded: value)
        } catch let error as VectorStoreError {
            throw CommandFailure(code: "config", message: "\(name): \(error.message)")
        }
    }
}
