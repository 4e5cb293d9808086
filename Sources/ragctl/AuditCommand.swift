import ArgumentParser
import Foundation
import Server
import VectorStore

/// `ragctl audit`: read the audit log and verify its hash chain.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Read the audit log of the server's requests and admin actions, and verify its hash chain.",
        discussion: """
            Every API request `ragctl serve` answers is recorded (time, principal, action, namespace, resource ids, \
            status, request id, the document ids shown), and so are the admin actions ragctl does on the store itself \
            (keys create/revoke/rotate, namespaces create/drop, documents delete, as principal cli:<user>), hash-chained so that edits, deletions and reordering are \
            detected by `ragctl audit verify`. No query text is recorded.
            """,
        subcommands: [List.self, Verify.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List audit entries, newest first (the default subcommand).")
        @OptionGroup var global: GlobalOptions
        @Option(name: .long, help: "How many entries (1-100000).") var limit = 50
        @Option(name: .long, help: ArgumentHelp("Only entries at or after this time (RFC 3339 or seconds since 1970).", valueName: "time"))
        var since: String?
        @Option(name: .long, help: "Only entries with ids below this (the last id of the previous page).") var beforeID: Int64?
        @Option(name: .long, help: "Only this principal (key:<id>, user:<JWT subject>, local, system, cli:<unix user>).") var principal: String?
        @Option(name: .long, help: "Only this action (namespace.create, document.delete, POST /api/v1/search …).") var action: String?
        @Option(name: .long, help: "Only this namespace.") var namespace: String?
        @Flag(help: "Print JSON: {\"entries\": [{\"id\", \"time\", \"principal\", \"action\", \"namespace\", \"resource_ids\", \"status\", \"request_id\", \"shown_document_ids\", \"shown_omitted\", \"prev_hash\", \"hash\"}], \"next_before_id\"}.")
        var json = false

        func validate() throws {
            guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be 1-100000, got \(limit)") }
            if let since, RFC3339.parse(since) == nil {
                throw ValidationError("--since must be an RFC 3339 time (2026-01-02T03:04:05Z) or seconds since 1970, got \(since)")
            }
        }

        func run() throws {
            CommandFailure.jsonOutput = json
            let query = AuditLog.Query(limit: limit, since: since.flatMap(RFC3339.parse), beforeID: beforeID,
                                       principal: principal, action: action, namespace: namespace)
            let entries = try AuditLog(store: global.openStore()).list(query)
            if json {
                JSONOutput.print(["entries": entries.map { $0.jsonObject },
                                  "next_before_id": entries.count == limit ? entries.last!.id as Any : NSNull()])
                return
            }
            if entries.isEmpty { print("no audit entries"); return }
            for e in entries {
                var line = pad(String(e.id), 8) + pad(RFC3339.format(e.time), 26) + pad(e.principal, 14) + pad(String(e.status), 5)
                    + pad(e.action, 44) + pad(e.namespace ?? "-", 14) + e.requestID
                if !e.resourceIDs.isEmpty { line += "  ids=" + e.resourceIDs.joined(separator: ",") }
                if !e.shownDocumentIDs.isEmpty { line += "  shown=\(e.shownDocumentIDs.count + e.shownOmitted)" }
                print(line)
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the hash chain from the anchor to the head; exit 1 at the first broken entry.",
            discussion: """
                Reports edited, deleted, reordered or renumbered entries, a deleted tail and a forged retention \
                anchor. Keep the printed head hash somewhere else: a later verify that no longer reaches it means the \
                chain was rewritten.
                """)
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON: {\"ok\", \"entries\", \"first_id\", \"head_id\", \"head_hash\", \"anchor\", \"broken\": {\"id\", \"reason\"} or null}.")
        var json = false

        func run() throws {
            CommandFailure.jsonOutput = json
            let result = try AuditLog(store: global.openStore()).verify()
            if json {
                JSONOutput.print(result.jsonObject)
            } else if let broken = result.broken {
                print("audit log BROKEN at entry \(broken.id): \(broken.reason)")
                print("\(result.entries) entries verified before it")
            } else {
                let range = result.firstID.map { "\($0)–\(result.headID ?? $0)" } ?? "none"
                print("audit log ok: \(result.entries) entries (\(range)), head hash \(result.headHash)")
                if let anchor = result.anchor {
                    print("anchor: \(anchor.pruned) older entries pruned, through entry \(anchor.lastID) (hash \(anchor.lastHash))")
                }
            }
            if let broken = result.broken {
                FileHandle.standardError.write(Data("error: the audit log does not verify at entry \(broken.id): \(broken.reason)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}
