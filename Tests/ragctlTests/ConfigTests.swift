import Foundation
import Testing
import TestSupport
@testable import ragctl

@Suite struct ConfigTests {
    @Test func interfaceExampleParsesWithItsDefaults() throws {
        let text = """
            data_dir = "./.ragctl"

            [embedder]
            kind = "native"                 # native | http
            model_path = ""
            base_url = ""
            model = ""
            api_key_env = "OPENAI_API_KEY"

            [[llm.providers]]               # tried in order
            name = "primary"
            kind = "openai"
            base_url = "http://127.0.0.1:11434"
            model = "llama3"
            api_key_env = ""
            timeout = 30

            [[llm.providers]]
            name = "backup"
            kind = "anthropic"
            base_url = "https://api.example"
            model = "claude"
            timeout = 12.5

            [resilience]
            max_attempts = 3
            backoff_initial = 1.0
            backoff_max = 10.0
            breaker_failures = 5
            breaker_open = 60
            deadline = 60

            [cache]
            exact_entries = 1000
            exact_ttl = 300
            semantic_threshold = 0.95
            semantic_ttl = 3600

            [rate_limit]
            user_rpm = 100
            global_rpm = 10000
            user_tpm = 0

            [validation]
            max_query_chars = 4000
            pii = "redact"
            prompt_injection = "block"

            [server]
            host = "127.0.0.1"
            port = 8080
            max_body_bytes = 10485760

            [prices."scripted-llm"]
            prompt = 0.15
            completion = 0.6

            [query_log]
            text = "hash_only"

            [auth]
            enabled = false
            jwt_issuer = ""
            jwt_audience = ""
            jwt_hs256_secret_env = ""
            jwks_file = ""
            """
        let dir = TemporaryDirectory("config")
        let path = dir.file("ragctl.toml")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let config = try AppConfig.load(path: path, environment: [:])
        #expect(config.dataDir == "./.ragctl")
        #expect(config.providers.map(\.name) == ["primary", "backup"])
        #expect(config.providers[1].kind == "anthropic")
        #expect(config.providers[1].timeout == 12.5)
        #expect(config.cache.semanticThreshold == 0.95)
        #expect(config.server.maxBodyBytes == 10_485_760)
        #expect(config.auth.enabled == false)
        let engine = try config.queryEngine(environment: [:])
        #expect(engine.prices.price(for: "scripted-llm")?.completion == 0.6)
        #expect(engine.logText == .hashOnly)
        #expect(engine.providers.map(\.kind) == [.openai, .anthropic])

        let overridden = try AppConfig.load(path: path, environment: [
            "RAGCTL_DATA_DIR": "/srv/rag", "RAGCTL_LLM_MODEL": "qwen", "RAGCTL_LLM_BASE_URL": "http://10.0.0.1:8000",
            "RAGCTL_EMBEDDER_BASE_URL": "http://e:1", "RAGCTL_PORT": "9090",
        ])
        #expect(overridden.dataDir == "/srv/rag")
        #expect(overridden.providers[0].model == "qwen")
        #expect(overridden.providers[0].baseURL == "http://10.0.0.1:8000")
        #expect(overridden.embedder.baseURL == "http://e:1")
        #expect(overridden.server.port == 9090)
    }

    @Test(arguments: [
        ("[embedder]\nkinds = \"native\"", "embedder.kinds"),
        ("[server]\nport = \"eighty\"", "server.port"),
        ("[validation]\npii = \"maybe\"", "validation.pii"),
        ("[cache]\nsemantic_ttl = 60", "semantic_ttl"),
        ("unknown_top = 1", "unknown_top"),
        ("[encryption]\nkey_envs = \"K\"", "encryption.key_envs"),
        ("[encryption]\nkey_env = \"K\"\nkey_file = \"k.key\"", "exclusive"),
        ("[server\nport = 1", "line 1"),
        ("name = unquoted", "quotes"),
    ])
    func badConfigsNameTheKey(text: String, mention: String) throws {
        let dir = TemporaryDirectory("config")
        let path = dir.file("bad.toml")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try AppConfig.load(path: path, environment: [:])
            Issue.record("accepted \(text)")
        } catch let failure as CommandFailure {
            #expect(failure.message.contains(mention), "\(failure.message) should mention \(mention)")
            #expect(failure.message.contains(path))
        }
    }

    @Test func globalOptionsMoveFromBeforeTheSubcommand() {
        #expect(GlobalOptions.hoist(["--data-dir", "D", "namespaces", "list", "--json"]) == ["namespaces", "list", "--json", "--data-dir", "D"])
        #expect(GlobalOptions.hoist(["--config=c.toml", "ingest", "x", "--namespace", "n"]) == ["ingest", "x", "--namespace", "n", "--config=c.toml"])
        #expect(GlobalOptions.hoist(["ingest", "--data-dir", "D", "x"]) == ["ingest", "--data-dir", "D", "x"])
    }

    @Test func tomlValues() throws {
        let table = try TOMLParser.parse("""
            a = 1_000
            b = -2.5
            c = 'lit\\eral'
            d = "esc\\t\\u00e9"
            e = [1, 2,
                 3]
            f = { x = 1, y = "z" }
            [t.u]
            v = true
            """)
        #expect(table["a"] as? Int == 1000)
        #expect(table["b"] as? Double == -2.5)
        #expect(table["c"] as? String == "lit\\eral")
        #expect(table["d"] as? String == "esc\té")
        #expect((table["e"] as? [Int]) == [1, 2, 3])
        #expect((table["f"] as? [String: Any])?["y"] as? String == "z")
        #expect(((table["t"] as? [String: Any])?["u"] as? [String: Any])?["v"] as? Bool == true)
    }
}
