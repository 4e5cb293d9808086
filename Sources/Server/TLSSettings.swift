import Foundation
import NIOSSL

/// `[server] tls_*`: serve HTTPS from a PEM certificate (chain) and private key, with NIO-SSL (BoringSSL).
///
/// TLS 1.3 only by default; `minimumVersion = .tls12` also accepts TLS 1.2 clients (with BoringSSL's default
/// cipher suites, all forward-secret AEADs). No client certificates are asked for: callers authenticate with
/// API keys or JWTs (`[auth]`).
public struct TLSSettings: Sendable, Equatable {
    /// The lowest protocol version the listener accepts.
    public enum Version: String, Sendable, CaseIterable {
        case tls12 = "1.2"
        case tls13 = "1.3"
    }

    /// PEM file: the server certificate first, then any intermediates (`tls_cert_file`).
    public var certificateFile: String
    /// PEM file: the certificate's private key, RSA or EC, PKCS#8 or traditional, optionally encrypted (`tls_key_file`).
    public var keyFile: String
    /// Default TLS 1.3 (`tls_min_version`).
    public var minimumVersion: Version = .tls13
    /// The password of an encrypted key (read by `ragctl` from the variable `tls_key_password_env` names).
    public var keyPassword: String?

    public init(certificateFile: String, keyFile: String, minimumVersion: Version = .tls13, keyPassword: String? = nil) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.minimumVersion = minimumVersion
        self.keyPassword = keyPassword
    }

    /// Reads and checks the certificate and key, and builds the listener's configuration.
    ///
    /// Blocking file I/O (call it at start-up, not on an event loop).
    /// - Throws: `TLSSetupError` naming the file and what is wrong with it: missing or unreadable, not PEM,
    ///   no certificate, an encrypted key without (or with a wrong) password, or a key that does not belong to
    ///   the certificate.
    public func makeConfiguration() throws -> TLSConfiguration {
        let certificatePEM = try Self.read(certificateFile, setting: "tls_cert_file")
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM))
        } catch {
            throw TLSSetupError(setting: "tls_cert_file", file: certificateFile,
                                problem: "is not a PEM certificate (expected -----BEGIN CERTIFICATE----- blocks)")
        }
        guard !certificates.isEmpty else {
            throw TLSSetupError(setting: "tls_cert_file", file: certificateFile, problem: "holds no certificate")
        }
        let keyPEM = try Self.read(keyFile, setting: "tls_key_file")
        let encrypted = String(decoding: keyPEM, as: UTF8.self).contains("ENCRYPTED")
        let key: NIOSSLPrivateKey
        do {
            if let keyPassword {
                key = try NIOSSLPrivateKey(bytes: Array(keyPEM), format: .pem) { setPassword in setPassword(Array(keyPassword.utf8)) }
            } else {
                key = try NIOSSLPrivateKey(bytes: Array(keyPEM), format: .pem)
            }
        } catch {
            let problem = switch (encrypted, keyPassword != nil) {
            case (true, false): "is encrypted: name the variable holding its password with [server] tls_key_password_env"
            case (true, true): "could not be decrypted: the password is wrong"
            default: "is not a PEM private key (expected -----BEGIN PRIVATE KEY-----, RSA or EC)"
            }
            throw TLSSetupError(setting: "tls_key_file", file: keyFile, problem: problem)
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: certificates.map { .certificate($0) },
                                                                     privateKey: .privateKey(key))
        configuration.minimumTLSVersion = minimumVersion == .tls12 ? .tlsv12 : .tlsv13
        do {
            // BoringSSL checks here that the key belongs to the leaf certificate.
            _ = try NIOSSLContext(configuration: configuration)
        } catch NIOSSLError.failedToLoadPrivateKey {
            throw TLSSetupError(setting: "tls_key_file", file: keyFile,
                                problem: "does not match the certificate in \(certificateFile) (the first certificate must be the key's)")
        } catch {
            throw TLSSetupError(setting: "tls_cert_file", file: certificateFile, problem: "cannot be used with \(keyFile): \(error)")
        }
        return configuration
    }

    static func read(_ path: String, setting: String) throws -> Data {
        guard !path.isEmpty else { throw TLSSetupError(setting: setting, file: path, problem: "is not set") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TLSSetupError(setting: setting, file: path, problem: "does not exist")
        }
        guard !isDirectory.boolValue else { throw TLSSetupError(setting: setting, file: path, problem: "is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TLSSetupError(setting: setting, file: path, problem: "cannot be read (permission denied?)")
        }
        return data
    }
}

/// A TLS certificate or key that cannot be used, naming the `[server]` setting and the file.
public struct TLSSetupError: Error, Sendable, CustomStringConvertible {
    /// `tls_cert_file` or `tls_key_file`.
    public let setting: String
    public let file: String
    public let problem: String

    /// `"tls_key_file /etc/ragctl/key.pem does not match the certificate in …"`.
    public var message: String { "\(setting) \(file.isEmpty ? "(empty)" : file) \(problem)" }
    public var description: String { message }
}
