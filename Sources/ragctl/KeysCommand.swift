import ArgumentParser
import Foundation
import Server
import VectorStore

/// `ragctl keys`: API keys for `[auth] enabled = true`. Works on the store directly, so it also works while
/// the server runs (a revoked key is refused from the server's next request on). Also the store's encryption
/// key: `generate-encryption-key`, `rotate-encryption` (see `KeysCommand+Encryption.swift`).
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list, revoke and rotate API keys (only a peppered hash of each key is stored); manage the encryption key.",
        subcommands: [Create.self, List.self, Revoke.self, Rotate.self, GenerateEncryptionKey.self, RotateEncryption.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API key and print it once.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .long, help: "A label for the key (who or what uses it).") var name: String
        @Option(name: .long, help: "reader (search, query, feedback), writer (+ ingest, documents, vectors) or admin (+ namespaces, keys, all namespaces).")
        var role: String
        @Option(name: .long, help: ArgumentHelp("Namespaces the key may use, comma-separated, or '*' for all (admin keys: always all).", valueName: "a,b|*"))
        var namespaces: String?
        @Option(name: .long, help: "Highest access level the key may see: public, internal or restricted.") var clearance: String = "public"
        @Option(name: .long, help: "Requests per minute for this key (instead of [rate_limit] user_rpm; 0 = unlimited).") var rpm: Int?
        @Option(name: .long, help: "LLM tokens per minute for this key (instead of [rate_limit] user_tpm; 0 = unlimited).") var tpm: Int?
        @Option(name: .long, help: ArgumentHelp("When the key stops working: 2027-01-31 (midnight UTC), an RFC 3339 time, or a duration such as 90d.", valueName: "date"))
        var expires: String?
        @Flag(help: "Print JSON: {\"id\", \"key\", …}.") var json = false

        func validate() throws {
            guard Principal.Role(rawValue: role) != nil else { throw ValidationError("--role must be reader, writer or admin, got \(role)") }
            guard AccessLevel(rawValue: clearance) != nil else {
                throw ValidationError("--clearance must be public, internal or restricted, got \(clearance)")
            }
            if namespaces == nil, role != "admin" { throw ValidationError("--namespaces is required for a \(role) key (a,b or '*')") }
        }

        func run() throws {
            CommandFailure.jsonOutput = json
            let (keys, audit) = try KeysCommand.open(global)
            let (key, secret) = try KeysCommand.failing {
                let spec = APIKey.Spec(
                    name: name, role: Principal.Role(rawValue: role)!,
                    namespaces: try namespaces.flatMap { try APIKey.parseNamespaces($0.split(separator: ",").map(String.init)) },
                    clearance: AccessLevel(rawValue: clearance)!, requestsPerMinute: rpm, tokensPerMinute: tpm,
                    expiresAt: try expires.map { try APIKey.parseExpiry($0, now: Date()) })
                return try audit.recording("keys.create", status: 201, resources: { [$0.key.id] }) { try keys.create(spec) }
            }
            KeysCommand.show(key, secret: secret, json: json, note: "created API key \(key.id) (\(key.role.rawValue)); the key is shown only now")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List API keys (never their secrets).")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON: {\"keys\": [{\"id\", \"name\", \"role\", \"namespaces\", \"clearance\", \"state\", …}]}.") var json = false

        func run() throws {
            CommandFailure.jsonOutput = json
            let keys = try KeysCommand.failing { try KeysCommand.open(global).keys.list() }
            let now = Date()
            if json {
                JSONOutput.print(["keys": keys.map { $0.jsonObject(now: now) }])
                return
            }
            if keys.isEmpty { print("no API keys"); return }
            print(pad("ID", 18) + pad("NAME", 20) + pad("ROLE", 8) + pad("STATE", 9) + pad("CLEARANCE", 11) + pad("EXPIRES", 22) + "NAMESPACES")
            for key in keys {
                let object = key.jsonObject(now: now)
                print(pad(key.id, 18) + pad(key.name, 20) + pad(key.role.rawValue, 8) + pad(key.state(at: now).rawValue, 9)
                      + pad(key.clearance.rawValue, 11) + pad(object["expires_at"] as? String ?? "-", 22)
                      + (key.namespaces.map { $0.sorted().joined(separator: ",") } ?? "*"))
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key at once (a running server refuses it from its next request).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The key id (from keys list).") var id: String
        @Flag(help: "Print JSON: the key's record.") var json = false

        func run() throws {
            CommandFailure.jsonOutput = json
            let (keys, audit) = try KeysCommand.open(global)
            let key = try KeysCommand.failing {
                try audit.recording("keys.revoke", resource: id, status: 200, resources: { [$0.id] }) { try keys.revoke(id) }
            }
            if json { JSONOutput.print(key.jsonObject(now: Date())) } else { print("revoked API key \(key.id) (\(key.name))") }
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give an API key a new secret; the old one works until the grace period ends.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The key id (from keys list).") var id: String
        @Option(name: .long, help: ArgumentHelp("How long the old secret keeps working: seconds, or 90s, 30m, 24h, 7d.", valueName: "duration"))
        var grace: String = "0"
        @Flag(help: "Print JSON: {\"id\", \"key\", …}.") var json = false

        func run() throws {
            CommandFailure.jsonOutput = json
            let (keys, audit) = try KeysCommand.open(global)
            let (key, secret) = try KeysCommand.failing {
                let seconds = try APIKey.parseDuration(grace, field: "--grace")
                return try audit.recording("keys.rotate", resource: id, status: 200, resources: { [$0.key.id] }) {
                    try keys.rotate(id, grace: seconds)
                }
            }
            let until = (key.jsonObject(now: Date())["previous_valid_until"] as? String).map { "the old secret works until \($0)" }
                ?? "the old secret no longer works"
            KeysCommand.show(key, secret: secret, json: json, note: "rotated API key \(key.id); \(until)")
        }
    }

    /// The key table of the configured store, with the configured pepper, and the audit log its changes go to.
    static func open(_ global: GlobalOptions) throws -> (keys: APIKeyStore, audit: CLIAudit) {
        let config = try global.loadConfig()
        let pepper = try config.apiKeyPepper(dataDir: try global.resolvedDataDir(), environment: ProcessInfo.processInfo.environment)
        let store = try global.openStore()
        return (APIKeyStore(store: store, pepper: pepper), CLIAudit(store: store, config: config))
    }

    /// A new secret: the key's JSON with `key` added, or the bare secret on stdout and `note` on stderr.
    static func show(_ key: APIKey, secret: String, json: Bool, note: String) {
        if json {
            var object = key.jsonObject(now: Date())
            object["key"] = secret
            JSONOutput.print(object)
        } else {
            print(secret)
            FileHandle.standardError.write(Data((note + "\n").utf8))
        }
    }

    /// Reports key-management errors as command failures (exit 1; `--json` prints `{"error": …}`).
    static func failing<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as AuthError {
            throw CommandFailure(code: error.code.rawValue, message: error.message)
        }
    }
}
