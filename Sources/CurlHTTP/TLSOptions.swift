import CCurl

/// How a `CurlClient` verifies servers and which TLS versions it offers. The default is libcurl's: the system
/// CA bundle, peer and host verification on, TLS 1.2 and up.
public struct TLSOptions: Sendable, Equatable {
    /// A TLS protocol version, as a bound.
    public enum Version: String, Sendable, CaseIterable {
        case tls12 = "1.2"
        case tls13 = "1.3"
    }

    /// A PEM file of CA certificates to verify servers against instead of the system bundle (`CURLOPT_CAINFO`),
    /// e.g. the private CA of a self-hosted server.
    public var caFile: String?
    /// The lowest version offered; nil: libcurl's default.
    public var minimumVersion: Version?
    /// The highest version offered; nil: the highest the TLS library knows. Tests cap it at 1.2 to play an
    /// older client.
    public var maximumVersion: Version?

    public init(caFile: String? = nil, minimumVersion: Version? = nil, maximumVersion: Version? = nil) {
        self.caFile = caFile
        self.minimumVersion = minimumVersion
        self.maximumVersion = maximumVersion
    }

    /// The `CURLOPT_SSLVERSION` value: the minimum in the low 16 bits, the maximum shifted into the high ones.
    var sslVersion: Int? {
        guard minimumVersion != nil || maximumVersion != nil else { return nil }
        let minimum: Int = switch minimumVersion {
        case nil: Int(CURL_SSLVERSION_DEFAULT)
        case .tls12: Int(CURL_SSLVERSION_TLSv1_2)
        case .tls13: Int(CURL_SSLVERSION_TLSv1_3)
        }
        let maximum: Int = switch maximumVersion {
        case nil: 0
        case .tls12: Int(CURL_SSLVERSION_MAX_TLSv1_2)
        case .tls13: Int(CURL_SSLVERSION_MAX_TLSv1_3)
        }
        return minimum | maximum
    }
}
