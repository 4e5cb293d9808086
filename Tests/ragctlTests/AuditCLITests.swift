import Foundation
import Ingest
import Retrieval
import Server
import Testing
import TestSupport
import VectorStore
@testable import ragctl

/// `ragctl audit` and `ragctl audit verify` on a store written by the audit library; tampering done with
/// the sqlite3 command-line tool, as an intruder with the file would.
@Suite struct AuditCLITests {
    static func seed(_ dir: TemporaryDirectory, count: Int) throws -> String {
        let data = dir.file("data")
        var configuration = VectorStore.Configuration()
        configuration.durability = .normal
        configuration.migrations = IngestSchema.migrations + RetrievalSchema.migrations + AuditSchema.migrations
        let log = AuditLog(store: try VectorStore(directory: data, configuration: configuration))
        for i in 0..<count {
            try log.record(AuditEntry(principal: i == 2 ? "key_admin" : "key_reader", action: i == 2 ? "namespace.create" : "POST /api/v1/search",
                                      namespace: "handbook", status: 200, requestID: "req_\(i)", shownDocumentIDs: ["doc\(i)"]))
        }
        return data
    }

    /// Runs the sqlite3 tool on the store, off the cooperative pool.
    static func sqlite(_ data: String, _ sql: String) async throws {
        let status = try await offPool { () -> Int32 in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["sqlite3", data + "/store.sqlite", sql]
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
        #expect(status == 0, "sqlite3 \(sql)")
    }

    /// `ragctl keys create|revoke|rotate`, `namespaces create|drop` and `documents delete` act on the store
    /// directly; each appends an entry as `cli:<user>` with the HTTP route's action name and the key id (never
    /// the secret), failures included, and the chain still verifies.
    @Test func cliAdminActionsAreAuditedAndTheChainVerifies() async throws {
        let dir = TemporaryDirectory("cli-admin-audit")
        let data = dir.file("data")
        let base = ["--data-dir", data]
        let created = try await Ragctl.run(["keys", "create", "--name", "ci", "--role", "reader", "--namespaces", "handbook", "--json"] + base)
        #expect(created.status == 0, "\(created.stderr)")
        let id = try #require(created.json?["id"] as? String)
        let secret = try #require(created.json?["key"] as? String)
        let rotated = try await Ragctl.run(["keys", "rotate", id, "--grace", "60", "--json"] + base)
        let newSecret = try #require(rotated.json?["key"] as? String)
        #expect(try await Ragctl.run(["keys", "revoke", id] + base).status == 0)
        #expect(try await Ragctl.run(["keys", "revoke", "0000000000000000"] + base).status != 0)
        #expect(try await Ragctl.run(["namespaces", "create", "scratch", "--dim", "3"] + base).status == 0)
        #expect(try await Ragctl.run(["documents", "delete", "scratch", "nodoc"] + base).status != 0)
        #expect(try await Ragctl.run(["namespaces", "drop", "scratch"] + base).status == 0)

        let list = try await Ragctl.run(["audit", "--json"] + base)
        let entries = try #require(list.json?["entries"] as? [[String: Any]]).reversed()
        let user = CLIAudit.userName()
        let rows = entries.map { entry in
            [entry["principal"] as? String ?? "", entry["action"] as? String ?? "", entry["namespace"] as? String ?? "-",
             (entry["resource_ids"] as? [String] ?? []).joined(separator: ","), String(entry["status"] as? Int ?? 0)]
        }
        #expect(rows == [
            ["cli:\(user)", "keys.create", "-", id, "201"],
            ["cli:\(user)", "keys.rotate", "-", id, "200"],
            ["cli:\(user)", "keys.revoke", "-", id, "200"],
            ["cli:\(user)", "keys.revoke", "-", "0000000000000000", "404"],
            ["cli:\(user)", "namespace.create", "scratch", "", "201"],
            ["cli:\(user)", "document.delete", "scratch", "nodoc", "404"],
            ["cli:\(user)", "namespace.delete", "scratch", "", "204"],
        ])
        #expect(entries.allSatisfy { ($0["request_id"] as? String)?.hasPrefix("cli_") == true })
        #expect(!list.stdout.contains(secret) && !list.stdout.contains(newSecret) && !list.stdout.contains(String(secret.suffix(20))))
        let verify = try await Ragctl.run(["audit", "verify", "--json"] + base)
        #expect(verify.status == 0 && verify.json?["ok"] as? Bool == true, "\(verify.stdout) \(verify.stderr)")
        #expect(verify.json?["entries"] as? Int == 7)

        // [audit] enabled = false: the CLI records nothing either.
        let config = dir.file("ragctl.toml")
        try "[audit]\nenabled = false\n".write(toFile: config, atomically: true, encoding: .utf8)
        #expect(try await Ragctl.run(["keys", "create", "--name", "quiet", "--role", "admin", "--config", config] + base).status == 0)
        #expect((try await Ragctl.run(["audit", "--json"] + base).json?["entries"] as? [[String: Any]])?.count == 7)
    }

    @Test func listAndVerifyThenFindTheEditedEntry() async throws {
        let dir = TemporaryDirectory("cli-audit")
        let data = try Self.seed(dir, count: 5)
        let list = try await Ragctl.run(["audit", "--limit", "3", "--json", "--data-dir", data])
        #expect(list.status == 0, "\(list.stderr)")
        let entries = try #require(list.json?["entries"] as? [[String: Any]])
        #expect(entries.compactMap { $0["id"] as? Int } == [5, 4, 3])
        #expect(list.json?["next_before_id"] as? Int == 3)
        for key in ["time", "principal", "action", "namespace", "resource_ids", "status", "request_id", "shown_document_ids", "prev_hash", "hash"] {
            #expect(entries[0][key] != nil, "missing \(key)")
        }
        let filtered = try await Ragctl.run(["audit", "list", "--action", "namespace.create", "--json", "--data-dir", data])
        #expect((filtered.json?["entries"] as? [[String: Any]])?.compactMap { $0["principal"] as? String } == ["key_admin"])
        let human = try await Ragctl.run(["audit", "--data-dir", data])
        #expect(human.stdout.split(separator: "\n").count == 5)
        #expect(human.stdout.contains("namespace.create"))

        let good = try await Ragctl.run(["audit", "verify", "--json", "--data-dir", data])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.json?["ok"] as? Bool == true)
        #expect(good.json?["entries"] as? Int == 5)
        #expect((good.json?["head_hash"] as? String)?.count == 64)
        #expect(good.json?["broken"] is NSNull)

        try await Self.sqlite(data, "UPDATE audit_log SET principal = 'key_reader' WHERE id = 3")
        let bad = try await Ragctl.run(["audit", "verify", "--json", "--data-dir", data])
        #expect(bad.status == 1)
        #expect(bad.json?["ok"] as? Bool == false)
        #expect((bad.json?["broken"] as? [String: Any])?["id"] as? Int == 3)
        #expect(bad.stderr.contains("entry 3"))
        let text = try await Ragctl.run(["--data-dir", data, "audit", "verify"])
        #expect(text.status == 1)
        #expect(text.stdout.contains("BROKEN at entry 3"))
    }

    @Test func verifyFindsADeletedAndAReorderedEntry() async throws {
        let dir = TemporaryDirectory("cli-audit-delete")
        let data = try Self.seed(dir, count: 6)
        try await Self.sqlite(data, "DELETE FROM audit_log WHERE id = 4")
        let deleted = try await Ragctl.run(["audit", "verify", "--json", "--data-dir", data])
        #expect(deleted.status == 1)
        #expect((deleted.json?["broken"] as? [String: Any])?["id"] as? Int == 4)

        let other = TemporaryDirectory("cli-audit-reorder")
        let data2 = try Self.seed(other, count: 6)
        try await Self.sqlite(data2, "UPDATE audit_log SET id = 100 WHERE id = 2; UPDATE audit_log SET id = 2 WHERE id = 5; UPDATE audit_log SET id = 5 WHERE id = 100;")
        let reordered = try await Ragctl.run(["audit", "verify", "--json", "--data-dir", data2])
        #expect(reordered.status == 1)
        #expect((reordered.json?["broken"] as? [String: Any])?["id"] as? Int == 2)
    }

    @Test func anEmptyLogVerifiesAndUsageErrorsExit64() async throws {
        let dir = TemporaryDirectory("cli-audit-empty")
        let empty = try await Ragctl.run(["audit", "verify", "--json", "--data-dir", dir.file("data")])
        #expect(empty.status == 0, "\(empty.stderr)")
        #expect(empty.json?["entries"] as? Int == 0)
        #expect(try await Ragctl.run(["audit", "--limit", "0", "--data-dir", dir.file("data")]).status == 64)
        #expect(try await Ragctl.run(["audit", "--since", "yesterday", "--data-dir", dir.file("data")]).status == 64)
    }

    @Test func retentionAndAuditConfigParseWithDefaultsAndReject() throws {
        let dir = TemporaryDirectory("cli-audit-config")
        let path = dir.file("c.toml")
        try "[retention]\nquery_logs_days = 30\nfeedback_days = 0\naudit_days = 730\ninterval = 600\n\n[audit]\nflush_interval = 0\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let config = try AppConfig.load(path: path, environment: [:])
        #expect(config.retention.queryLogsDays == 30)
        #expect(config.retention.feedbackDays == 0)
        #expect(config.retention.auditDays == 730)
        #expect(config.retention.interval == 600)
        #expect(config.audit.enabled)
        #expect(config.audit.flushInterval == 0)
        let defaults = try AppConfig.load(path: nil, environment: [:])
        #expect(defaults.retention.queryLogsDays == 90 && defaults.retention.feedbackDays == 365 && defaults.retention.auditDays == 365)
        #expect(defaults.retention.interval == 3600)
        for (text, mention) in [("[retention]\nquery_logs_day = 3\n", "retention.query_logs_day"),
                                ("[retention]\naudit_days = -1\n", "audit_days"),
                                ("[retention]\ninterval = 0\n", "retention.interval"),
                                ("[audit]\nenabled = \"yes\"\n", "audit.enabled")] {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            #expect {
                _ = try AppConfig.load(path: path, environment: [:])
            } throws: { error in
                (error as? CommandFailure)?.message.contains(mention) == true
            }
        }
    }
}
