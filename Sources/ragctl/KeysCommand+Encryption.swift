import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Ingest
import VectorStore

extension KeysCommand {
    /// `ragctl keys generate-encryption-key [--file PATH]`: 32 random bytes, base64.
    struct GenerateEncryptionKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate-encryption-key",
            abstract: "Print a new random encryption key (base64 of 32 bytes), or write it to a new file with mode 0600.")
        @Option(name: .long, help: ArgumentHelp("Write the key to this file (created with mode 0600; an existing file is never overwritten).", valueName: "path"))
        var file: String?

        func run() throws {
            let key = EncryptionKey.generateEncoded()
            guard let file else {
                print(key)
                return
            }
            let fd = Glibc.open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                throw CommandFailure(code: "io", message: "cannot create \(file): \(String(cString: strerror(errno)))")
            }
            let bytes = Array((key + "\n").utf8)
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            let synced = fsync(fd)
            close(fd)
            guard written == bytes.count, synced == 0 else {
                unlink(file)
                throw CommandFailure(code: "io", message: "cannot write \(file)")
            }
            FileHandle.standardError.write(Data("wrote a new encryption key to \(file) (mode 0600); set [encryption] key_file = \"\(file)\"\n".utf8))
        }
    }

    /// `ragctl keys rotate-encryption`: re-seals every encrypted value under another key in one transaction.
    struct RotateEncryption: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-encryption",
            abstract: "Re-encrypt the store under a new key, encrypt a plaintext store, or decrypt it (--decrypt). Stop the server first.",
            discussion: """
                The current key is the configured one ([encryption] key_env or key_file); a store that is not encrypted \
                needs none. The new key comes from --new-key-env or --new-key-file; without either, a plaintext store is \
                encrypted with the configured key. Every value moves in one transaction (all or nothing), then the file \
                is compacted so no page of the old form remains. The command needs the store alone: it fails while \
                ragctl serve or another ragctl command has it open. Afterwards, point [encryption] at the new key \
                (or remove it after --decrypt).
                """)
        @OptionGroup var global: GlobalOptions
        @Option(name: .long, help: ArgumentHelp("The environment variable holding the new key (64 hex digits or base64 of 32 bytes).", valueName: "VAR"))
        var newKeyEnv: String?
        @Option(name: .long, help: ArgumentHelp("A file holding the new key (mode 0600).", valueName: "path"))
        var newKeyFile: String?
        @Flag(help: "Store every value as plaintext again (the store stops being encrypted).") var decrypt = false
        @Flag(help: "Print JSON: {\"previous_key_id\", \"new_key_id\", \"values\": {\"table.column\": N}, \"total\", \"elapsed_ms\"}.")
        var json = false

        func validate() throws {
            if [newKeyEnv != nil, newKeyFile != nil, decrypt].filter({ $0 }).count > 1 {
                throw ValidationError("give at most one of --new-key-env, --new-key-file and --decrypt")
            }
        }

        func run() throws {
            CommandFailure.jsonOutput = json
            let environment = ProcessInfo.processInfo.environment
            let config = try global.loadConfig()
            let configured = try config.encryptionKey(environment: environment)
            var newKey: EncryptionKey?
            if let newKeyEnv {
                newKey = try AppConfig.encryptionKey(env: newKeyEnv, environment: environment, option: "--new-key-env")
            } else if let newKeyFile {
                do { newKey = try EncryptionKey(file: newKeyFile) } catch let error as VectorStoreError {
                    throw CommandFailure(code: "config", message: error.message)
                }
            } else if !decrypt {
                guard let configured else {
                    throw CommandFailure(code: "usage", message: "give --new-key-env, --new-key-file or --decrypt (no [encryption] key is configured to encrypt with)",
                                         exitCode: 64)
                }
                newKey = configured
            }
            let directory = try global.resolvedDataDir()
            let path = (directory as NSString).appendingPathComponent("store.sqlite")
            guard FileManager.default.fileExists(atPath: path) else {
                throw CommandFailure(code: "not_found", message: "no store at \(path)")
            }
            var configuration = VectorStore.Configuration()
            configuration.migrations = GlobalOptions.migrations
            func rotate(from current: EncryptionKey?) throws -> EncryptionRotationReport {
                configuration.encryptionKey = current
                return try VectorStore.rotateEncryption(directory: directory, configuration: configuration, to: newKey) { tx in
                    try LexicalIndex.prepareForRotation(encrypting: newKey != nil, in: tx)
                }
            }
            let report: EncryptionRotationReport
            do {
                do {
                    report = try rotate(from: configured)
                } catch let error as VectorStoreError where error.code == .storeNotEncrypted {
                    // A plaintext store: the configured key is the one it is about to get, not its current one.
                    report = try rotate(from: nil)
                }
            } catch let error as VectorStoreError {
                throw GlobalOptions.explained(error)
            }
            if json {
                JSONOutput.print([
                    "previous_key_id": report.previousKeyID as Any? ?? NSNull(), "new_key_id": report.newKeyID as Any? ?? NSNull(),
                    "values": report.values, "total": report.total, "elapsed_ms": Int(report.seconds * 1000),
                ])
                return
            }
            let verb = report.previousKeyID == nil ? "encrypted" : report.newKeyID == nil ? "decrypted" : "re-encrypted"
            let counts = report.values.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            print("\(verb) \(report.total) values (\(counts)); key id \(report.previousKeyID ?? "none") -> \(report.newKeyID ?? "none"); "
                  + String(format: "%.2f s; the file was compacted", report.seconds))
            let next: String
            if report.newKeyID == nil {
                next = "remove [encryption] key_env/key_file from the config"
            } else if let newKeyEnv {
                next = "set [encryption] key_env = \"\(newKeyEnv)\" (or move the key to the variable the config names)"
            } else if let newKeyFile {
                next = "set [encryption] key_file = \"\(newKeyFile)\""
            } else {
                next = "the configured key is now the store's key"
            }
            FileHandle.standardError.write(Data("next: \(next)\n".utf8))
        }
    }
}
