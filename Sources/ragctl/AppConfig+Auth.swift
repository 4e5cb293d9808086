import Foundation
import Server
import VectorStore

extension AppConfig {
    /// The `[auth]` settings with secrets and key files resolved: the HS256 secret from the environment
    /// variable `jwt_hs256_secret_env` names, PEM and JWKS files read.
    /// - Throws: `CommandFailure(code: "config")` naming the variable or file at fault.
    func authConfiguration(environment: [String: String]) throws -> AuthConfiguration {
        var settings = AuthConfiguration()
        settings.issuer = auth.jwtIssuer
        settings.audience = auth.jwtAudience
        settings.algorithms = Set(auth.jwtAlgorithms)
        settings.leeway = auth.jwtLeeway
        settings.openMetrics = auth.openMetrics
        settings.openOpenAPI = auth.openOpenAPI
        if !auth.jwtHS256SecretEnv.isEmpty {
            guard let secret = environment[auth.jwtHS256SecretEnv], !secret.isEmpty else {
                throw CommandFailure(code: "config", message: "auth.jwt_hs256_secret_env names \(auth.jwtHS256SecretEnv), which is not set")
            }
            guard secret.utf8.count >= 32 else {
                throw CommandFailure(code: "config", message: "the HS256 secret in \(auth.jwtHS256SecretEnv) must be at least 32 bytes; it has \(secret.utf8.count)")
            }
            settings.hs256Secret = Array(secret.utf8)
        }
        settings.publicKeyPEMs = try auth.jwtPublicKeyFiles.map { try Self.readText($0, key: "auth.jwt_public_key_files") }
        if !auth.jwksFile.isEmpty {
            settings.jwksJSON = try Self.readText(auth.jwksFile, key: "auth.jwks_file")
            let path = auth.jwksFile
            settings.jwksSource = { try String(contentsOfFile: path, encoding: .utf8) }
            settings.jwksReloadInterval = auth.jwksReload
        }
        return settings
    }

    /// The pepper of API key hashes: the environment variable `pepper_env` names (at least 32 bytes), else
    /// `<data_dir>/auth_pepper`, created with 32 random bytes and mode 0600 on first use.
    func apiKeyPepper(dataDir: String, environment: [String: String]) throws -> APIKeyPepper {
        do {
            if !auth.pepperEnv.isEmpty {
                guard let value = environment[auth.pepperEnv], !value.isEmpty else {
                    throw CommandFailure(code: "config", message: "auth.pepper_env names \(auth.pepperEnv), which is not set")
                }
                return try APIKeyPepper(bytes: Array(value.utf8))
            }
            try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
            return try APIKeyPepper.loadOrCreate(file: (dataDir as NSString).appendingPathComponent("auth_pepper"))
        } catch let error as AuthError {
            throw CommandFailure(code: "config", message: error.message)
        }
    }

    private static func readText(_ path: String, key: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw CommandFailure(code: "config", message: "\(key): cannot read \(path)")
        }
        return text
    }
}
