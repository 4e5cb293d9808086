import Foundation
import Retrieval

/// The root configuration: defaults < config file (TOML) < environment < flags. Loaded once by `ragctl`;
/// libraries receive the parts they need and never read the environment themselves.
struct AppConfig: Sendable {
    struct Embedder: Sendable {
        var kind = "native"
        var modelPath = ""
        var baseURL = ""
        var model = ""
        var apiKeyEnv = "OPENAI_API_KEY"
    }

    struct LLMProvider: Sendable {
        var name = "primary"
        var kind = "openai"
        var baseURL = "http://127.0.0.1:11434"
        var model = "llama3"
        var apiKeyEnv = ""
        var timeout = 30.0
    }

    struct Resilience: Sendable {
        var maxAttempts = 3
        var backoffInitial = 1.0
        var backoffMax = 10.0
        var breakerFailures = 5
        var breakerOpen = 60.0
        var deadline = 60.0
    }

    struct Cache: Sendable {
        var exactEntries = 1000
        var exactTTL = 300.0
        var semanticThreshold = 0.95
        var semanticTTL = 3600.0
    }

    struct RateLimit: Sendable {
        var userRPM = 100
        var globalRPM = 10_000
        var userTPM = 0
    }

    struct Validation: Sendable {
        var maxQueryChars = 4000
        var pii = "redact"
        var promptInjection = "block"
    }

    struct Server: Sendable {
        var host = "127.0.0.1"
        var port = 8080
        var maxBodyBytes = 10_485_760
        var maxJSONDepth = 32
        var ingestRoots: [String] = []
        var ingestQueue = 64
        var ingestWorkers = 1
        var idleTimeout = 75.0
        var bodyTimeout = 30.0
        var shutdownGrace = 30.0
        var accessLog = true
        var logLevel = "info"
        /// HTTPS: see `AppConfig+TLS.swift`.
        var tlsCertFile = ""
        var tlsKeyFile = ""
        var tlsKeyPasswordEnv = ""
        var tlsMinVersion = "1.3"
    }

    /// `[retention]`: days each kind of record is kept (0 = forever) and seconds between passes.
    struct Retention: Sendable {
        var queryLogsDays = 90.0
        var feedbackDays = 365.0
        var auditDays = 365.0
        var interval = 3600.0
    }

    /// `[audit]`: whether `ragctl serve` records API requests, and how long entries wait to be written together.
    struct Audit: Sendable {
        var enabled = true
        var flushInterval = 0.01
    }

    /// `[auth]`: see README "Security: keys and tokens".
    struct Auth: Sendable {
        var enabled = false
        var jwtIssuer = ""
        var jwtAudience = ""
        var jwtHS256SecretEnv = ""
        var jwksFile = ""
        var jwksReload = 300.0
        /// PEM public keys (RSA → RS256, P-256 → ES256).
        var jwtPublicKeyFiles: [String] = []
        var jwtAlgorithms = ["HS256", "RS256", "ES256"]
        /// Seconds of clock skew allowed on exp/nbf.
        var jwtLeeway = 30.0
        /// The environment variable holding the API key pepper; empty: `<data_dir>/auth_pepper` (created 0600).
        var pepperEnv = ""
        var openMetrics = false
        var openOpenAPI = true
    }

    /// `[encryption]`: where the store's encryption key comes from (both empty: the store is not encrypted).
    /// See README "Encryption at rest".
    struct Encryption: Sendable {
        /// The environment variable holding the key (64 hex digits or base64 of 32 bytes).
        var keyEnv = ""
        /// A file holding the key, readable by its owner only.
        var keyFile = ""
    }

    var dataDir: String?
    var embedder = Embedder()
    /// USD per million prompt and completion tokens, by model: `[prices."model-name"] prompt = 0.15, completion = 0.6`.
    var prices: [String: (prompt: Double, completion: Double)] = [:]
    /// What the query log keeps of the question: the redacted text, or only its sha256 (`[query_log] text`).
    var queryLogText = "redacted"
    /// `ragctl serve` writes query-log rows in batches this often (`[query_log] flush_interval`, seconds; 0 = each at once).
    var queryLogFlushInterval = 0.01
    /// Tried in order; empty means no LLM is configured (answers are extractive and `degraded`).
    var providers: [LLMProvider] = []
    var resilience = Resilience()
    var cache = Cache()
    var rateLimit = RateLimit()
    var validation = Validation()
    var server = Server()
    var auth = Auth()
    var retention = Retention()
    var audit = Audit()
    var encryption = Encryption()

    /// The query path's settings; provider API keys are read from the environment variables the config names.
    func queryEngine(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> QueryEngineConfiguration {
        var engine = QueryEngineConfiguration()
        engine.validation.maxQueryCharacters = validation.maxQueryChars
        engine.validation.pii = QueryValidator.PIIPolicy(rawValue: validation.pii) ?? .redact
        engine.validation.promptInjection = QueryValidator.InjectionPolicy(rawValue: validation.promptInjection) ?? .block
        engine.exactEntries = cache.exactEntries
        engine.exactTTL = cache.exactTTL
        engine.semantic.threshold = cache.semanticThreshold
        engine.semantic.ttl = cache.semanticTTL
        engine.rateLimit.userRPM = rateLimit.userRPM
        engine.rateLimit.globalRPM = rateLimit.globalRPM
        engine.rateLimit.userTPM = rateLimit.userTPM
        engine.resilience = ResilienceConfiguration(maxAttempts: resilience.maxAttempts, backoffInitial: resilience.backoffInitial,
                                                    backoffMax: resilience.backoffMax, breakerFailures: resilience.breakerFailures,
                                                    breakerOpen: resilience.breakerOpen, deadline: resilience.deadline)
        engine.prices = PriceTable(prices.mapValues { PriceTable.Price(prompt: $0.prompt, completion: $0.completion) })
        engine.logText = queryLogText == "hash_only" ? .hashOnly : .redacted
        engine.providers = providers.map { p in
            var provider = LLMProviderConfiguration(name: p.name, kind: p.kind == "anthropic" ? .anthropic : .openai, baseURL: p.baseURL,
                                                    model: p.model, apiKey: p.apiKeyEnv.isEmpty ? nil : environment[p.apiKeyEnv],
                                                    timeout: p.timeout)
            provider.timeout = p.timeout
            return provider
        }
        return engine
    }

    struct ConfigError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// Reads `path` (when given) and applies the environment overrides of INTERFACE.md.
    static func load(path: String?, environment: [String: String]) throws -> AppConfig {
        var config = AppConfig()
        if let path {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CommandFailure(code: "config", message: "cannot read config file \(path)")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw CommandFailure(code: "config", message: "config file \(path) is not UTF-8")
            }
            let table: [String: Any]
            do {
                table = try TOMLParser.parse(text)
            } catch {
                throw CommandFailure(code: "config", message: "config file \(path): \(error)")
            }
            do {
                try config.apply(table)
            } catch let error as ConfigError {
                throw CommandFailure(code: "config", message: "config file \(path): \(error.message)")
            }
        }
        func env(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let dir = env("RAGCTL_DATA_DIR") { config.dataDir = dir }
        if let url = env("RAGCTL_LLM_BASE_URL") {
            if config.providers.isEmpty { config.providers = [LLMProvider()] }
            config.providers[0].baseURL = url
        }
        if let model = env("RAGCTL_LLM_MODEL") {
            if config.providers.isEmpty { config.providers = [LLMProvider()] }
            config.providers[0].model = model
        }
        if let url = env("RAGCTL_EMBEDDER_BASE_URL") { config.embedder.baseURL = url }
        if let port = env("RAGCTL_PORT") {
            guard let value = Int(port), (0...65_535).contains(value) else {
                throw CommandFailure(code: "config", message: "RAGCTL_PORT must be a port number 0-65535, got \(port)")
            }
            config.server.port = value
        }
        do {
            try config.validate()
        } catch let failure as CommandFailure {
            guard let path else { throw failure }
            throw CommandFailure(code: failure.code, message: "config file \(path) (or environment): \(failure.message)")
        }
        return config
    }

    /// Checks ranges and enumerations, naming the key at fault.
    func validate() throws {
        func check(_ ok: Bool, _ message: String) throws {
            if !ok { throw CommandFailure(code: "config", message: "config: \(message)") }
        }
        try check(["native", "http"].contains(embedder.kind), "embedder.kind must be native or http, got \(embedder.kind)")
        for (i, p) in providers.enumerated() {
            try check(["openai", "anthropic"].contains(p.kind), "llm.providers[\(i)].kind must be openai or anthropic, got \(p.kind)")
            try check(p.timeout > 0, "llm.providers[\(i)].timeout must be positive")
        }
        try check(resilience.maxAttempts >= 1, "resilience.max_attempts must be at least 1")
        try check(resilience.backoffInitial >= 0 && resilience.backoffMax >= resilience.backoffInitial,
                  "resilience.backoff_max must be >= backoff_initial >= 0")
        try check(cache.exactEntries >= 0, "cache.exact_entries must be >= 0")
        try check((0...1).contains(cache.semanticThreshold), "cache.semantic_threshold must be in [0, 1]")
        try check((3600...86_400).contains(cache.semanticTTL), "cache.semantic_ttl must be between 3600 and 86400 seconds")
        try check(["redact", "reject", "off"].contains(validation.pii), "validation.pii must be redact, reject or off")
        try check(["block", "flag", "off"].contains(validation.promptInjection), "validation.prompt_injection must be block, flag or off")
        try check((0...65_535).contains(server.port), "server.port must be 0-65535")
        try check(server.maxBodyBytes > 0, "server.max_body_bytes must be positive")
        try check((1...512).contains(server.maxJSONDepth), "server.max_json_depth must be 1-512")
        try check(server.ingestQueue > 0 && server.ingestWorkers > 0, "server.ingest_queue and server.ingest_workers must be positive")
        try check(server.idleTimeout > 0 && server.bodyTimeout > 0 && server.shutdownGrace >= 0, "server timeouts must be positive")
        try check(auth.jwtAlgorithms.allSatisfy(["HS256", "RS256", "ES256"].contains),
                  "auth.jwt_algorithms may list HS256, RS256 and ES256 only, got \(auth.jwtAlgorithms)")
        try check((0...300).contains(auth.jwtLeeway), "auth.jwt_leeway must be 0-300 seconds")
        try check(auth.jwksReload >= 0, "auth.jwks_reload must be 0 (only on an unknown kid) or a positive number of seconds")
        try check(["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(server.logLevel),
                  "server.log_level must be trace, debug, info, notice, warning, error or critical")
        try check(retention.queryLogsDays >= 0 && retention.feedbackDays >= 0 && retention.auditDays >= 0,
                  "retention.query_logs_days, feedback_days and audit_days must be >= 0 (0 keeps forever)")
        try check(retention.interval >= 1, "retention.interval must be at least 1 second")
        try check((0...60).contains(audit.flushInterval), "audit.flush_interval must be 0-60 seconds")
        try validateTLS(check)
        try check(encryption.keyEnv.isEmpty || encryption.keyFile.isEmpty, "encryption.key_env and encryption.key_file are exclusive; set one")
    }

    private mutating func apply(_ table: [String: Any]) throws {
        let known: Set<String> = ["data_dir", "embedder", "llm", "resilience", "cache", "rate_limit", "validation", "server", "auth",
                                  "prices", "query_log", "retention", "audit", "encryption"]
        for key in table.keys where !known.contains(key) { throw ConfigError(message: "unknown key \(key)") }
        if let dir = table["data_dir"] { dataDir = try Self.string(dir, "data_dir") }
        if let section = try Self.section(table, "embedder") {
            var r = Reader(section: section, name: "embedder")
            embedder.kind = try r.string("kind") ?? embedder.kind
            embedder.modelPath = try r.string("model_path") ?? embedder.modelPath
            embedder.baseURL = try r.string("base_url") ?? embedder.baseURL
            embedder.model = try r.string("model") ?? embedder.model
            embedder.apiKeyEnv = try r.string("api_key_env") ?? embedder.apiKeyEnv
            try r.finish()
        }
        if let llm = try Self.section(table, "llm") {
            for key in llm.keys where key != "providers" { throw ConfigError(message: "unknown key llm.\(key)") }
            guard let list = llm["providers"] as? [[String: Any]] else {
                if llm["providers"] != nil { throw ConfigError(message: "llm.providers must be an array of tables ([[llm.providers]])") }
                return
            }
            providers = try list.enumerated().map { i, section in
                var r = Reader(section: section, name: "llm.providers[\(i)]")
                var p = LLMProvider()
                p.name = try r.string("name") ?? "provider\(i)"
                p.kind = try r.string("kind") ?? p.kind
                p.baseURL = try r.string("base_url") ?? p.baseURL
                p.model = try r.string("model") ?? p.model
                p.apiKeyEnv = try r.string("api_key_env") ?? p.apiKeyEnv
                p.timeout = try r.double("timeout") ?? p.timeout
                try r.finish()
                return p
            }
        }
        if let section = try Self.section(table, "prices") {
            for (model, value) in section {
                guard let entry = value as? [String: Any] else { throw ConfigError(message: "prices.\(model) must be a table with prompt and completion") }
                var r = Reader(section: entry, name: "prices.\(model)")
                let prompt = try r.double("prompt") ?? 0
                let completion = try r.double("completion") ?? 0
                try r.finish()
                guard prompt >= 0, completion >= 0 else { throw ConfigError(message: "prices.\(model) must not be negative") }
                prices[model] = (prompt, completion)
            }
        }
        if let section = try Self.section(table, "query_log") {
            var r = Reader(section: section, name: "query_log")
            queryLogText = try r.string("text") ?? queryLogText
            queryLogFlushInterval = try r.double("flush_interval") ?? queryLogFlushInterval
            try r.finish()
            guard ["redacted", "hash_only"].contains(queryLogText) else {
                throw ConfigError(message: "query_log.text must be redacted or hash_only, got \(queryLogText)")
            }
        }
        if let section = try Self.section(table, "resilience") {
            var r = Reader(section: section, name: "resilience")
            resilience.maxAttempts = try r.int("max_attempts") ?? resilience.maxAttempts
            resilience.backoffInitial = try r.double("backoff_initial") ?? resilience.backoffInitial
            resilience.backoffMax = try r.double("backoff_max") ?? resilience.backoffMax
            resilience.breakerFailures = try r.int("breaker_failures") ?? resilience.breakerFailures
            resilience.breakerOpen = try r.double("breaker_open") ?? resilience.breakerOpen
            resilience.deadline = try r.double("deadline") ?? resilience.deadline
            try r.finish()
        }
        if let section = try Self.section(table, "cache") {
            var r = Reader(section: section, name: "cache")
            cache.exactEntries = try r.int("exact_entries") ?? cache.exactEntries
            cache.exactTTL = try r.double("exact_ttl") ?? cache.exactTTL
            cache.semanticThreshold = try r.double("semantic_threshold") ?? cache.semanticThreshold
            cache.semanticTTL = try r.double("semantic_ttl") ?? cache.semanticTTL
            try r.finish()
        }
        if let section = try Self.section(table, "rate_limit") {
            var r = Reader(section: section, name: "rate_limit")
            rateLimit.userRPM = try r.int("user_rpm") ?? rateLimit.userRPM
            rateLimit.globalRPM = try r.int("global_rpm") ?? rateLimit.globalRPM
            rateLimit.userTPM = try r.int("user_tpm") ?? rateLimit.userTPM
            try r.finish()
        }
        if let section = try Self.section(table, "validation") {
            var r = Reader(section: section, name: "validation")
            validation.maxQueryChars = try r.int("max_query_chars") ?? validation.maxQueryChars
            validation.pii = try r.string("pii") ?? validation.pii
            validation.promptInjection = try r.string("prompt_injection") ?? validation.promptInjection
            try r.finish()
        }
        if let section = try Self.section(table, "server") {
            var r = Reader(section: section, name: "server")
            server.host = try r.string("host") ?? server.host
            server.port = try r.int("port") ?? server.port
            server.maxBodyBytes = try r.int("max_body_bytes") ?? server.maxBodyBytes
            server.maxJSONDepth = try r.int("max_json_depth") ?? server.maxJSONDepth
            server.ingestRoots = try r.strings("ingest_roots") ?? server.ingestRoots
            server.ingestQueue = try r.int("ingest_queue") ?? server.ingestQueue
            server.ingestWorkers = try r.int("ingest_workers") ?? server.ingestWorkers
            server.idleTimeout = try r.double("idle_timeout") ?? server.idleTimeout
            server.bodyTimeout = try r.double("body_timeout") ?? server.bodyTimeout
            server.shutdownGrace = try r.double("shutdown_grace") ?? server.shutdownGrace
            server.accessLog = try r.bool("access_log") ?? server.accessLog
            server.logLevel = try r.string("log_level") ?? server.logLevel
            try readTLS(&r)
            try r.finish()
        }
        if let section = try Self.section(table, "retention") {
            var r = Reader(section: section, name: "retention")
            retention.queryLogsDays = try r.double("query_logs_days") ?? retention.queryLogsDays
            retention.feedbackDays = try r.double("feedback_days") ?? retention.feedbackDays
            retention.auditDays = try r.double("audit_days") ?? retention.auditDays
            retention.interval = try r.double("interval") ?? retention.interval
            try r.finish()
        }
        if let section = try Self.section(table, "audit") {
            var r = Reader(section: section, name: "audit")
            audit.enabled = try r.bool("enabled") ?? audit.enabled
            audit.flushInterval = try r.double("flush_interval") ?? audit.flushInterval
            try r.finish()
        }
        if let section = try Self.section(table, "encryption") {
            var r = Reader(section: section, name: "encryption")
            encryption.keyEnv = try r.string("key_env") ?? encryption.keyEnv
            encryption.keyFile = try r.string("key_file") ?? encryption.keyFile
            try r.finish()
        }
        if let section = try Self.section(table, "auth") {
            var r = Reader(section: section, name: "auth")
            auth.enabled = try r.bool("enabled") ?? auth.enabled
            auth.jwtIssuer = try r.string("jwt_issuer") ?? auth.jwtIssuer
            auth.jwtAudience = try r.string("jwt_audience") ?? auth.jwtAudience
            auth.jwtHS256SecretEnv = try r.string("jwt_hs256_secret_env") ?? auth.jwtHS256SecretEnv
            auth.jwksFile = try r.string("jwks_file") ?? auth.jwksFile
            auth.jwksReload = try r.double("jwks_reload") ?? auth.jwksReload
            auth.jwtPublicKeyFiles = try r.strings("jwt_public_key_files") ?? auth.jwtPublicKeyFiles
            auth.jwtAlgorithms = try r.strings("jwt_algorithms") ?? auth.jwtAlgorithms
            auth.jwtLeeway = try r.double("jwt_leeway") ?? auth.jwtLeeway
            auth.pepperEnv = try r.string("pepper_env") ?? auth.pepperEnv
            auth.openMetrics = try r.bool("open_metrics") ?? auth.openMetrics
            auth.openOpenAPI = try r.bool("open_openapi") ?? auth.openOpenAPI
            try r.finish()
        }
    }

    private static func section(_ table: [String: Any], _ name: String) throws -> [String: Any]? {
        guard let value = table[name] else { return nil }
        guard let section = value as? [String: Any] else { throw ConfigError(message: "\(name) must be a table ([\(name)])") }
        return section
    }

    private static func string(_ value: Any, _ key: String) throws -> String {
        guard let string = value as? String else { throw ConfigError(message: "\(key) must be a string") }
        return string
    }

    /// Reads typed keys of one section and rejects keys it did not read (typos).
    struct Reader {
        let section: [String: Any]
        let name: String
        var used: Set<String> = []

        init(section: [String: Any], name: String) {
            self.section = section
            self.name = name
        }

        mutating func string(_ key: String) throws -> String? {
            used.insert(key)
            guard let value = section[key] else { return nil }
            guard let string = value as? String else { throw ConfigError(message: "\(name).\(key) must be a string") }
            return string
        }

        mutating func int(_ key: String) throws -> Int? {
            used.insert(key)
            guard let value = section[key] else { return nil }
            guard let int = value as? Int else { throw ConfigError(message: "\(name).\(key) must be an integer") }
            return int
        }

        mutating func double(_ key: String) throws -> Double? {
            used.insert(key)
            guard let value = section[key] else { return nil }
            if let int = value as? Int { return Double(int) }
            guard let double = value as? Double else { throw ConfigError(message: "\(name).\(key) must be a number") }
            return double
        }

        mutating func strings(_ key: String) throws -> [String]? {
            used.insert(key)
            guard let value = section[key] else { return nil }
            guard let list = value as? [Any], list.allSatisfy({ $0 is String }) else {
                throw ConfigError(message: "\(name).\(key) must be an array of strings")
            }
            return list.map { $0 as! String }
        }

        mutating func bool(_ key: String) throws -> Bool? {
            used.insert(key)
            guard let value = section[key] else { return nil }
            guard let bool = value as? Bool else { throw ConfigError(message: "\(name).\(key) must be true or false") }
            return bool
        }

        func finish() throws {
            if let unknown = section.keys.sorted().first(where: { !used.contains($0) }) {
                throw ConfigError(message: "unknown key \(name).\(unknown)")
            }
        }
    }
}
