import CurlHTTP
import Foundation
import TestSupport
import Testing

@Suite struct CurlStreamTests {
    let client = CurlClient()

    /// Collects a stream's head and SSE events.
    private func events(_ request: HTTPRequest) async throws -> (head: HTTPResponseHead?, events: [SSEEvent]) {
        var parser = SSEParser()
        var head: HTTPResponseHead?
        var out: [SSEEvent] = []
        for try await event in client.stream(request) {
            switch event {
            case .head(let h):
                #expect(head == nil)
                head = h
            case .body(let chunk):
                #expect(head != nil)
                out += parser.feed(chunk)
            }
        }
        out += parser.finish()
        return (head, out)
    }

    @Test func openAIStreamArrivesIncrementally() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        let path = "/v1/chat/completions"
        // The server sends the first event, then holds the rest until we release it (or 60 s pass).
        try upstream.script(path: path, actions: [["hold_stream": 60.0, "content": "one two three four five"]])
        let body = #"{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}"#
        var parser = SSEParser()
        var head: HTTPResponseHead?
        var events: [SSEEvent] = []
        for try await event in client.stream(.postJSON(upstream.baseURL + path, body: Data(body.utf8))) {
            switch event {
            case .head(let h):
                #expect(head == nil)
                head = h
            case .body(let chunk):
                #expect(head != nil)
                let fresh = parser.feed(chunk)
                if events.isEmpty && !fresh.isEmpty {
                    // The first event is here while the server is still in the middle of the reply.
                    #expect(try upstream.stats().inFlight == 1)
                    try upstream.release(path: path)
                }
                events += fresh
            }
        }
        events += parser.finish()
        #expect(head?.status == 200)
        #expect(head?.header("content-type") == "text/event-stream")
        #expect(events.count == 8)
        #expect(events.last?.data == "[DONE]")
        var text = ""
        for event in events.dropLast() {
            let chunk = try jsonObject(Data(event.data.utf8))
            let delta = (chunk["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any]
            text += delta?["content"] as? String ?? ""
        }
        #expect(text == "one two three four five")
    }

    @Test func anthropicStreamEventTypes() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        let body = #"{"model":"m","max_tokens":10,"stream":true,"messages":[{"role":"user","content":"hi"}]}"#
        let (head, events) = try await events(.postJSON(upstream.baseURL + "/v1/messages", body: Data(body.utf8)))
        #expect(head?.status == 200)
        let names = events.map(\.event)
        #expect(names.first == "message_start")
        #expect(names.last == "message_stop")
        #expect(names.contains("content_block_delta") && names.contains("message_delta"))
        let text = try events.filter { $0.event == "content_block_delta" }.map { event -> String in
            let delta = try jsonObject(Data(event.data.utf8))["delta"] as? [String: Any]
            return delta?["text"] as? String ?? ""
        }.joined()
        #expect(text == "Hello from the scripted upstream.")
    }

    @Test func errorStatusStreamsItsBody() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        try upstream.script(path: "/v1/messages", actions: [["status": 529, "body": ["error": ["type": "overloaded_error"]]]])
        var status = 0, body = Data()
        for try await event in client.stream(.postJSON(upstream.baseURL + "/v1/messages", body: Data("{}".utf8))) {
            switch event {
            case .head(let head): status = head.status
            case .body(let chunk): body.append(chunk)
            }
        }
        #expect(status == 529)
        #expect(String(decoding: body, as: UTF8.self).contains("overloaded_error"))
    }

    @Test func streamErrorsNameTheURL() async throws {
        let url = "http://127.0.0.1:\(try closedPort())/v1/chat/completions"
        let error = await #expect(throws: CurlError.self) {
            for try await _ in client.stream(.postJSON(url, body: Data("{}".utf8))) {}
        }
        #expect(error?.code == .connectFailed)
        #expect(error?.message.contains(url) == true)
    }

    @Test func stoppingTheConsumerAbortsTheStream() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        let chunks = (0..<50).map { "data: \($0)\n\n" }
        try upstream.script(path: "/sse", actions: [["raw_sse": chunks, "hold_stream": 60.0]])
        var parser = SSEParser()
        var seen: [String] = []
        loop: for try await event in client.stream(.get(upstream.baseURL + "/sse")) {
            if case .body(let chunk) = event {
                seen += parser.feed(chunk).map(\.data)
                if !seen.isEmpty { break loop }
            }
        }
        #expect(seen == ["0"])
        // Dropping the stream aborted the transfer: the server, holding the rest, sees the client hang up.
        try await eventually(upstream) { $0.disconnects == 1 && $0.inFlight == 0 }

        // Cancelling the consuming task ends the stream early too.
        try upstream.script(path: "/sse", actions: [["raw_sse": chunks, "hold_stream": 60.0]])
        let consumer = Task {
            var count = 0
            for try await event in client.stream(.get(upstream.baseURL + "/sse")) {
                if case .body = event { count += 1 }
            }
            return count
        }
        try await eventually(upstream) { $0.inFlight == 1 }
        consumer.cancel()
        let result = await consumer.result
        if case .success(let count) = result { #expect(count < 50) }
        try await eventually(upstream) { $0.disconnects == 2 && $0.inFlight == 0 }
        #expect(try await client.send(.get(upstream.baseURL + "/v1/models")).status == 200)
    }
}
