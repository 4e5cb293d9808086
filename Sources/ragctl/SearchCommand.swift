import ArgumentParser
import Foundation
import Ingest
import Retrieval
import VectorStore

struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "search", abstract: "Search a namespace's chunks with a text query.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var embedderOptions: EmbedderOptions
    @OptionGroup var remote: RemoteOptions
    @Argument(help: "The query text.") var query: String
    @Option(name: .long, help: "Namespace.") var namespace: String
    @Option(name: .long, help: "Number of results.") var topK = 10
    @Option(name: .long, help: ArgumentHelp("Metadata filter (Mongo-style JSON).", valueName: "json")) var filter: String?
    @OptionGroup var ranking: RankingFlags
    @Option(name: .long, help: "Highest access level to see: public, internal or restricted.") var clearance = "restricted"
    @Flag(help: "Print JSON: {\"results\": [{\"chunk_id\", \"document_id\", \"score\", \"text\", \"source\", \"heading_path\", \"metadata\"}], \"latency_ms\"}.")
    var json = false

    func validate() throws {
        guard AccessLevel(rawValue: clearance) != nil else { throw ValidationError("--clearance must be public, internal or restricted") }
        guard topK > 0 else { throw ValidationError("--top-k must be positive") }
    }

    func run() async throws {
        CommandFailure.jsonOutput = json
        if remote.server != nil {
            var body: [String: Any] = ["query": query, "namespace": namespace, "top_k": topK, "clearance": clearance]
            body.merge(ranking.requestFields) { first, _ in first }
            if let filter { body["filter"] = try JSONSerialization.jsonObject(with: Data(filter.utf8)) }
            let reply = try await remote.post("/api/v1/search", body)
            if json { JSONOutput.print(reply); return }
            for (rank, hit) in ((reply["results"] as? [[String: Any]]) ?? []).enumerated() {
                let heading = (hit["heading_path"] as? String).map { $0.isEmpty ? "" : " › \($0)" } ?? ""
                print(String(format: "%2d. %.3f  ", rank + 1, hit["score"] as? Double ?? 0) + (hit["source"] as? String ?? "") + heading)
                print("    " + (hit["text"] as? String ?? "").replacingOccurrences(of: "\n", with: " ").prefix(240))
            }
            return
        }
        let config = try global.loadConfig()
        let store = try DocumentsCommand.openStore(global)
        let parsedFilter = try Filter.parse(json: filter ?? "")
        _ = try store.namespace(namespace)
        let embedder = try await embedderOptions.make(config)
        let started = Date()
        var request = SearchRequest(query: query, namespace: namespace)
        request.topK = topK
        request.filter = parsedFilter
        (request.mode, request.ranking) = try ranking.resolved()
        request.clearance = AccessLevel(rawValue: clearance)!
        let hits = try await Searcher(store: store, embedder: embedder).search(request)
        let latency = Int(Date().timeIntervalSince(started) * 1000)
        if json {
            JSONOutput.print(["results": hits.map(Self.object), "latency_ms": latency])
            return
        }
        for (rank, hit) in hits.enumerated() {
            let heading = hit.headingPath.isEmpty ? "" : " › \(hit.headingPath)"
            print(String(format: "%2d. %.3f  ", rank + 1, hit.score) + hit.source + heading)
            print("    " + hit.text.replacingOccurrences(of: "\n", with: " ").prefix(240))
        }
    }

    static func object(_ hit: SearchHit) -> [String: Any] {
        ["chunk_id": hit.chunkID, "document_id": hit.documentID, "score": JSONOutput.score(hit.score), "text": hit.text,
         "source": hit.source, "heading_path": hit.headingPath, "metadata": JSONOutput.metadata(hit.metadata)]
    }
}

struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "embed", abstract: "Print embeddings of texts (native model by default).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var embedderOptions: EmbedderOptions
    @Argument(help: "Texts to embed.") var texts: [String]
    @Flag(help: "Print JSON: {\"model\", \"dimension\", \"embeddings\": [[..], ..]}.") var json = false

    func run() async throws {
        CommandFailure.jsonOutput = json
        let embedder = try await embedderOptions.make(try global.loadConfig())
        let vectors = try await embedder.embed(texts)
        if json {
            JSONOutput.print(["model": embedder.modelID, "dimension": embedder.dimension,
                              "embeddings": vectors.map { $0.map(JSONOutput.score) }])
            return
        }
        for (text, vector) in zip(texts, vectors) {
            print("\(text.prefix(60)): [" + vector.prefix(8).map { String(format: "%.4f", $0) }.joined(separator: ", ") + ", …] (\(vector.count))")
        }
    }
}
