import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Retrieval
import VectorStore

extension RAGServer {
    func addQueryRoutes(_ routes: RouteTable) {
        routes.on("/api/v1/search", .post) { [self] request, context in
            try context.require(.reader)
            try await admit(context)
            let body = try await JSONRequest.read(request, context: context, limits: configuration.body, allowed: Self.searchFields)
            let started = ContinuousClock.now
            let search = try searchRequest(body, context: context)
            let hits = try await engine.searcher.search(search)
            context.audit.show(documentIDs: hits.map(\.documentID))
            return JSONWire.response(["results": hits.map(JSONWire.searchHit), "latency_ms": started.elapsedMilliseconds])
        }

        routes.on("/api/v1/query", .post) { [self] request, context in
            try context.require(.reader)
            try JSONRequest.checkContentType(request, accepted: ["application/json"])
            let bytes = try await JSONRequest.collect(request, context: context, limits: configuration.body)
            let parsed = try queryRequest(bytes, principal: context.principal, audit: context.audit)
            if parsed.stream {
                return try await streamAnswer(parsed.request, context: context)
            }
            let answer = try await engine.answer(parsed.request, caller: context.principal.caller)
            Self.note(answer, in: context.audit)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: JSONWire.answerBody(answer)))
        }

        routes.on("/api/v1/feedback", .post) { [self] request, context in
            try context.require(.reader)
            let body = try await JSONRequest.read(request, context: context, limits: configuration.body, allowed: ["query_id", "rating", "comment"])
            let queryID = try body.requiredString("query_id", maxLength: 128)
            context.audit.resource(queryID)
            let rating = try body.int("rating", default: Int.min, range: -1...5)
            guard rating != Int.min else { throw APIProblem.badRequest("rating is required (-1 to 5)", field: "rating", code: "missing_field") }
            let comment = try body.string("comment", maxLength: 4000, allowEmpty: true)
            // Only the principal who asked (or an admin) rates a query; anyone else sees no such query.
            guard let entry = try engine.log.entry(id: queryID),
                  context.principal.role == .admin || (entry.userID == context.principal.id && context.principal.mayUse(namespace: entry.namespace))
            else {
                throw APIProblem.notFound("query_id \"\(queryID)\" is not a logged query", code: "query_not_found")
            }
            try engine.log.recordFeedback(queryID: queryID, rating: rating, comment: comment)
            return JSONWire.response(["query_id": queryID, "rating": rating], status: .created)
        }
    }

    static let rankingFields: Set<String> = ["mode", "fusion", "rrf_k", "dense_weight", "candidates", "mmr"]
    static let searchFields = Set(["query", "namespace", "top_k", "filter", "clearance"]).union(rankingFields)
    static let queryFields = Set(["query", "namespace", "context_window", "temperature", "top_k", "filter", "stream",
                                           "clearance"]).union(rankingFields)

    /// `mode` (hybrid by default) and the fusion options of `RankingOptions`.
    func ranking(_ body: JSONRequest) throws -> (SearchMode, RankingOptions) {
        let mode = try body.choice("mode", default: SearchMode.default)
        var ranking = RankingOptions()
        ranking.fusion = try body.choice("fusion", default: FusionMethod.rrf)
        ranking.rrfK = try body.double("rrf_k", default: ranking.rrfK, range: 0...Double.greatestFiniteMagnitude)
        ranking.denseWeight = try body.double("dense_weight", default: ranking.denseWeight, range: 0...1)
        ranking.candidates = try body.int("candidates", default: ranking.candidates, range: 1...RankingOptions.maxCandidates)
        if body.has("mmr") { ranking.mmrLambda = try body.double("mmr", default: 1, range: 0...1) }
        return (mode, ranking)
    }

    func searchRequest(_ body: JSONRequest, context: ServerContext) throws -> SearchRequest {
        let query = try body.requiredString("query")
        let limit = engine.configuration.validation.maxQueryCharacters
        guard query.count <= limit else {
            throw APIProblem(.unprocessableContent, code: "too_long", "query is \(query.count) characters; the limit is \(limit)", field: "query")
        }
        let namespace = try context.visibleNamespace(try body.requiredString("namespace", maxLength: 256))
        try requireEmbeddedNamespace(namespace)
        var search = SearchRequest(query: query, namespace: namespace)
        search.topK = try body.int("top_k", default: 10, range: 1...1000)
        search.filter = try body.filter()
        (search.mode, search.ranking) = try ranking(body)
        search.clearance = min(try body.choice("clearance", default: AccessLevel.restricted), context.principal.clearance)
        return search
    }

    /// A `/api/v1/query` body: the request (its namespace not yet checked against the caller) and `stream`.
    struct ParsedQuery: Sendable {
        var request: QueryRequest
        var stream: Bool
    }

    /// A `/api/v1/query` body for `principal`: parsed (memoised by its bytes: a repeated question skips the JSON
    /// parser), its namespace visible to the caller (noted in `audit`) and one of documents.
    func queryRequest(_ bytes: ByteBuffer, principal: Principal, audit: AuditNote) throws -> ParsedQuery {
        var parsed = try bytes.readableBytes <= Self.memoisedBodyBytes
            ? parsedQueries.value(for: bytes) { try parseQuery(bytes) }
            : parseQuery(bytes)
        parsed.request.namespace = try Self.visibleNamespace(parsed.request.namespace, principal: principal, audit: audit)
        try requireEmbeddedNamespace(parsed.request.namespace)
        return parsed
    }

    /// Bodies up to this size are memoised parsed (`parsedQueries`) and answered from the exact cache on the event loop.
    static let memoisedBodyBytes = 4096

    /// What the audit log keeps of an answer: the documents it showed and the query id.
    static func note(_ answer: QueryAnswer, in audit: AuditNote) {
        audit.show(documentIDs: answer.sources.map(\.documentID))
        audit.resource(answer.queryID)
    }

    /// The namespace if `principal` may use it; otherwise 404 as if it did not exist (no existence leak).
    /// Noted for the audit log either way.
    static func visibleNamespace(_ name: String, principal: Principal, audit: AuditNote) throws -> String {
        audit.namespace(name)
        guard principal.mayUse(namespace: name) else {
            throw APIProblem(.notFound, code: "namespace_not_found", "namespace \"\(name)\" does not exist")
        }
        return name
    }

    func parseQuery(_ bytes: ByteBuffer) throws -> ParsedQuery {
        let body = try JSONRequest.parse(bytes, limits: configuration.body, allowed: Self.queryFields)
        let request = try queryFields(body, namespace: try body.requiredString("namespace", maxLength: 256))
        return ParsedQuery(request: request, stream: try body.bool("stream", default: false))
    }

    private func queryFields(_ body: JSONRequest, namespace: String) throws -> QueryRequest {
        // The validator enforces max_query_chars itself (422 with the reason); the body limit bounds the rest.
        let text = try body.string("query", required: true, allowEmpty: true)!
        var query = QueryRequest(query: text, namespace: namespace)
        query.topK = try body.int("top_k", default: 5, range: 1...100)
        query.contextWindow = try body.int("context_window", default: 4000, range: 1...1_000_000)
        query.temperature = try body.double("temperature", default: 0.7, range: 0...2)
        query.filter = try body.filter()
        query.clearance = try body.choice("clearance", default: AccessLevel.restricted)
        (query.mode, query.ranking) = try ranking(body)
        return query
    }

    /// Text search needs a namespace whose vectors came from an embedder; one of raw vectors is a 409.
    func requireEmbeddedNamespace(_ namespace: String) throws {
        let info = try store.namespace(namespace)
        guard info.model != nil || info.count == 0 else {
            throw APIProblem(.conflict, code: "embedder_mismatch",
                             "namespace \"\(namespace)\" holds raw vectors of no recorded model; text search and query need a namespace of documents",
                             field: "namespace")
        }
    }

    /// SSE: `sources`, `token`…, `done` (the whole answer object); `error` (a problem object) if it fails after
    /// the first event. A failure before the first event is an ordinary error response with its status.
    func streamAnswer(_ query: QueryRequest, context: ServerContext) async throws -> Response {
        let events = UncheckedBox(engine.answerStream(query, caller: context.principal.caller).makeAsyncIterator())
        guard let first = try await events.value.next() else {
            throw APIProblem(.internalServerError, code: "stream", "the answer stream ended without an answer")
        }
        if case .sources(let hits) = first { context.audit.show(documentIDs: hits.map(\.documentID)) }
        let requestID = context.requestID
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            var event: QueryEngine.StreamEvent? = first
            do {
                while let current = event {
                    try await writer.write(ByteBuffer(string: Self.sse(current)))
                    event = try await events.value.next()
                }
            } catch {
                let problem = APIProblem.from(error)
                try await writer.write(ByteBuffer(string: SSE.event("error", JSONWire.string(problem.object(requestID: requestID)))))
            }
            try await writer.finish(nil)
        })
    }

    static func sse(_ event: QueryEngine.StreamEvent) -> String {
        switch event {
        case .sources(let hits): SSE.event("sources", JSONWire.string(["sources": JSONWire.sources(hits)]))
        case .delta(let text): SSE.event("token", JSONWire.string(["text": text]))
        case .done(let answer): SSE.event("done", JSONWire.string(JSONWire.answer(answer)))
        }
    }
}

enum SSE {
    /// One server-sent event; `data` is single-line JSON.
    static func event(_ name: String?, _ data: String) -> String {
        (name.map { "event: \($0)\n" } ?? "") + "data: \(data)\n\n"
    }
}

/// Moves a value that is used by one task at a time into a `@Sendable` closure.
final class UncheckedBox<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}

extension ContinuousClock.Instant {
    var elapsedMilliseconds: Int {
        let elapsed = duration(to: .now).components
        return Int(elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000)
    }
}

extension ServerContext {
    /// 403 unless the principal's role is at least `role`.
    func require(_ role: Principal.Role) throws {
        guard principal.role >= role else {
            throw APIProblem(.forbidden, code: "forbidden", "this needs the \(role.rawValue) role; the caller is a \(principal.role.rawValue)")
        }
    }

    /// The namespace if the principal may use it; otherwise 404 as if it did not exist (no existence leak).
    /// Noted for the audit log either way.
    func visibleNamespace(_ name: String) throws -> String {
        try RAGServer.visibleNamespace(name, principal: principal, audit: audit)
    }
}
