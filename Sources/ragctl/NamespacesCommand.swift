import ArgumentParser
import Foundation
import Ingest
import Server
import VectorStore

struct NamespacesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "namespaces",
        abstract: "Create, list, inspect and drop namespaces.",
        subcommands: [Create.self, List.self, Stats.self, Drop.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a namespace of vectors of a fixed dimension (cosine metric).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Namespace name: 1-64 letters, digits, '_', '-', '.'.") var name: String
        @Option(name: .long, help: "Vector dimension.") var dim: Int
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            CommandFailure.jsonOutput = json
            let store = try global.openStore()
            let info = try CLIAudit(store: store, config: try global.loadConfig()).recording("namespace.create", namespace: name, status: 201) {
                try store.createNamespace(name, dimension: dim)
            }
            if json { JSONOutput.print(NamespacesCommand.object(info)) }
            else { print("created namespace \(info.name) (dimension \(info.dimension), cosine)") }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List namespaces with their dimension and size.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON: {\"namespaces\": [{\"name\", \"dimension\", \"count\"}]}.") var json = false

        func run() throws {
            CommandFailure.jsonOutput = json
            let namespaces = try global.openStore().listNamespaces()
            if json {
                JSONOutput.print(["namespaces": namespaces.map(NamespacesCommand.object)])
                return
            }
            if namespaces.isEmpty { print("no namespaces"); return }
            print(pad("NAME", 24) + pad("DIM", 8) + pad("COUNT", 12) + "MODEL")
            for ns in namespaces {
                print(pad(ns.name, 24) + pad(String(ns.dimension), 8) + pad(String(ns.count), 12) + (ns.model ?? "-"))
            }
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one namespace: count, dimension, bytes in memory.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Namespace name.") var name: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            CommandFailure.jsonOutput = json
            let info = try global.openStore().namespace(name)
            if json { JSONOutput.print(NamespacesCommand.object(info)); return }
            print("""
                name:       \(info.name)
                dimension:  \(info.dimension)
                metric:     \(info.metric)
                count:      \(info.count)
                bytes:      \(info.bytes)\(info.count > 0 ? " (\(info.bytes / info.count) per vector)" : "")
                generation: \(info.generation)
                model:      \(info.model ?? "-")
                """)
        }
    }

    struct Drop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a namespace with all its vectors, documents and chunks.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Namespace name.") var name: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            CommandFailure.jsonOutput = json
            let store = try global.openStore()
            try CLIAudit(store: store, config: try global.loadConfig()).recording("namespace.delete", namespace: name, status: 204) {
                try store.dropNamespace(name)
            }
            // The drop already took the namespace's documents, chunks and BM25 registration (a trigger); this
            // frees the BM25 table's space now rather than at the next ingest.
            try LexicalIndex(store: store).dropOrphans()
            if json { JSONOutput.print(["dropped": name]) } else { print("dropped namespace \(name)") }
        }
    }

    static func object(_ info: NamespaceInfo) -> [String: Any] {
        var object: [String: Any] = [
            "name": info.name, "dimension": info.dimension, "count": info.count, "metric": info.metric,
            "bytes": info.bytes, "generation": info.generation,
        ]
        if let model = info.model { object["model"] = model }
        return object
    }
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}
