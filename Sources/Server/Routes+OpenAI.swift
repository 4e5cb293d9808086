import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Retrieval
import VectorStore

/// OpenAI's error shape for `/v1/*`, so SDKs surface the message: `{"error": {"message", "type", "param", "code"}}`.
enum OpenAIError {
    static func response(_ problem: APIProblem) -> Response {
        let type = switch problem.status.code {
        case 401: "authentication_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 429: "rate_limit_error"
        case 400..<500: "invalid_request_error"
        default: "server_error"
        }
        let object: [String: Any] = ["error": ["message": problem.detail, "type": type, "param": problem.field.map { $0 as Any } ?? NSNull(),
                                               "code": problem.code]]
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        for (name, value) in problem.headers {
            if let name = HTTPField.Name(name) { fields[name] = value }
        }
        return Response(status: problem.status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWire.data(object))))
    }
}

extension RAGServer {
    static let ragModelPrefix = "rag:"

    func addOpenAIRoutes(_ routes: RouteTable) {
        routes.on("/v1/models", .get) { [self] _, context in
            try context.require(.reader)
            let created = Int(started.timeIntervalSince1970)
            var ids = [embedder.modelID]
            ids += store.listNamespaces().filter { context.principal.mayUse(namespace: $0.name) && $0.model != nil }
                .map { Self.ragModelPrefix + $0.name }
            if let chain = engine.chain { ids += chain.members.map(\.model) }
            var seen = Set<String>()
            let models = ids.filter { seen.insert($0).inserted }.map { ["id": $0, "object": "model", "created": created, "owned_by": "ragctl"] as [String: Any] }
            return JSONWire.response(["object": "list", "data": models])
        }

        routes.on("/v1/embeddings", .post) { [self] request, context in
            try context.require(.reader)
            try await admit(context)
            var body = try await JSONRequest.read(request, context: context, limits: configuration.body)
            body.nullIsAbsent = true
            let inputs: [String]
            switch body.object["input"] {
            case let text as String:
                guard !text.isEmpty else { throw APIProblem.badRequest("input must not be empty", field: "input", code: "invalid_field") }
                inputs = [text]
            case let list as [Any]:
                guard (1...2048).contains(list.count) else {
                    throw APIProblem.badRequest("input must hold 1 to 2048 strings, got \(list.count)", field: "input", code: "invalid_field")
                }
                inputs = try list.enumerated().map { index, item in
                    guard let text = item as? String, !text.isEmpty else {
                        throw APIProblem.badRequest("input[\(index)] must be a non-empty string (token arrays are not supported)", field: "input", code: "invalid_field")
                    }
                    return text
                }
            default:
                throw APIProblem.badRequest("input is required: a string or an array of strings", field: "input", code: "missing_field")
            }
            if let model = try body.string("model", maxLength: 256), model != embedder.modelID, !Self.embeddingAliases.contains(model) {
                throw APIProblem.notFound("model \"\(model)\" is not served here; use \(embedder.modelID)", code: "model_not_found")
            }
            if body.has("dimensions") {
                let dimensions = try body.int("dimensions", default: embedder.dimension, range: 1...65536)
                guard dimensions == embedder.dimension else {
                    throw APIProblem.badRequest("dimensions must be \(embedder.dimension) for \(embedder.modelID)", field: "dimensions", code: "invalid_field")
                }
            }
            let format = try body.string("encoding_format", maxLength: 16) ?? "float"
            guard format == "float" || format == "base64" else {
                throw APIProblem.badRequest("encoding_format must be float or base64", field: "encoding_format", code: "invalid_field")
            }
            let vectors = try await embedder.embed(inputs)
            let tokens = inputs.reduce(0) { $0 + embedder.countTokens($1) }
            let data: [[String: Any]] = vectors.enumerated().map { index, vector in
                let embedding: Any = format == "base64"
                    ? vector.withUnsafeBufferPointer { Data(buffer: $0) }.base64EncodedString()
                    : vector.map { Double($0) }
                return ["object": "embedding", "index": index, "embedding": embedding]
            }
            return JSONWire.response(["object": "list", "data": data, "model": embedder.modelID,
                                      "usage": ["prompt_tokens": tokens, "total_tokens": tokens]])
        }

        routes.on("/v1/chat/completions", .post) { [self] request, context in
            try context.require(.reader)
            var body = try await JSONRequest.read(request, context: context, limits: configuration.body)
            body.nullIsAbsent = true
            let model = try body.requiredString("model", maxLength: 256)
            let messages = try Self.chatMessages(body.object["messages"])
            let temperature = try body.double("temperature", default: 0.7, range: 0...2)
            let stream = try body.bool("stream", default: false)
            let n = try body.int("n", default: 1, range: 1...1)
            _ = n
            let maxTokens = body.has("max_tokens") ? try body.int("max_tokens", default: 0, range: 1...1_000_000)
                : body.has("max_completion_tokens") ? try body.int("max_completion_tokens", default: 0, range: 1...1_000_000) : nil
            let id = "chatcmpl-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(24)
            let created = Int(Date().timeIntervalSince1970)

            if model.hasPrefix(Self.ragModelPrefix) {
                let namespace = try context.visibleNamespace(String(model.dropFirst(Self.ragModelPrefix.count)))
                guard let question = messages.last(where: { $0.role == .user })?.content else {
                    throw APIProblem.badRequest("messages need a user message to answer", field: "messages", code: "invalid_field")
                }
                var query = QueryRequest(query: question, namespace: namespace)
                query.temperature = temperature
                query.topK = try body.int("top_k", default: 5, range: 1...100)
                if stream {
                    return try await streamRAGChat(query, id: id, created: created, model: model, context: context)
                }
                let answer = try await engine.answer(query, caller: context.principal.caller)
                context.audit.show(documentIDs: answer.sources.map(\.documentID))
                context.audit.resource(answer.queryID)
                var object = Self.completion(id: id, created: created, model: model, content: answer.answer,
                                             usage: answer.usage.map { ($0.prompt, $0.completion) } ?? (0, 0))
                object["sources"] = JSONWire.sources(answer.sources)
                object["rag"] = ["query_id": answer.queryID, "cached": answer.cached, "degraded": answer.degraded, "model": answer.model]
                return JSONWire.response(object)
            }

            guard let chain = engine.chain, chain.members.contains(where: { $0.model == model }) else {
                throw APIProblem(.notFound, code: "model_not_found",
                                 "model \"\(model.prefix(100))\" is not served here; see GET /v1/models (rag:NAMESPACE answers from a namespace)",
                                 field: "model")
            }
            let chat = ChatRequest(messages: messages, temperature: temperature, maxTokens: maxTokens)
            if stream {
                return try await streamPassThrough(chain.stream(chat), id: id, created: created, model: model)
            }
            let response = try await chain.complete(chat)
            return JSONWire.response(Self.completion(id: id, created: created, model: response.model, content: response.text,
                                                     usage: (response.usage.prompt, response.usage.completion)))
        }
    }

    static let embeddingAliases: Set<String> = ["all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2", "text-embedding-ada-002",
                                                "text-embedding-3-small", "default"]

    /// OpenAI messages → ours. Content may be a string or an array of `{"type": "text", "text"}` parts;
    /// `developer` counts as `system`. Tool and image content is refused by name.
    static func chatMessages(_ raw: Any?) throws -> [ChatMessage] {
        guard let list = raw as? [Any], !list.isEmpty else {
            throw APIProblem.badRequest("messages is required: a non-empty array of {role, content}", field: "messages", code: "missing_field")
        }
        guard list.count <= 1000 else { throw APIProblem.badRequest("at most 1000 messages", field: "messages", code: "invalid_field") }
        return try list.enumerated().map { index, item in
            let field = "messages[\(index)]"
            guard let object = item as? [String: Any] else { throw JSONRequest.typeError(field, "an object", item) }
            let role: ChatMessage.Role
            switch object["role"] as? String {
            case "system", "developer": role = .system
            case "user": role = .user
            case "assistant": role = .assistant
            default:
                throw APIProblem.badRequest("\(field).role must be system, developer, user or assistant", field: "\(field).role", code: "invalid_field")
            }
            let content: String
            switch object["content"] {
            case let text as String: content = text
            case let parts as [Any]:
                content = try parts.enumerated().map { partIndex, part in
                    guard let part = part as? [String: Any], part["type"] as? String == "text", let text = part["text"] as? String else {
                        throw APIProblem.badRequest("\(field).content[\(partIndex)] must be a text part; images and other parts are not supported",
                                                    field: "\(field).content", code: "invalid_field")
                    }
                    return text
                }.joined(separator: "\n")
            case nil: content = ""
            case is NSNull where role == .assistant: content = ""
            default:
                throw APIProblem.badRequest("\(field).content must be a string or an array of text parts", field: "\(field).content", code: "invalid_field")
            }
            return ChatMessage(role: role, content: content)
        }
    }

    static func completion(id: String, created: Int, model: String, content: String, usage: (Int, Int)) -> [String: Any] {
        ["id": id, "object": "chat.completion", "created": created, "model": model,
         "choices": [["index": 0, "message": ["role": "assistant", "content": content], "finish_reason": "stop", "logprobs": NSNull()]],
         "usage": ["prompt_tokens": usage.0, "completion_tokens": usage.1, "total_tokens": usage.0 + usage.1]]
    }

    static func chunk(id: String, created: Int, model: String, delta: [String: Any], finish: String?) -> String {
        SSE.event(nil, JSONWire.string(["id": id, "object": "chat.completion.chunk", "created": created, "model": model,
                                        "choices": [["index": 0, "delta": delta, "finish_reason": finish.map { $0 as Any } ?? NSNull(), "logprobs": NSNull()]]]))
    }

    static func eventStreamHeaders() -> HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        return headers
    }

    func streamRAGChat(_ query: QueryRequest, id: String, created: Int, model: String, context: ServerContext) async throws -> Response {
        let events = UncheckedBox(engine.answerStream(query, caller: context.principal.caller).makeAsyncIterator())
        guard let first = try await events.value.next() else {
            throw APIProblem(.internalServerError, code: "stream", "the answer stream ended without an answer")
        }
        if case .sources(let hits) = first { context.audit.show(documentIDs: hits.map(\.documentID)) }
        return Response(status: .ok, headers: Self.eventStreamHeaders(), body: ResponseBody { writer in
            try await writer.write(ByteBuffer(string: Self.chunk(id: id, created: created, model: model, delta: ["role": "assistant", "content": ""], finish: nil)))
            var event: QueryEngine.StreamEvent? = first
            do {
                while let current = event {
                    switch current {
                    case .sources: break
                    case .delta(let text):
                        try await writer.write(ByteBuffer(string: Self.chunk(id: id, created: created, model: model, delta: ["content": text], finish: nil)))
                    case .done(let answer):
                        var last = ["id": id, "object": "chat.completion.chunk", "created": created, "model": model,
                                    "choices": [["index": 0, "delta": [:] as [String: Any], "finish_reason": "stop", "logprobs": NSNull()]]] as [String: Any]
                        last["sources"] = JSONWire.sources(answer.sources)
                        try await writer.write(ByteBuffer(string: SSE.event(nil, JSONWire.string(last))))
                    }
                    event = try await events.value.next()
                }
            } catch {
                let problem = APIProblem.from(error)
                try await writer.write(ByteBuffer(string: SSE.event(nil, JSONWire.string(["error": ["message": problem.detail, "type": "server_error", "code": problem.code]]))))
            }
            try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
            try await writer.finish(nil)
        })
    }

    func streamPassThrough(_ stream: AsyncThrowingStream<ChatStreamEvent, any Error>, id: String, created: Int, model: String) async throws -> Response {
        let events = UncheckedBox(stream.makeAsyncIterator())
        let first = try await events.value.next()   // provider errors before the first token are ordinary error responses
        return Response(status: .ok, headers: Self.eventStreamHeaders(), body: ResponseBody { writer in
            try await writer.write(ByteBuffer(string: Self.chunk(id: id, created: created, model: model, delta: ["role": "assistant", "content": ""], finish: nil)))
            var event = first
            do {
                while let current = event {
                    switch current {
                    case .delta(let text):
                        try await writer.write(ByteBuffer(string: Self.chunk(id: id, created: created, model: model, delta: ["content": text], finish: nil)))
                    case .done:
                        try await writer.write(ByteBuffer(string: Self.chunk(id: id, created: created, model: model, delta: [:], finish: "stop")))
                    }
                    event = try await events.value.next()
                }
            } catch {
                let problem = APIProblem.from(error)
                try await writer.write(ByteBuffer(string: SSE.event(nil, JSONWire.string(["error": ["message": problem.detail, "type": "server_error", "code": problem.code]]))))
            }
            try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
            try await writer.finish(nil)
        })
    }
}
