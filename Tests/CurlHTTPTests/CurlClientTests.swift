import CurlHTTP
import Foundation
import TestSupport
import Testing

@Suite struct CurlClientTests {
    let client = CurlClient()

    @Test func getAndPostJSONRoundTrip() async throws {
        let upstream = try ScriptedUpstream.start(dimension: 16)
        defer { upstream.stop() }
        let get = try await client.send(.get(upstream.baseURL + "/v1/models"))
        #expect(get.status == 200)
        #expect(get.url == upstream.baseURL + "/v1/models")
        let models = try jsonObject(get.body)["data"] as? [[String: Any]]
        #expect(models?.first?["id"] as? String == "scripted-model")

        struct EmbeddingRequest: Encodable { let model: String; let input: [String] }
        struct EmbeddingResponse: Decodable {
            struct Item: Decodable { let index: Int; let embedding: [Double] }
            let data: [Item]
        }
        let request = try HTTPRequest.postJSON(upstream.baseURL + "/v1/embeddings",
                                               encoding: EmbeddingRequest(model: "m", input: ["alpha", "beta"]))
        let first = try await client.send(request).decode(EmbeddingResponse.self)
        let again = try await client.send(request).decode(EmbeddingResponse.self)
        #expect(first.data.map(\.index) == [0, 1])
        #expect(first.data.allSatisfy { $0.embedding.count == 16 })
        #expect(abs(first.data[0].embedding.reduce(0) { $0 + $1 * $1 } - 1) < 1e-9)
        #expect(first.data[0].embedding == again.data[0].embedding)
        #expect(first.data[0].embedding != first.data[1].embedding)
        let seen = try #require(try upstream.stats().requests.last)
        #expect(seen.method == "POST" && seen.path == "/v1/embeddings")
        #expect(seen.header("content-type") == "application/json")
        #expect((seen.json as? [String: Any])?["input"] as? [String] == ["alpha", "beta"])
    }

    @Test func sendsHeadersMethodsAndBodies() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        let url = upstream.baseURL + "/echo?q=1"
        let request = HTTPRequest(method: "PUT", url: url,
                                  headers: [("Authorization", "Bearer k"), ("X-Trace", "abc")],
                                  body: Data("payload".utf8))
        let response = try await client.send(request)
        #expect(response.header("CONTENT-TYPE") == "application/json")
        #expect(response.headers["content-length"] == String(response.body.count))
        let echo = try jsonObject(response.body)
        #expect(echo["method"] as? String == "PUT")
        #expect(echo["path"] as? String == "/echo?q=1")
        #expect(echo["body"] as? String == "payload")
        let headers = try #require(echo["headers"] as? [String: String])
        #expect(headers["authorization"] == "Bearer k")
        #expect(headers["x-trace"] == "abc")
        #expect(headers["expect"] == nil)

        for method in ["DELETE", "GET", "POST"] {
            let reply = try jsonObject(try await client.send(HTTPRequest(method: method, url: url)).body)
            #expect(reply["method"] as? String == method)
            #expect(reply["body"] as? String == "")
        }
        let head = try await client.send(HTTPRequest(method: "HEAD", url: upstream.baseURL + "/bytes/10"))
        #expect(head.status == 200 && head.body.isEmpty)
    }

    @Test func errorStatusesAreResponses() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        let path = "/v1/chat/completions"
        try upstream.script(path: path, actions: [
            ["status": 500],
            ["status": 429, "headers": ["Retry-After": "1"]],
            ["status": 503, "body": "overloaded", "headers": ["Content-Type": "text/plain"]],
        ])
        let request = HTTPRequest.postJSON(upstream.baseURL + path, body: Data(#"{"messages":[]}"#.utf8))
        let r500 = try await client.send(request)
        #expect(r500.status == 500 && !r500.isSuccess)
        #expect((try jsonObject(r500.body)["error"] as? [String: Any])?["code"] as? Int == 500)
        let r429 = try await client.send(request)
        #expect(r429.status == 429)
        #expect(r429.header("retry-after") == "1")
        let r503 = try await client.send(request)
        #expect(r503.status == 503 && r503.text == "overloaded")
        let ok = try await client.send(request)
        #expect(ok.status == 200)
        #expect(try upstream.stats().count(path) == 4)
        let missing = try await client.send(.get(upstream.baseURL + "/nope"))
        #expect(missing.status == 404)
    }

    @Test func redirectsAreFollowedOnlyWhenAsked() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        let redirect: [String: Any] = ["status": 302, "headers": ["Location": "/echo?from=redirect"], "body": ""]
        try upstream.script(path: "/old", actions: [redirect, redirect])
        let plain = try await client.send(.get(upstream.baseURL + "/old"))
        #expect(plain.status == 302)
        #expect(plain.header("location") == "/echo?from=redirect")
        var request = HTTPRequest.get(upstream.baseURL + "/old")
        request.followRedirects = true
        let followed = try await client.send(request)
        #expect(followed.status == 200)
        #expect(followed.url == upstream.baseURL + "/echo?from=redirect")
        #expect(try jsonObject(followed.body)["path"] as? String == "/echo?from=redirect")
        #expect(followed.header("location") == nil)
    }

    @Test func slowServerTimesOutNamingTheURL() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        try upstream.script(path: "/v1/embeddings", actions: [["delay": 5.0]])
        var request = HTTPRequest.postJSON(upstream.baseURL + "/v1/embeddings", body: Data(#"{"input":"x"}"#.utf8))
        request.totalTimeout = 0.5
        // The server answers after 5 s: only libcurl's timer can produce this error.
        let error = await #expect(throws: CurlError.self) { try await client.send(request) }
        #expect(error?.code == .timeout)
        #expect(error?.url == request.url)
        #expect(error?.message.contains(request.url) == true)
        #expect(error?.message.contains("POST") == true)
        #expect(error?.isTransient == true)
    }

    @Test func idleTimeoutCutsAStalledBody() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        try upstream.script(path: "/drip", actions: [["drip": ["a", "b"], "chunk_delay": 6.0]])
        var request = HTTPRequest.get(upstream.baseURL + "/drip")
        request.idleTimeout = 1
        let error = await #expect(throws: CurlError.self) { try await client.send(request) }
        #expect(error?.code == .timeout)  // the body would complete after 6 s
    }

    @Test func connectionRefusedIsAClearError() async throws {
        let url = "http://127.0.0.1:\(try closedPort())/v1/models"
        let error = await #expect(throws: CurlError.self) { try await client.send(.get(url)) }
        #expect(error?.code == .connectFailed)
        #expect(error?.message.contains(url) == true)
        #expect(error?.curlCode == 7)
    }

    @Test func unresolvableHostAndBadURL() async throws {
        let dns = await #expect(throws: CurlError.self) {
            try await client.send(HTTPRequest(url: "http://no-such-host.invalid/x", connectTimeout: 3))
        }
        #expect(dns?.code == .dns)
        let bad = await #expect(throws: CurlError.self) { try await client.send(.get("ftp://127.0.0.1/x")) }
        #expect(bad?.code == .other)
        #expect(bad?.message.contains("ftp://127.0.0.1/x") == true)
    }

    @Test func serverHangingUpIsAborted() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        try upstream.script(path: "/v1/models", actions: [["die": true]])
        let error = await #expect(throws: CurlError.self) { try await client.send(.get(upstream.baseURL + "/v1/models")) }
        #expect(error?.code == .aborted)
        #expect(try await client.send(.get(upstream.baseURL + "/v1/models")).status == 200)
    }

    @Test func responseBodyLimit() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        var request = HTTPRequest.get(upstream.baseURL + "/bytes/100000")
        request.maxResponseBytes = 1000
        let declared = await #expect(throws: CurlError.self) { try await client.send(request) }
        #expect(declared?.code == .tooLarge)
        // Without Content-Length the write callback enforces the limit.
        try upstream.script(path: "/drip", actions: [["drip": [String(repeating: "y", count: 800), String(repeating: "z", count: 800)]]])
        request.url = upstream.baseURL + "/drip"
        let chunked = await #expect(throws: CurlError.self) { try await client.send(request) }
        #expect(chunked?.code == .tooLarge)
        request.url = upstream.baseURL + "/bytes/1000"
        #expect(try await client.send(request).body.count == 1000)
    }

    @Test func sixteenParallelRequests() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        try upstream.script(path: "/echo", actions: Array(repeating: ["hold": 60.0], count: 16))
        async let bodies = withThrowingTaskGroup(of: (Int, String).self) { group in
            for i in 0..<16 {
                group.addTask {
                    let request = HTTPRequest(method: "POST", url: upstream.baseURL + "/echo", body: Data("req-\(i)".utf8))
                    let response = try await client.send(request)
                    return (i, try jsonObject(response.body)["body"] as? String ?? "")
                }
            }
            return try await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
        }
        // All 8 connections (the default maxConnections) are busy at once; the other 8 requests queue.
        try await eventually(upstream) { $0.inFlight == 8 }
        try upstream.release(path: "/echo")
        let result = try await bodies
        #expect(result.count == 16)
        #expect(result.allSatisfy { $0.value == "req-\($0.key)" })
        let stats = try upstream.stats()
        #expect(stats.maxInFlight == 8)
        #expect(stats.connections == 8)
    }

    @Test func keepAliveReusesOneConnection() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        var reused: [Bool] = []
        for _ in 0..<5 {
            reused.append(try await client.send(.get(upstream.baseURL + "/v1/models")).connectionReused)
        }
        #expect(reused == [false, true, true, true, true])
        let stats = try upstream.stats()
        #expect(stats.connections == 1)
        #expect(Set(stats.requests.map(\.clientPort)).count == 1)
    }

    @Test func cancellingTheTaskAbortsTheTransfer() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        try upstream.script(path: "/v1/models", actions: [["hold": 60.0]])
        let task = Task { try await client.send(.get(upstream.baseURL + "/v1/models")) }
        try await eventually(upstream) { $0.inFlight == 1 }
        task.cancel()  // the server holds the request: only an abort can end the task now
        await #expect(throws: CancellationError.self) { try await task.value }
        try await eventually(upstream) { $0.disconnects == 1 }  // the connection was really closed
        // Already-cancelled tasks never start a transfer; the client stays usable.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.send(.get(upstream.baseURL + "/v1/models"))
        }
        await #expect(throws: CancellationError.self) { try await early.value }
        #expect(try await client.send(.get(upstream.baseURL + "/v1/models")).status == 200)
        let served = try upstream.stats().count("/v1/models")
        #expect(served == 2)
    }

    @Test func transfersDoNotBlockTheCooperativePool() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        try upstream.script(path: "/echo", actions: Array(repeating: ["hold": 120.0], count: 8))
        let inFlight = Task {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 { group.addTask { try await client.send(.get(upstream.baseURL + "/echo")).status } }
                return try await group.reduce(0) { $0 + ($1 == 200 ? 1 : 0) }
            }
        }
        // 8 transfers parked on the server. Had they blocked threads of the cooperative pool (2 here),
        // fewer would be in flight, and the tasks below could not run until the holds expired.
        try await eventually(upstream) { $0.inFlight == 8 }
        var ran = 0
        for _ in 0..<20 { ran += await Task.detached { 1 }.value }
        #expect(ran == 20)
        #expect(try upstream.stats().inFlight == 8)
        try upstream.release(path: "/echo")
        #expect(try await inFlight.value == 8)
    }

    @Test func aStreamKeepsItsClientAlive() async throws {
        let upstream = try ScriptedUpstream.start()
        defer { upstream.stop() }
        try upstream.script(path: "/v1/models", actions: [["delay": 0.5]])
        var local: CurlClient? = CurlClient(maxConnections: 1)
        let stream = try #require(local).stream(.get(upstream.baseURL + "/v1/models"))
        local = nil  // the stream keeps its client alive: the transfer completes normally
        var status = 0
        for try await event in stream { if case .head(let head) = event { status = head.status } }
        #expect(status == 200)
    }
}
