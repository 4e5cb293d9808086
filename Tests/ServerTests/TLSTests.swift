import CurlHTTP
import Foundation
import Server
import Testing
import TestSupport

/// A throwaway certificate authority and server certificates made with the openssl CLI, once per test process.
final class TestPKI: Sendable {
    let dir: TemporaryDirectory
    var caFile: String { dir.file("ca.pem") }
    /// For 127.0.0.1 and localhost, signed by the CA; `chainFile` is it followed by the CA certificate.
    var certificateFile: String { dir.file("server.pem") }
    var chainFile: String { dir.file("chain.pem") }
    var keyFile: String { dir.file("server.key") }
    /// The server key encrypted with `keyPassword`.
    var encryptedKeyFile: String { dir.file("server-enc.key") }
    let keyPassword = "correct horse battery staple"
    /// A key of no certificate here.
    var otherKeyFile: String { dir.file("other.key") }

    private init() throws {
        dir = TemporaryDirectory("pki")
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        try Self.openssl(["req", "-x509"] + ec + ["-keyout", dir.file("ca.key"), "-out", caFile, "-days", "2",
                          "-subj", "/CN=ragctl test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                          "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        try Self.openssl(["req"] + ec + ["-keyout", keyFile, "-out", dir.file("server.csr"), "-subj", "/CN=127.0.0.1"])
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
            .write(toFile: dir.file("ext.cnf"), atomically: true, encoding: .utf8)
        try Self.openssl(["x509", "-req", "-in", dir.file("server.csr"), "-CA", caFile, "-CAkey", dir.file("ca.key"), "-set_serial", "2",
                          "-days", "2", "-extfile", dir.file("ext.cnf"), "-out", certificateFile])
        try Self.openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", otherKeyFile])
        try Self.openssl(["pkey", "-in", keyFile, "-aes256", "-passout", "pass:\(keyPassword)", "-out", encryptedKeyFile])
        let chain = try String(contentsOfFile: certificateFile, encoding: .utf8) + String(contentsOfFile: caFile, encoding: .utf8)
        try chain.write(toFile: chainFile, atomically: true, encoding: .utf8)
    }

    private static func openssl(_ arguments: [String]) throws {
        let result = try Subprocess.runBlocking(URL(fileURLWithPath: "/usr/bin/openssl"), arguments)
        guard result.status == 0 else { throw LiveServerError("openssl \(arguments.prefix(2).joined(separator: " ")) failed: \(result.stderr)") }
    }

    /// Made once per test process, off the cooperative pool.
    static func shared() async throws -> TestPKI {
        try await offPool {
            try lock.withLock {
                if let made = cache.value { return made }
                let made = try TestPKI()
                cache.value = made
                return made
            }
        }
    }
    private static let lock = NSLock()
    private static let cache = Cache()
    private final class Cache: @unchecked Sendable { var value: TestPKI? }

    /// `[server]` TLS settings of this certificate and key.
    func settings(minimum: TLSSettings.Version = .tls13) -> TLSSettings {
        TLSSettings(certificateFile: chainFile, keyFile: keyFile, minimumVersion: minimum)
    }
}

/// The HTTPS listener: NIO-SSL with a PEM certificate chain and key, TLS 1.3 unless 1.2 is allowed, and the
/// errors a bad certificate or key gives at start.
@Suite struct TLSTests {
    @Test func httpsWithTheCAServesHealthAndAuthenticatedSearch() async throws {
        let pki = try await TestPKI.shared()
        let dir = TemporaryDirectory("server-tls")
        let store = try openServerStore(dir)
        let embedder = try nativeEmbedder()
        try await ingestDocuments(handbook, into: "handbook", store: store, embedder: embedder, dir: dir)
        let server = try await LiveServer.start(dir: dir, store: store, embedder: embedder, auth: AuthConfiguration(),
                                                clientTLS: TLSOptions(caFile: pki.caFile)) { $0.tls = pki.settings() }
        #expect(server.base.hasPrefix("https://127.0.0.1:"))
        #expect(try await server.get("/healthz").status == 200)
        let reader = try server.keys.create(APIKey.Spec(name: "r", role: .reader, namespaces: ["handbook"], clearance: .public)).secret
        AuthAPITests.unauthorized(try await server.post("/api/v1/search", ["query": "rotate keys", "namespace": "handbook"]),
                                  path: "/api", named: "no credentials over TLS", noCredentials: true)
        let search = try await server.post("/api/v1/search", ["query": "how often do I rotate API keys", "namespace": "handbook", "top_k": 1],
                                           headers: bearer(reader))
        #expect(search.status == 200, "\(search.text)")
        #expect(((search.json["results"] as? [[String: Any]])?.first?["source"] as? String)?.hasSuffix("keys.md") == true)
        // Streaming works over TLS too.
        let stream = try await server.events("/api/v1/query", ["query": "How often are keys rotated?", "namespace": "handbook", "stream": true],
                                             headers: bearer(reader))
        #expect(stream.status == 200 && stream.events.last?.0 == "done")

        // Without the CA the certificate does not verify; plain HTTP to the TLS port gets no HTTP answer.
        let untrusting = CurlClient(maxConnections: 1)
        await Self.expectTLSFailure { _ = try await untrusting.send(.get(server.base + "/healthz")) }
        let plain = CurlClient(maxConnections: 1)
        var request = HTTPRequest.get("http://127.0.0.1:\(server.port)/healthz")
        request.totalTimeout = 10
        do {
            let reply = try await plain.send(request)
            Issue.record("plain HTTP to the TLS port answered \(reply.status)")
        } catch let error as CurlError {
            #expect(error.code != .timeout, "\(error)")
        }
        try await server.stop()
    }

    @Test func tls12ClientsAreRefusedUnlessAllowed() async throws {
        let pki = try await TestPKI.shared()
        let older = TLSOptions(caFile: pki.caFile, maximumVersion: .tls12)
        let strict = try await LiveServer.start(clientTLS: TLSOptions(caFile: pki.caFile, minimumVersion: .tls13)) { $0.tls = pki.settings() }
        #expect(try await strict.get("/healthz").status == 200)
        await Self.expectTLSFailure { _ = try await CurlClient(maxConnections: 1, tls: older).send(.get(strict.base + "/healthz")) }
        try await strict.stop()

        let lenient = try await LiveServer.start(clientTLS: TLSOptions(caFile: pki.caFile)) { $0.tls = pki.settings(minimum: .tls12) }
        #expect(try await CurlClient(maxConnections: 1, tls: older).send(.get(lenient.base + "/healthz")).status == 200)
        #expect(try await lenient.get("/healthz").status == 200)   // TLS 1.3 clients still welcome
        try await lenient.stop()
    }

    @Test func badCertificatesAndKeysAreClearErrors() async throws {
        let pki = try await TestPKI.shared()
        let dir = TemporaryDirectory("tls-bad")
        try "not a certificate\n".write(toFile: dir.file("garbage.pem"), atomically: true, encoding: .utf8)
        let missing = dir.file("missing.pem")
        let cases: [(TLSSettings, String)] = [
            (TLSSettings(certificateFile: missing, keyFile: pki.keyFile), "tls_cert_file \(missing) does not exist"),
            (TLSSettings(certificateFile: pki.certificateFile, keyFile: missing), "tls_key_file \(missing) does not exist"),
            (TLSSettings(certificateFile: dir.path, keyFile: pki.keyFile), "tls_cert_file \(dir.path) is a directory"),
            (TLSSettings(certificateFile: dir.file("garbage.pem"), keyFile: pki.keyFile), "tls_cert_file \(dir.file("garbage.pem")) is not a PEM certificate"),
            (TLSSettings(certificateFile: pki.certificateFile, keyFile: pki.certificateFile), "tls_key_file \(pki.certificateFile) is not a PEM private key"),
            (TLSSettings(certificateFile: pki.certificateFile, keyFile: pki.otherKeyFile),
             "tls_key_file \(pki.otherKeyFile) does not match the certificate in \(pki.certificateFile)"),
            (TLSSettings(certificateFile: pki.certificateFile, keyFile: pki.encryptedKeyFile), "is encrypted: name the variable"),
            (TLSSettings(certificateFile: pki.certificateFile, keyFile: pki.encryptedKeyFile, keyPassword: "wrong"), "the password is wrong"),
        ]
        for (settings, message) in cases {
            #expect(throws: TLSSetupError.self, "\(message)") { _ = try settings.makeConfiguration() }
            do {
                _ = try settings.makeConfiguration()
            } catch let error as TLSSetupError {
                #expect(error.message.contains(message), "\(error.message)")
            }
        }
        // The right password opens the encrypted key.
        _ = try TLSSettings(certificateFile: pki.certificateFile, keyFile: pki.encryptedKeyFile, keyPassword: pki.keyPassword).makeConfiguration()
        // The server refuses to start with a bad key rather than failing each handshake.
        await #expect(throws: TLSSetupError.self) {
            _ = try await LiveServer.start { $0.tls = TLSSettings(certificateFile: pki.certificateFile, keyFile: pki.otherKeyFile) }
        }
    }

    /// `ragctl serve` with `[server] tls_*`: announces https://, and `ragctl search --server https://… --cacert`
    /// (or `RAGCTL_CACERT`) talks to it; a config error names the file.
    @Test func serveAndTheCLIClientSpeakTLS() async throws {
        let pki = try await TestPKI.shared()
        let dir = TemporaryDirectory("serve-tls")
        let config = dir.file("ragctl.toml")
        try """
            [server]
            tls_cert_file = "\(pki.chainFile)"
            tls_key_file = "\(pki.encryptedKeyFile)"
            tls_key_password_env = "TEST_TLS_KEY_PASSWORD"
            tls_min_version = "1.2"
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let noPassword = try await Ragctl.run(["serve", "--port", "0", "--data-dir", dir.file("data"), "--config", config])
        #expect(noPassword.status != 0)
        #expect(noPassword.stderr.contains("TEST_TLS_KEY_PASSWORD"), "\(noPassword.stderr)")

        let (port, process) = try await offPool {
            try TLSServeProcess.start(dataDir: dir.file("data"), config: config, logDir: dir.path,
                                      environment: ["TEST_TLS_KEY_PASSWORD": pki.keyPassword])
        }
        defer { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        let base = "https://127.0.0.1:\(port)"
        let search = ["search", "keys", "--namespace", "nope", "--server", base, "--json"]
        // The server answers (404: no such namespace) once the client trusts the CA, by flag or environment.
        for (arguments, environment) in [(search + ["--cacert", pki.caFile], [:]), (search, ["RAGCTL_CACERT": pki.caFile])] {
            let reply = try await Ragctl.run(arguments, environment: environment)
            #expect(reply.status == 1)
            #expect(reply.stderr.contains("server answered 404") && reply.stderr.contains("namespace \"nope\" does not exist"), "\(reply.stderr)")
        }
        let untrusted = try await Ragctl.run(search)
        #expect(untrusted.status == 1)
        #expect(untrusted.stderr.contains("cannot reach") && untrusted.stderr.contains("(tls)"), "\(untrusted.stderr)")
        let missingCA = try await Ragctl.run(search + ["--cacert", dir.file("nope.pem")])
        #expect(missingCA.status != 0 && missingCA.stderr.contains("nope.pem"), "\(missingCA.stderr)")

        try """
            [server]
            tls_cert_file = "\(dir.file("absent.pem"))"
            tls_key_file = "\(pki.keyFile)"
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let absent = try await Ragctl.run(["serve", "--port", "0", "--data-dir", dir.file("data"), "--config", config])
        #expect(absent.status != 0)
        #expect(absent.stderr.contains("tls_cert_file \(dir.file("absent.pem")) does not exist"), "\(absent.stderr)")
        try "[server]\ntls_cert_file = \"\(pki.certificateFile)\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let half = try await Ragctl.run(["serve", "--port", "0", "--data-dir", dir.file("data"), "--config", config])
        #expect(half.status != 0 && half.stderr.contains("tls_key_file"), "\(half.stderr)")
        try "[server]\ntls_min_version = \"1.1\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let old = try await Ragctl.run(["serve", "--port", "0", "--data-dir", dir.file("data"), "--config", config])
        #expect(old.status != 0 && old.stderr.contains("server.tls_min_version must be 1.2 or 1.3"), "\(old.stderr)")
    }

    static func expectTLSFailure(_ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async {
        do {
            try await body()
            Issue.record("the TLS handshake succeeded", sourceLocation: sourceLocation)
        } catch let error as CurlError {
            #expect(error.code == .tls, "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }
}

/// `ragctl serve --port 0 --config FILE` with TLS; returns the port from its "listening on https://" line.
enum TLSServeProcess {
    static func start(dataDir: String, config: String, logDir: String, environment: [String: String]) throws -> (Int, Process) {
        let (port, process, _) = try ServeProcess.start(["serve", "--port", "0", "--data-dir", dataDir, "--config", config],
                                                        environment: environment, logDir: logDir, scheme: "https")
        return (port, process)
    }
}
