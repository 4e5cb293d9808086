import CurlHTTP
import Foundation
import Server
import Testing
import TestSupport

/// `ragctl keys …` on a store, and `ragctl serve` with `[auth]` accepting what the CLI created.
@Suite struct AuthCLITests {
    @Test func keysCreateListRotateRevoke() async throws {
        let dir = TemporaryDirectory("keys-cli")
        let data = ["--data-dir", dir.file("data")]
        let created = try await Ragctl.run(["keys", "create", "--name", "ci bot", "--role", "reader", "--namespaces", "a,b",
                                            "--clearance", "internal", "--rpm", "30", "--expires", "90d", "--json"] + data)
        #expect(created.status == 0, "\(created.stderr)")
        let id = try #require(created.json?["id"] as? String)
        let key = try #require(created.json?["key"] as? String)
        #expect(key.hasPrefix("rk_\(id)_") && key.count == 3 + 16 + 1 + 43)
        // The pepper was created beside the store, readable by its owner only.
        let mode = try FileManager.default.attributesOfItem(atPath: dir.file("data/auth_pepper"))[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let list = try await Ragctl.run(["keys", "list", "--json"] + data)
        let keys = try #require(list.json?["keys"] as? [[String: Any]])
        #expect(keys.count == 1)
        #expect(keys[0]["namespaces"] as? [String] == ["a", "b"] && keys[0]["clearance"] as? String == "internal")
        #expect(keys[0]["rpm"] as? Int == 30 && keys[0]["state"] as? String == "active" && keys[0]["expires_at"] is String)
        #expect(!list.stdout.contains(key) && keys[0]["key"] == nil)
        let human = try await Ragctl.run(["keys", "list"] + data)
        #expect(human.stdout.contains(id) && human.stdout.contains("ci bot") && !human.stdout.contains(key))

        let rotated = try await Ragctl.run(["keys", "rotate", id, "--grace", "24h", "--json"] + data)
        #expect(rotated.status == 0, "\(rotated.stderr)")
        let fresh = try #require(rotated.json?["key"] as? String)
        #expect(rotated.json?["id"] as? String == id && fresh != key && fresh.hasPrefix("rk_\(id)_"))
        let until = try #require(rotated.json?["previous_valid_until"] as? String)
        let untilDate = try #require(ISO8601DateFormatter().date(from: until))
        #expect(abs(untilDate.timeIntervalSinceNow - 86_400) < 120)

        let revoked = try await Ragctl.run(["keys", "revoke", id] + data)
        #expect(revoked.status == 0 && revoked.stdout.contains("revoked"))
        #expect((try await Ragctl.run(["keys", "list", "--json"] + data)).json.flatMap { ($0["keys"] as? [[String: Any]])?.first?["state"] as? String } == "revoked")

        // Usage errors exit 64; a failure on a real input exits 1 and names it.
        #expect(try await Ragctl.run(["keys", "create", "--name", "x", "--role", "boss", "--namespaces", "a"] + data).status == 64)
        #expect(try await Ragctl.run(["keys", "create", "--name", "x", "--role", "reader"] + data).status == 64)
        let past = try await Ragctl.run(["keys", "create", "--name", "x", "--role", "reader", "--namespaces", "a", "--expires", "2001-01-01", "--json"] + data)
        #expect(past.status == 1 && past.stderr.contains("in the past"))
        let unknown = try await Ragctl.run(["keys", "rotate", "0000000000000000", "--grace", "30m"] + data)
        #expect(unknown.status == 1 && unknown.stderr.contains("no API key with id 0000000000000000"))
        let inactive = try await Ragctl.run(["keys", "rotate", id, "--json"] + data)
        #expect(inactive.status == 1 && (inactive.json?["error"] as? [String: Any])?["code"] as? String == "key_inactive")
        let badGrace = try await Ragctl.run(["keys", "rotate", id, "--grace", "soon"] + data)
        #expect(badGrace.status == 1 && badGrace.stderr.contains("90s, 30m, 24h"))

        // A pepper in the environment, when the config names one; a missing variable is an error.
        let config = dir.file("auth.toml")
        try "[auth]\npepper_env = \"TEST_RAGCTL_PEPPER\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let missing = try await Ragctl.run(["keys", "list", "--config", config] + data)
        #expect(missing.status == 1 && missing.stderr.contains("TEST_RAGCTL_PEPPER"))
        let withPepper = try await Ragctl.run(["keys", "list", "--json", "--config", config] + data,
                                              environment: ["TEST_RAGCTL_PEPPER": String(repeating: "p", count: 40)])
        #expect(withPepper.status == 0, "\(withPepper.stderr)")
    }

    @Test func serveWithAuthAcceptsKeysFromTheCLIAndBindsAnyAddress() async throws {
        let dir = TemporaryDirectory("serve-auth")
        let data = ["--data-dir", dir.file("data")]
        let config = dir.file("auth.toml")
        try """
            [auth]
            enabled = true
            jwt_hs256_secret_env = "TEST_JWT_SECRET"
            jwt_audience = "ragctl-test"
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let environment = ["TEST_JWT_SECRET": String(decoding: TestTokens.hs256Secret, as: UTF8.self)]
        let created = try await Ragctl.run(["keys", "create", "--name", "ops", "--role", "admin", "--json"] + data)
        let key = try #require(created.json?["key"] as? String)
        let id = try #require(created.json?["id"] as? String)

        let (port, process, stderrPath) = try await offPool {
            try AuthServeProcess.start(["serve", "--host", "0.0.0.0", "--port", "0", "--config", config] + data, environment: environment)
        }
        defer { process.terminate() }
        let client = AuthClient(port: port)
        #expect(try await client.get("/healthz").status == 200)
        #expect(try await client.get("/api/v1/namespaces").status == 401)
        #expect(try await client.get("/api/v1/namespaces", headers: bearer(key)).status == 200)
        let token = try await TestTokens.shared().sign(TestClaims(iss: nil, exp: Date().timeIntervalSince1970 + 60, role: "admin"), with: .hs256)
        #expect(try await client.get("/api/v1/namespaces", headers: bearer(token)).status == 200)
        // The CLI's --server client sends the key as a bearer token.
        let base = "http://127.0.0.1:\(port)"
        let unknown = try await Ragctl.run(["search", "x", "--namespace", "nope", "--server", base, "--api-key", key, "--json"])
        #expect(unknown.status == 1 && unknown.stderr.contains("404"), "\(unknown.stderr)")
        let anonymous = try await Ragctl.run(["search", "x", "--namespace", "nope", "--server", base, "--json"])
        #expect(anonymous.status == 1 && anonymous.stderr.contains("401"), "\(anonymous.stderr)")
        // Revoked by the CLI while the server runs: refused from the next request on.
        #expect(try await Ragctl.run(["keys", "revoke", id] + data).status == 0)
        #expect(try await client.get("/api/v1/namespaces", headers: bearer(key)).status == 401)
        try await offPool {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        let logs = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        #expect(logs.contains("authentication failed") && logs.contains("\"reason\":\"revoked\""), "\(logs)")
        #expect(!logs.contains(key))
    }
}

/// `ragctl serve` as a child process on any address; returns once it prints its port.
enum AuthServeProcess {
    static func start(_ arguments: [String], environment: [String: String]) throws -> (Int, Process, String) {
        try ServeProcess.start(arguments, environment: environment, logDir: NSTemporaryDirectory())
    }
}

/// GETs with headers against a server on loopback.
struct AuthClient {
    let port: Int
    func get(_ path: String, headers: [(String, String)] = []) async throws -> (status: Int, body: Data) {
        let response = try await CurlClient().send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)\(path)", headers: headers))
        return (response.status, response.body)
    }
}
