import ArgumentParser
import Foundation
import Server
import Ingest
import VectorStore

struct JobsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "Ingest jobs: state, counts, per-file errors.",
        subcommands: [List.self, Show.self])


    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List recent jobs, newest first.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .long, help: "How many.") var limit = 50
        @Flag(help: "Print JSON: {\"jobs\": [..]}.") var json = false

        func run() throws {
            CommandFailure.jsonOutput = json
            let jobs = try JobStore(store: DocumentsCommand.openStore(global)).list(limit: limit)
            if json { JSONOutput.print(["jobs": jobs.map(JSONWire.job)]); return }
            if jobs.isEmpty { print("no jobs"); return }
            for job in jobs {
                print(pad(job.id, 26) + pad(job.state.rawValue, 11) + pad(job.namespace, 16) + JSONWire.rfc3339(job.createdAt)
                      + (job.message.map { "  \($0)" } ?? ""))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one job.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Job id.") var id: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            CommandFailure.jsonOutput = json
            guard let job = try JobStore(store: DocumentsCommand.openStore(global)).get(id) else {
                throw CommandFailure(code: "not_found", message: "no job \(id)")
            }
            if json { JSONOutput.print(JSONWire.job(job)); return }
            print("\(job.id)  \(job.kind)  \(job.namespace)  \(job.state.rawValue)")
            for key in job.progress.keys.sorted() { print("  \(key): \(job.progress[key]!)") }
            for error in job.errors { print("  failed: \(error.path): \(error.error)") }
            if let message = job.message { print("  \(message)") }
        }
    }
}
