import ArgumentParser
import Foundation
import Ingest
import Retrieval
import VectorStore

/// `ragctl`: the command-line face of the engine. Each subcommand builds a configuration and calls a library.
@main
struct Ragctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ragctl",
        abstract: "A self-hosted retrieval engine: ingest documents, search them, answer questions with sources.",
        subcommands: [
            IngestCommand.self,
            ServeCommand.self,
            SearchCommand.self,
            QueryCommand.self,
            DocumentsCommand.self,
            JobsCommand.self,
            EmbedCommand.self,
            EvalCommand.self,
            NamespacesCommand.self,
            VectorsCommand.self,
            BenchCommand.self,
            KeysCommand.self,
            AuditCommand.self,
        ]
    )

    /// Global options may come before the subcommand (`ragctl --data-dir D namespaces list`), as with `git -C`.
    /// ArgumentParser only accepts them on the leaf command, so they are moved to the end of the arguments.
    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        arguments = GlobalOptions.hoist(arguments)
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            CommandFailure.report(code: failure.code, message: failure.message)
            Foundation.exit(failure.exitCode)
        } catch {
            guard let (code, message) = Self.libraryFailure(error) else { exit(withError: error) }
            CommandFailure.report(code: code, message: message)
            Foundation.exit(1)
        }
    }
}

extension Ragctl {
    /// The code and message of an error thrown by one of our libraries; nil for ArgumentParser's own errors
    /// (usage, help, exit codes), which it reports itself.
    static func libraryFailure(_ error: Error) -> (code: String, message: String)? {
        switch error {
        case let error as IngestError: (error.code.rawValue, error.description)
        case let error as RetrievalError: (error.code.rawValue, error.description)
        case let error as VectorStoreError: (error.code.rawValue, error.description)
        case let error as QueryRejection: (error.code.rawValue, error.message)
        case let error as RateLimitRejection: ("rate_limited", error.message)
        default: nil
        }
    }
}

/// A runtime failure of a command: printed on stderr (and as `{"error": …}` on stdout under `--json`).
struct CommandFailure: Error, CustomStringConvertible {
    var code: String
    var message: String
    var exitCode: Int32 = 1

    var description: String { message }

    nonisolated(unsafe) static var jsonOutput = false

    static func report(code: String, message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        if jsonOutput {
            JSONOutput.print(["error": ["code": code, "message": message]])
        }
    }
}
