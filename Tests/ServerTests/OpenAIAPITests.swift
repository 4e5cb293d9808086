import Foundation
import Ingest
import Retrieval
import Server
import Testing
import TestSupport
import VectorStore

/// The OpenAI-compatible endpoints: embeddings from the native model, `rag:NAMESPACE` chat, pass-through chat
/// to the configured provider (the scripted upstream), plain and streaming, and OpenAI-shaped errors.
@Suite struct OpenAIAPITests {
    static func server(upstream: ScriptedUpstream?) async throws -> LiveServer {
        var configuration = QueryEngineConfiguration()
        if let upstream {
            configuration = scriptedLLM(upstream)
            configuration.resilience = ResilienceConfiguration(maxAttempts: 1, backoffInitial: 0.01, backoffMax: 0.01,
                                                               breakerFailures: 5, breakerOpen: 60, deadline: 10)
        }
        return try await LiveServer.overHandbook("server-openai", engine: configuration)
    }

    @Test func embeddingsEqualTheNativeModelsVectors() async throws {
        let server = try await Self.server(upstream: nil)
        let embedder = server.server.embedder
        let reply = try await server.post("/v1/embeddings", ["input": ["rotate keys", "back up the store"], "model": embedder.modelID])
        #expect(reply.status == 200)
        #expect(reply.json["object"] as? String == "list")
        let data = try #require(reply.json["data"] as? [[String: Any]])
        #expect(data.map { $0["index"] as? Int } == [0, 1])
        let expected = try await embedder.embed(["rotate keys", "back up the store"])
        for (item, vector) in zip(data, expected) {
            let got = try #require(item["embedding"] as? [Double])
            #expect(got.count == 384)
            #expect(zip(got, vector).allSatisfy { abs($0 - Double($1)) < 1e-6 })
        }
        #expect(((reply.json["usage"] as? [String: Int])?["prompt_tokens"] ?? 0) > 0)
        let base64 = try await server.post("/v1/embeddings", ["input": "rotate keys", "encoding_format": "base64"])
        let encoded = try #require((base64.json["data"] as? [[String: Any]])?.first?["embedding"] as? String)
        let bytes = try #require(Data(base64Encoded: encoded))
        let floats = bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        #expect(floats == expected[0])

        let bad = try await server.post("/v1/embeddings", ["input": [1, 2, 3]])
        #expect(bad.status == 400)
        #expect((bad.json["error"] as? [String: Any])?["type"] as? String == "invalid_request_error")
        #expect((bad.json["error"] as? [String: Any])?["param"] as? String == "input")
        let unknown = try await server.post("/v1/embeddings", ["input": "x", "model": "gpt-9-embed"])
        #expect(unknown.status == 404)
        #expect((unknown.json["error"] as? [String: Any])?["code"] as? String == "model_not_found")

        let models = try await server.get("/v1/models")
        let ids = (models.json["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
        #expect(ids.contains(embedder.modelID))
        #expect(ids.contains("rag:handbook"))
        try await server.stop()
    }

    @Test func ragChatCompletionsAnswerFromANamespace() async throws {
        let upstream = try ScriptedUpstream.start()
        try upstream.script(path: "/v1/chat/completions", actions: [["content": "Every ninety days [1]."]])
        let server = try await Self.server(upstream: upstream)
        let messages = [["role": "system", "content": "Be brief."], ["role": "user", "content": "How often are API keys rotated?"]]
        let reply = try await server.post("/v1/chat/completions", ["model": "rag:handbook", "messages": messages])
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.json["object"] as? String == "chat.completion")
        let choice = try #require((reply.json["choices"] as? [[String: Any]])?.first)
        #expect((choice["message"] as? [String: Any])?["content"] as? String == "Every ninety days [1].")
        #expect(choice["finish_reason"] as? String == "stop")
        #expect((reply.json["sources"] as? [[String: Any]])?.first?["n"] as? Int == 1)
        // The provider saw the passages.
        let prompt = try upstream.stats().requests.last { $0.path == "/v1/chat/completions" }?.body ?? ""
        #expect(prompt.contains("ninety days"))

        try upstream.script(path: "/v1/chat/completions", actions: [["content": "Streamed answer [1]."]])
        let (status, events) = try await server.events("/v1/chat/completions",
            ["model": "rag:handbook", "stream": true, "messages": [["role": "user", "content": "How do I back up the store?"]]])
        #expect(status == 200)
        #expect(events.last?.1 == "[DONE]")
        let chunks = events.dropLast().compactMap { try? JSONSerialization.jsonObject(with: Data($0.1.utf8)) as? [String: Any] }
        #expect(chunks.allSatisfy { $0["object"] as? String == "chat.completion.chunk" })
        let text = chunks.compactMap { (($0["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])?["content"] as? String }.joined()
        #expect(text == "Streamed answer [1].")
        #expect((chunks.last?["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String == "stop")
        #expect(chunks.last?["sources"] != nil)

        let missing = try await server.post("/v1/chat/completions", ["model": "rag:nope", "messages": messages])
        #expect(missing.status == 404)
        #expect((missing.json["error"] as? [String: Any])?["message"] as? String == "namespace \"nope\" does not exist")
        let noUser = try await server.post("/v1/chat/completions", ["model": "rag:handbook", "messages": [["role": "system", "content": "x"]]])
        #expect(noUser.status == 400)
        let badRole = try await server.post("/v1/chat/completions", ["model": "rag:handbook", "messages": [["role": "wizard", "content": "x"]]])
        #expect((badRole.json["error"] as? [String: Any])?["param"] as? String == "messages[0].role")
        try await server.stop()
    }

    @Test func otherModelsPassThroughToTheProvider() async throws {
        let upstream = try ScriptedUpstream.start()
        try upstream.script(path: "/v1/chat/completions", actions: [["content": "Plain reply."], ["content": "Plain stream."], ["status": 500], ["status": 500]])
        let server = try await Self.server(upstream: upstream)
        let messages = [["role": "user", "content": [["type": "text", "text": "Say hi"]]]]
        let reply = try await server.post("/v1/chat/completions", ["model": "scripted-llm", "messages": messages, "max_tokens": 20])
        #expect(reply.status == 200, "\(reply.text)")
        #expect(((reply.json["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String == "Plain reply.")
        #expect(reply.json["sources"] == nil)
        let sent = try #require(try upstream.stats().requests.last { $0.path == "/v1/chat/completions" }?.json as? [String: Any])
        #expect((sent["messages"] as? [[String: Any]])?.last?["content"] as? String == "Say hi")
        #expect(sent["max_tokens"] as? Int == 20)

        let (status, events) = try await server.events("/v1/chat/completions", ["model": "scripted-llm", "stream": true, "messages": messages])
        #expect(status == 200)
        let text = events.dropLast().compactMap { event -> String? in
            let chunk = try? JSONSerialization.jsonObject(with: Data(event.1.utf8)) as? [String: Any]
            return ((chunk?["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])?["content"] as? String
        }.joined()
        #expect(text == "Plain stream.")
        #expect(events.last?.1 == "[DONE]")
        // The provider fails: a 502 in OpenAI's error shape, not a hang or a 500.
        let failed = try await server.post("/v1/chat/completions", ["model": "scripted-llm", "messages": messages])
        #expect(failed.status == 502)
        #expect((failed.json["error"] as? [String: Any])?["code"] as? String == "provider_error")
        try await server.stop()

        let plain = try await Self.server(upstream: nil)
        let none = try await plain.post("/v1/chat/completions", ["model": "gpt-4o", "messages": messages])
        #expect(none.status == 404)
        #expect((none.json["error"] as? [String: Any])?["code"] as? String == "model_not_found")
        try await plain.stop()
    }
}
