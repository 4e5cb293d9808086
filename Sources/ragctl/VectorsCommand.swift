import ArgumentParser
import Foundation
import Server
import VectorStore

struct VectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vectors",
        abstract: "Bring your own embeddings: upsert and search raw vectors.",
        subcommands: [Upsert.self, Search.self, StressWrite.self]
    )

    struct Upsert: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Insert or replace vectors from a JSONL file.",
            discussion: """
                One object a line: {"id": "c1", "document_id": "d1", "vector": [..], "metadata": {"category": "a", \
                "access_level": "internal", "created_at": "2026-01-02T03:04:05Z", "anything": 3}}. Bad lines are \
                reported with their number and skipped; the rest are written in transactions of --batch-size. \
                Exit 0 when all lines were written, 2 when some failed, 1 when none could be written.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Namespace name.") var namespace: String
        @Option(name: .long, help: ArgumentHelp("JSONL file of records, or - for stdin.", valueName: "file")) var file: String
        @Option(name: .long, help: "Records per transaction.") var batchSize = 1000
        @Flag(help: "Accepted for symmetry: the summary is always JSON on stdout ({\"upserted\": N, \"failed\": [{\"line\", \"error\"}]}), as INTERFACE.md specifies.")
        var json = false

        func validate() throws {
            guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        }

        func run() throws {
            CommandFailure.jsonOutput = true
            let store = try global.openStore()
            _ = try store.namespace(namespace)
            var failed: [(line: Int, error: String)] = []
            var upserted = 0
            var batch: [VectorRecord] = []
            var batchLines: [Int] = []
            var batchIDs = Set<String>()
            func flush() {
                guard !batch.isEmpty else { return }
                do {
                    upserted += try store.upsert(batch, into: namespace)
                } catch {
                    failed += batchLines.map { ($0, "\(error)") }
                }
                batch.removeAll(keepingCapacity: true)
                batchLines.removeAll(keepingCapacity: true)
                batchIDs.removeAll(keepingCapacity: true)
            }
            var lineNumber = 0
            for line in try LineReader(path: file) {
                lineNumber += 1
                if line.allSatisfy({ $0 == 32 || $0 == 9 }) { continue }
                do {
                    let record = try RecordParser.record(line)
                    try store.validate(record, in: namespace)
                    // A later line with the same id replaces an earlier one: commit the earlier first.
                    if batchIDs.contains(record.id) { flush() }
                    batch.append(record)
                    batchLines.append(lineNumber)
                    batchIDs.insert(record.id)
                    if batch.count >= batchSize { flush() }
                } catch let error as VectorStoreError {
                    failed.append((lineNumber, error.message))
                } catch {
                    failed.append((lineNumber, "\(error)"))
                }
            }
            flush()
            // INTERFACE.md gives this command's output as the JSON summary, with or without --json; people get
            // the failures on stderr too.
            JSONOutput.print(["upserted": upserted, "failed": failed.map { ["line": $0.line, "error": $0.error] }])
            if !json {
                for failure in failed.prefix(50) {
                    FileHandle.standardError.write(Data("line \(failure.line): \(failure.error)\n".utf8))
                }
                if failed.count > 50 { FileHandle.standardError.write(Data("… and \(failed.count - 50) more failed lines\n".utf8)) }
            }
            if !failed.isEmpty { throw ExitCode(upserted > 0 ? 2 : 1) }
        }
    }

    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Search a namespace with your own query vector(s).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Namespace name.") var namespace: String
        @Option(name: .long, help: ArgumentHelp("JSON file: {\"vector\": [..]} or {\"vectors\": [[..], ..]}.", valueName: "file"))
        var vectorFile: String?
        @Option(name: .long, help: ArgumentHelp("The query vector inline, as a JSON array.", valueName: "json")) var vector: String?
        @Option(name: .long, help: "Number of results per query.") var topK = 10
        @Option(name: .long, help: ArgumentHelp("Metadata filter (Mongo-style JSON).", valueName: "json")) var filter: String?
        @Option(name: .long, help: "Highest access level to see: public, internal or restricted.") var clearance = "restricted"
        @Flag(help: "Print JSON: {\"results\": [{\"id\", \"document_id\", \"score\", \"metadata\"}]}.") var json = false

        func validate() throws {
            guard (vectorFile == nil) != (vector == nil) else { throw ValidationError("give exactly one of --vector-file or --vector") }
            guard topK > 0 else { throw ValidationError("--top-k must be positive") }
            guard AccessLevel(rawValue: clearance) != nil else {
                throw ValidationError("--clearance must be public, internal or restricted, got \(clearance)")
            }
        }

        func run() throws {
            CommandFailure.jsonOutput = json
            let (queries, many) = try RecordParser.queries(file: vectorFile, inline: vector)
            let parsedFilter = try Filter.parse(json: filter ?? "")
            let store = try global.openStore()
            let results = try store.search(namespace, vectors: queries, k: topK, filter: parsedFilter,
                                           clearance: AccessLevel(rawValue: clearance)!)
            if json {
                let lists = results.map { $0.map(JSONWire.vectorHit) }
                JSONOutput.print(["results": many ? lists as Any : lists[0] as Any])
                return
            }
            for (q, list) in results.enumerated() {
                if many { print("query \(q):") }
                for (rank, hit) in list.enumerated() {
                    print(String(format: "%3d  %.4f  %@  %@", rank + 1, hit.score, hit.id, hit.documentID ?? "-"))
                }
            }
        }
    }

    /// Hidden: writes batches in a loop, printing `ACK n` after each commit. The crash test SIGKILLs it.
    struct StressWrite: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "stress-write", abstract: "Write batches forever (crash testing).",
                                                        shouldDisplay: false)
        @OptionGroup var global: GlobalOptions
        @Argument var namespace: String
        @Option var dim = 8
        @Option var batch = 50
        @Option var batches = 1_000_000

        func run() throws {
            let store = try global.openStore()
            if (try? store.namespace(namespace)) == nil { try store.createNamespace(namespace, dimension: dim) }
            for b in 0..<batches {
                let records = (0..<batch).map { i in
                    VectorRecord(id: "b\(b)-\(i)", documentID: "batch\(b)",
                                 vector: (0..<dim).map { Float(($0 * 31 + i * 7 + b) % 97) + 1 },
                                 metadata: ["batch": .number(Double(b))])
                }
                try store.upsert(records, into: namespace)
                FileHandle.standardOutput.write(Data("ACK \(b)\n".utf8))
            }
        }
    }
}

/// Parses the JSON inputs of the vectors commands, naming the field at fault.
enum RecordParser {
    static let recordKeys: Set<String> = ["id", "document_id", "vector", "metadata"]

    static func record(_ line: Data) throws -> VectorRecord {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: line)
        } catch {
            throw CommandFailure(code: "invalid_json", message: "not valid JSON")
        }
        guard let dictionary = object as? [String: Any] else {
            throw CommandFailure(code: "invalid_json", message: "each line must be a JSON object")
        }
        if let unknown = dictionary.keys.sorted().first(where: { !recordKeys.contains($0) }) {
            throw CommandFailure(code: "invalid_record", message: "unknown field \"\(unknown)\"; expected id, document_id, vector, metadata")
        }
        guard let id = dictionary["id"] as? String else {
            throw CommandFailure(code: "invalid_record", message: "\"id\" must be a string")
        }
        var documentID: String?
        if let value = dictionary["document_id"], !(value is NSNull) {
            guard let string = value as? String else {
                throw CommandFailure(code: "invalid_record", message: "record \"\(id)\": \"document_id\" must be a string")
            }
            documentID = string
        }
        let vector = try floats(dictionary["vector"], field: "record \"\(id)\": \"vector\"")
        var metadata = Metadata()
        if let value = dictionary["metadata"], !(value is NSNull) {
            guard let object = value as? [String: Any] else {
                throw CommandFailure(code: "invalid_record", message: "record \"\(id)\": \"metadata\" must be an object")
            }
            for (key, element) in object where !(element is NSNull) {
                do {
                    metadata[key] = try MetadataValue(json: element, field: key)
                } catch let error as VectorStoreError {
                    throw CommandFailure(code: "invalid_record", message: "record \"\(id)\": \(error.message)")
                }
            }
        }
        return VectorRecord(id: id, documentID: documentID, vector: vector, metadata: metadata)
    }

    static func floats(_ value: Any?, field: String) throws -> [Float] {
        guard let list = value as? [Any] else {
            throw CommandFailure(code: "invalid_record", message: "\(field) must be an array of numbers")
        }
        return try list.enumerated().map { index, element in
            guard let number = element as? NSNumber, !isJSONBool(number) else {
                throw CommandFailure(code: "invalid_record", message: "\(field)[\(index)] is not a number")
            }
            let double = number.doubleValue
            guard double.isFinite, abs(double) <= Double(Float.greatestFiniteMagnitude) else {
                throw CommandFailure(code: "invalid_record", message: "\(field)[\(index)] is not a finite float32")
            }
            return Float(double)
        }
    }

    /// Reads `{"vector": [..]}` or `{"vectors": [[..], ..]}`; `many` is true for the latter.
    static func queries(file: String?, inline: String?) throws -> (vectors: [[Float]], many: Bool) {
        let data: Data
        let source: String
        if let file {
            guard let contents = FileManager.default.contents(atPath: file) else {
                throw CommandFailure(code: "unreadable_file", message: "cannot read vector file \(file)")
            }
            data = contents
            source = file
        } else {
            data = Data(("{\"vector\": " + inline! + "}").utf8)
            source = "--vector"
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw CommandFailure(code: "invalid_json", message: "\(source) is not valid JSON")
        }
        guard let dictionary = object as? [String: Any] else {
            throw CommandFailure(code: "invalid_json", message: "\(source) must hold a JSON object with \"vector\" or \"vectors\"")
        }
        if let single = dictionary["vector"] {
            return ([try floats(single, field: "\(source): \"vector\"")], false)
        }
        if let list = dictionary["vectors"] as? [Any], !list.isEmpty {
            return (try list.enumerated().map { try floats($1, field: "\(source): \"vectors\"[\($0)]") }, true)
        }
        throw CommandFailure(code: "invalid_json", message: "\(source) must have \"vector\": [..] or a non-empty \"vectors\": [[..], ..]")
    }
}
