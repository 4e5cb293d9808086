import ArgumentParser
import Foundation
import Ingest
import Retrieval
import Server
import VectorStore

/// Options every command accepts: where the store lives and which config file to read.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Where the store lives (env RAGCTL_DATA_DIR, default ./.ragctl).", valueName: "path"))
    var dataDir: String?

    @Option(name: .long, help: ArgumentHelp("A TOML config file (env RAGCTL_CONFIG).", valueName: "file"))
    var config: String?

    static let names: Set<String> = ["--data-dir", "--config"]

    /// Moves global options that appear before the subcommand path to the end of `arguments`.
    static func hoist(_ arguments: [String]) -> [String] {
        var front: [String] = []
        var moved: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if names.contains(argument), index + 1 < arguments.count {
                moved += [argument, arguments[index + 1]]
                index += 2
                continue
            }
            if let name = argument.split(separator: "=", maxSplits: 1).first, names.contains(String(name)), argument.contains("=") {
                moved.append(argument)
                index += 1
                continue
            }
            if !argument.hasPrefix("-") || argument == "--" { break }
            front.append(argument)
            index += 1
        }
        // A `--` stops option parsing; hoisted options must go before it.
        var rest = Array(arguments[index...])
        if let separator = rest.firstIndex(of: "--") {
            rest.insert(contentsOf: moved, at: separator)
        } else {
            rest += moved
        }
        return front + rest
    }

    /// The resolved data directory: flag > environment > config file > default.
    func resolvedDataDir() throws -> String {
        if let dataDir { return dataDir }
        let environment = ProcessInfo.processInfo.environment
        if let dir = environment["RAGCTL_DATA_DIR"], !dir.isEmpty { return dir }
        if let fileDir = try loadConfig().dataDir { return fileDir }
        return "./.ragctl"
    }

    func loadConfig() throws -> AppConfig {
        let environment = ProcessInfo.processInfo.environment
        let path = config ?? environment["RAGCTL_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        return try AppConfig.load(path: path, environment: environment)
    }

    /// Opens the store with every module's migrations (all commands must agree on the schema, or a file
    /// written by `ingest` would look "newer" to `namespaces`) and the `[encryption]` key.
    func openStore(configuration: VectorStore.Configuration = VectorStore.Configuration()) throws -> VectorStore {
        var configuration = configuration
        configuration.migrations = Self.migrations
        configuration.encryptionKey = try loadConfig().encryptionKey(environment: ProcessInfo.processInfo.environment)
        do {
            return try VectorStore(directory: try resolvedDataDir(), configuration: configuration)
        } catch let error as VectorStoreError {
            throw Self.explained(error)
        }
    }

    static let migrations = IngestSchema.migrations + RetrievalSchema.migrations + ServerSchema.migrations + AuditSchema.migrations

    /// A store error with what to change in the configuration, for the errors a key setting causes.
    static func explained(_ error: VectorStoreError) -> Error {
        let hint: String
        switch error.code {
        case .encryptionKeyMissing: hint = "set [encryption] key_env or key_file in the config file"
        case .encryptionKeyMismatch: hint = "check [encryption] key_env or key_file (after ragctl keys rotate-encryption, switch them to the new key)"
        case .storeNotEncrypted: hint = "run ragctl keys rotate-encryption to encrypt it with the configured key (stop the server first)"
        default: return error
        }
        return CommandFailure(code: error.code.rawValue, message: "\(error.description); \(hint)")
    }
}
