import ArgumentParser
import Foundation
import Ingest
import Retrieval
import VectorStore

struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query", abstract: "Answer a question from a namespace, citing sources.",
        discussion: "With no LLM configured the answer is built from the retrieved passages and marked degraded.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var embedderOptions: EmbedderOptions
    @OptionGroup var remote: RemoteOptions
    @Argument(help: "The question.") var query: String
    @Option(name: .long, help: "Namespace.") var namespace: String
    @Option(name: .long, help: "Passages to use.") var topK = 5
    @Option(name: .long, help: ArgumentHelp("Metadata filter (Mongo-style JSON).", valueName: "json")) var filter: String?
    @OptionGroup var ranking: RankingFlags
    @Option(name: .long, help: "Token budget for the passages.") var contextWindow = 4000
    @Option(name: .long, help: "Sampling temperature for the LLM.") var temperature = 0.7
    @Option(name: .long, help: "Highest access level to see: public, internal or restricted.") var clearance = "restricted"
    @Flag(help: "Print JSON: {\"answer\", \"sources\", \"latency_ms\", \"cached\", \"model\", \"degraded\"}.") var json = false
    @Flag(help: "Print the answer as the LLM writes it (ignored with --json).") var stream = false

    func validate() throws {
        guard AccessLevel(rawValue: clearance) != nil else { throw ValidationError("--clearance must be public, internal or restricted") }
        guard topK > 0, contextWindow > 0 else { throw ValidationError("--top-k and --context-window must be positive") }
        guard (0...2).contains(temperature) else { throw ValidationError("--temperature must be between 0 and 2") }
    }

    func run() async throws {
        CommandFailure.jsonOutput = json
        if remote.server != nil {
            var body: [String: Any] = ["query": query, "namespace": namespace, "top_k": topK, "context_window": contextWindow,
                                       "temperature": temperature, "clearance": clearance]
            body.merge(ranking.requestFields) { first, _ in first }
            if let filter { body["filter"] = try JSONSerialization.jsonObject(with: Data(filter.utf8)) }
            let reply = try await remote.post("/api/v1/query", body)
            if json { JSONOutput.print(reply); return }
            print(reply["answer"] as? String ?? "")
            print("")
            for source in (reply["sources"] as? [[String: Any]]) ?? [] {
                let heading = (source["heading_path"] as? String).map { $0.isEmpty ? "" : " › \($0)" } ?? ""
                print("[\(source["n"] as? Int ?? 0)] \(source["source"] as? String ?? "")\(heading)")
            }
            if reply["degraded"] as? Bool == true { print("\n(extractive answer: the server has no LLM or every provider failed)") }
            return
        }
        let config = try global.loadConfig()
        let store = try global.openStore()
        let parsedFilter = try Filter.parse(json: filter ?? "")
        _ = try store.namespace(namespace)
        let embedder = try await embedderOptions.make(config)
        var request = QueryRequest(query: query, namespace: namespace)
        request.topK = topK
        request.filter = parsedFilter
        (request.mode, request.ranking) = try ranking.resolved()
        request.contextWindow = contextWindow
        request.temperature = temperature
        request.clearance = AccessLevel(rawValue: clearance)!
        let engine = try QueryEngine(store: store, embedder: embedder, configuration: config.queryEngine())
        let answer: QueryAnswer
        if stream && !json {
            var finished: QueryAnswer?
            for try await event in engine.answerStream(request) {
                switch event {
                case .sources: break
                case .delta(let piece): FileHandle.standardOutput.write(Data(piece.utf8))
                case .done(let whole): finished = whole
                }
            }
            print("")
            guard let finished else { throw CommandFailure(code: "stream", message: "the answer stream ended without an answer") }
            answer = finished
            Self.printSources(answer, engine: engine)
            return
        }
        answer = try await engine.answer(request)
        if json {
            JSONOutput.print([
                "answer": answer.answer, "latency_ms": answer.latencyMs, "cached": answer.cached, "model": answer.model,
                "degraded": answer.degraded, "query_id": answer.queryID, "path": answer.path, "stale": answer.stale,
                "cache_layer": answer.cacheLayer ?? NSNull(), "cost": answer.cost,
                "usage": answer.usage.map { ["prompt_tokens": $0.prompt, "completion_tokens": $0.completion, "estimated": $0.estimated] as [String: Any] } ?? NSNull(),
                "sources": answer.sources.enumerated().map { index, hit in
                    var object = SearchCommand.object(hit)
                    object["n"] = index + 1
                    object["title"] = hit.title
                    return object
                },
            ])
            return
        }
        print(answer.answer)
        Self.printSources(answer, engine: engine)
    }

    static func printSources(_ answer: QueryAnswer, engine: QueryEngine) {
        print("")
        for (index, hit) in answer.sources.enumerated() {
            let heading = hit.headingPath.isEmpty ? "" : " › \(hit.headingPath)"
            print("[\(index + 1)] \(hit.source)\(heading)")
        }
        if answer.degraded { print("\n(extractive answer: \(engine.chain == nil ? "no LLM is configured" : "every LLM provider failed"))") }
        else if answer.stale { print("\n(stale cached answer: every LLM provider failed)") }
    }
}
