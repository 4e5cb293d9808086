import Foundation

/// Settings of authentication (config file `[auth]`), resolved by `ragctl`: secrets arrive as bytes and key
/// files as their contents, so this module reads neither the environment nor config paths.
public struct AuthConfiguration: Sendable {
    /// Required `iss` of JWTs; empty accepts any issuer.
    public var issuer = ""
    /// Required member of `aud` of JWTs; empty accepts any audience.
    public var audience = ""
    /// HS256 secret (at least 32 bytes), from the environment variable `[auth] jwt_hs256_secret_env` names.
    public var hs256Secret: [UInt8]?
    /// PEM public keys: RSA keys verify RS256, P-256 keys ES256 (`[auth] jwt_public_key_files`).
    public var publicKeyPEMs: [String] = []
    /// A JWK Set (`[auth] jwks_file`): RSA keys for RS256, EC P-256 keys for ES256, chosen by `kid`.
    public var jwksJSON: String?
    /// Reads the JWK Set again (the file `jwks_file` names), so an identity provider's key rotation reaches a
    /// running server: every `jwksReloadInterval` seconds, and at once (at most every `jwksMinReload` s) when a
    /// token names a `kid` the server does not know. nil: the set given in `jwksJSON` is kept.
    public var jwksSource: (@Sendable () throws -> String)?
    /// `[auth] jwks_reload`: seconds between re-reads of the JWK Set; 0 re-reads only on an unknown `kid`.
    public var jwksReloadInterval: Double = 300
    /// Fewest seconds between two re-reads, so tokens with made-up `kid`s cannot make the server read a file
    /// on every request.
    public var jwksMinReload: Double = 10
    /// The JWT algorithms accepted (`[auth] jwt_algorithms`); `none` never is. Default HS256, RS256, ES256.
    public var algorithms: Set<String> = ["HS256", "RS256", "ES256"]
    /// Seconds of clock skew tolerated on `exp` and `nbf` (`[auth] jwt_leeway`, default 30).
    public var leeway: Double = 30
    /// Serve `/metrics` without credentials (`[auth] open_metrics`, default false).
    public var openMetrics = false
    /// Serve `/openapi.json` without credentials (`[auth] open_openapi`, default true).
    public var openOpenAPI = true

    public static let supportedAlgorithms: Set<String> = ["HS256", "RS256", "ES256"]

    public init() {}

    /// Paths served without credentials.
    var openPaths: Set<String> {
        var paths: Set<String> = ["/healthz", "/readyz"]
        if openMetrics { paths.insert("/metrics") }
        if openOpenAPI { paths.insert("/openapi.json") }
        return paths
    }
}
