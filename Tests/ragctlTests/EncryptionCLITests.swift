import Foundation
import Testing
import TestSupport
import VectorStore
@testable import ragctl

/// `[encryption]` and `ragctl keys generate-encryption-key|rotate-encryption` as a user runs them.
@Suite struct EncryptionCLITests {
    static var docs: String { RepositoryPaths.root().appendingPathComponent("Fixtures/docs").path }

    static func results(_ result: CommandResult) -> [String] {
        ((result.json?["results"] as? [[String: Any]]) ?? []).map { "\($0["chunk_id"] ?? "") \($0["score"] ?? "") \($0["text"] ?? "")" }
    }

    @Test func anEncryptedStoreFromIngestToRotation() async throws {
        let dir = TemporaryDirectory("cli-enc")
        let data = dir.file("data")
        let keyFile = dir.file("store.key")
        let generated = try await Ragctl.run(["keys", "generate-encryption-key", "--file", keyFile])
        #expect(generated.status == 0, "\(generated.stderr)")
        var info = stat()
        #expect(stat(keyFile, &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(try await Ragctl.run(["keys", "generate-encryption-key", "--file", keyFile]).status == 1, "overwrote a key file")
        let config = dir.file("ragctl.toml")
        try "[encryption]\nkey_file = \"\(keyFile)\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let base = ["--data-dir", data, "--config", config]

        let ingest = try await Ragctl.run(["ingest", Self.docs, "--namespace", "handbook", "--json"] + base)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let search = ["search", "how do I rotate keys?", "--namespace", "handbook", "--top-k", "3", "--json"]
        let before = try await Ragctl.run(search + base)
        #expect(before.status == 0, "\(before.stderr)")
        #expect(Self.results(before).first?.contains("Rotate keys") == true, "\(before.stdout)")
        let query = try await Ragctl.run(["query", "how often do I rotate keys?", "--namespace", "handbook", "--json"] + base)
        #expect(query.status == 0, "\(query.stderr)")
        #expect(DiskScan.occurrences(of: ["Rotate keys every 90 days", "how often do I rotate keys", "Security guide"], under: data).isEmpty)

        // Without the key, or with another, every command stops with a clear message.
        let missing = try await Ragctl.run(search + ["--data-dir", data])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("is encrypted") && missing.stderr.contains("[encryption] key_env or key_file"), "\(missing.stderr)")
        let wrongConfig = dir.file("wrong.toml")
        try "[encryption]\nkey_env = \"WRONG_KEY\"\n".write(toFile: wrongConfig, atomically: true, encoding: .utf8)
        let wrongKey = String(repeating: "ab", count: 32)
        let wrong = try await Ragctl.run(search + ["--data-dir", data, "--config", wrongConfig], environment: ["WRONG_KEY": wrongKey])
        #expect(wrong.status == 1 && wrong.stderr.contains("does not match"), "\(wrong.stderr)")
        let unset = try await Ragctl.run(search + ["--data-dir", data, "--config", wrongConfig])
        #expect(unset.status == 1 && unset.stderr.contains("WRONG_KEY") && unset.stderr.contains("not set"), "\(unset.stderr)")

        // A rotation needs the store alone: refused while another process (here: this one) has it open.
        do {
            var configuration = VectorStore.Configuration()
            configuration.migrations = GlobalOptions.migrations
            configuration.encryptionKey = try EncryptionKey(file: keyFile)
            let holder = try VectorStore(directory: data, configuration: configuration)
            let busy = try await Ragctl.run(["keys", "rotate-encryption", "--new-key-env", "NEW_KEY"] + base,
                                            environment: ["NEW_KEY": EncryptionKey.generateEncoded()])
            #expect(busy.status == 1 && busy.stderr.contains("open in another process"), "\(busy.stderr)")
            #expect(holder.isEncrypted)
        }

        // Rotate to a key from the environment: the old key stops working, the new one gives the same results.
        let newKey = Data((0..<32).map { UInt8(truncatingIfNeeded: $0 * 13 + 5) }).base64EncodedString()
        let rotated = try await Ragctl.run(["keys", "rotate-encryption", "--new-key-env", "NEW_KEY", "--json"] + base,
                                           environment: ["NEW_KEY": newKey])
        #expect(rotated.status == 0, "\(rotated.stderr)")
        let values = try #require(rotated.json?["values"] as? [String: Int])
        #expect(values["chunks.text"] == 10 && values["vectors.vector"] == 10 && values["query_logs.query_text"] == 1, "\(values)")
        #expect(rotated.json?["previous_key_id"] is String && rotated.json?["new_key_id"] is String)
        #expect(try await Ragctl.run(search + base).stderr.contains("does not match"))
        let newConfig = dir.file("new.toml")
        try "[encryption]\nkey_env = \"NEW_KEY\"\n".write(toFile: newConfig, atomically: true, encoding: .utf8)
        let newBase = ["--data-dir", data, "--config", newConfig]
        let after = try await Ragctl.run(search + newBase, environment: ["NEW_KEY": newKey])
        #expect(Self.results(after) == Self.results(before))

        // Decrypt; a key is then refused with the way back; rotate-encryption with the configured key encrypts again.
        let decrypted = try await Ragctl.run(["keys", "rotate-encryption", "--decrypt"] + newBase, environment: ["NEW_KEY": newKey])
        #expect(decrypted.status == 0 && decrypted.stdout.contains("decrypted"), "\(decrypted.stderr)")
        #expect(Self.results(try await Ragctl.run(search + ["--data-dir", data])) == Self.results(before))
        let refused = try await Ragctl.run(search + base)
        #expect(refused.status == 1 && refused.stderr.contains("unencrypted data") && refused.stderr.contains("rotate-encryption"), "\(refused.stderr)")
        let again = try await Ragctl.run(["keys", "rotate-encryption"] + base)
        #expect(again.status == 0 && again.stdout.contains("encrypted"), "\(again.stderr)")
        #expect(Self.results(try await Ragctl.run(search + base)) == Self.results(before))
        #expect(DiskScan.occurrences(of: ["Rotate keys every 90 days", "how often do I rotate keys"], under: data).isEmpty)

        // A key file others can read is refused.
        chmod(keyFile, 0o644)
        let open = try await Ragctl.run(search + base)
        #expect(open.status == 1 && open.stderr.contains("chmod 600"), "\(open.stderr)")
    }
}
