import ArgumentParser
import Foundation
import Ingest
import Server
import VectorStore

struct DocumentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "documents", abstract: "List, show and delete ingested documents.",
        subcommands: [List.self, Show.self, Delete.self])

    static func openStore(_ global: GlobalOptions) throws -> VectorStore { try global.openStore() }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the documents of a namespace.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Namespace.") var namespace: String
        @Flag(help: "Print JSON: {\"documents\": [{\"id\", \"source\", \"title\", \"chunk_count\", \"content_hash\", \"access_level\", \"language\"}]}.")
        var json = false

        func run() throws {
            CommandFailure.jsonOutput = json
            let store = try DocumentsCommand.openStore(global)
            _ = try store.namespace(namespace)
            let documents = try DocumentRepository(store: store).list(namespace: namespace)
            if json { JSONOutput.print(["documents": documents.map(JSONWire.document)]); return }
            if documents.isEmpty { print("no documents in \(namespace)"); return }
            for d in documents {
                print(pad(String(d.id.prefix(12)), 14) + pad(String(d.chunkCount), 6) + pad(d.language, 5) + pad(d.accessLevel, 11) + d.source)
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a document and its chunks.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Namespace.") var namespace: String
        @Argument(help: "Document id.") var id: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            CommandFailure.jsonOutput = json
            let store = try DocumentsCommand.openStore(global)
            let repository = DocumentRepository(store: store)
            guard let document = try repository.get(namespace: namespace, id: id) else {
                throw CommandFailure(code: "not_found", message: "no document \(id) in namespace \(namespace)")
            }
            let chunks = try repository.chunks(namespace: namespace, documentID: id)
            if json {
                var object = JSONWire.document(document)
                object["chunks"] = chunks.map(JSONWire.chunk)
                JSONOutput.print(object)
                return
            }
            print("\(document.title) — \(document.source) (\(document.chunkCount) chunks, \(document.language), \(document.accessLevel))")
            for chunk in chunks {
                print("\n#\(chunk.ordinal) [\(chunk.headingPath)] \(chunk.tokenCount) tokens\n\(chunk.text)")
            }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a document with its chunks and vectors.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Namespace.") var namespace: String
        @Argument(help: "Document id.") var id: String

        func run() throws {
            let store = try DocumentsCommand.openStore(global)
            let repository = DocumentRepository(store: store)
            let audit = CLIAudit(store: store, config: try global.loadConfig())
            let chunks = try audit.recording("document.delete", namespace: namespace, resource: id, status: 204, resources: { _ in [id] }) {
                guard try repository.get(namespace: namespace, id: id) != nil else {
                    throw CommandFailure(code: "not_found", message: "no document \(id) in namespace \(namespace)")
                }
                return try repository.delete(documentIDs: [id], namespace: namespace)
            }
            print("deleted document \(id) (\(chunks) chunks)")
        }
    }
}
