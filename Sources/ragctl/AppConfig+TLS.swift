import Foundation
import Server

/// `[server] tls_cert_file`, `tls_key_file`, `tls_key_password_env`, `tls_min_version`: HTTPS for `ragctl serve`.
extension AppConfig {
    mutating func readTLS(_ r: inout Reader) throws {
        server.tlsCertFile = try r.string("tls_cert_file") ?? server.tlsCertFile
        server.tlsKeyFile = try r.string("tls_key_file") ?? server.tlsKeyFile
        server.tlsKeyPasswordEnv = try r.string("tls_key_password_env") ?? server.tlsKeyPasswordEnv
        server.tlsMinVersion = try r.string("tls_min_version") ?? server.tlsMinVersion
    }

    func validateTLS(_ check: (Bool, String) throws -> Void) throws {
        try check(TLSSettings.Version(rawValue: server.tlsMinVersion) != nil,
                  "server.tls_min_version must be 1.2 or 1.3, got \(server.tlsMinVersion)")
        try check(server.tlsCertFile.isEmpty == server.tlsKeyFile.isEmpty,
                  "server.tls_cert_file and server.tls_key_file go together: set both for HTTPS, or neither")
    }

    /// The listener's TLS settings, nil without `tls_cert_file`; the key password comes from the variable
    /// `tls_key_password_env` names. The files are read later (`TLSSettings.makeConfiguration`).
    /// - Throws: `CommandFailure(code: "config")` when that variable is named but not set.
    func tlsSettings(environment: [String: String]) throws -> TLSSettings? {
        guard !server.tlsCertFile.isEmpty else { return nil }
        var settings = TLSSettings(certificateFile: server.tlsCertFile, keyFile: server.tlsKeyFile,
                                   minimumVersion: TLSSettings.Version(rawValue: server.tlsMinVersion) ?? .tls13)
        if !server.tlsKeyPasswordEnv.isEmpty {
            guard let password = environment[server.tlsKeyPasswordEnv], !password.isEmpty else {
                throw CommandFailure(code: "config",
                                     message: "server.tls_key_password_env names \(server.tlsKeyPasswordEnv), which is not set")
            }
            settings.keyPassword = password
        }
        return settings
    }
}
