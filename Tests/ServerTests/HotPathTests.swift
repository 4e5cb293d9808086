import Foundation
import Ingest
import Retrieval
import Server
import Testing
import TestSupport
import VectorStore

/// The cache-hit path's shortcuts give the same bytes and the same guarantees as the general code:
/// the answer renderer against the dictionary rendering, the parsed-body memo against fresh parses,
/// the shared body-deadline watchdog against a stalled client.
@Suite struct HotPathTests {
    @Test func answerBodyIsByteForByteTheDictionaryRendering() async throws {
        let upstream = try ScriptedUpstream.start()
        // Quotes, a backslash, a newline, a control character and non-ASCII text in the answer.
        try upstream.script(path: "/v1/chat/completions", actions: [
            ["content": "Rotate them \"every\" 90 days\\\n\u{1}: für alle [1]."],
            ["content": "Backups run nightly [1]."],
        ])
        let server = try await LiveServer.overHandbook("hot-path-render", engine: scriptedLLM(upstream))
        let engine = server.server.engine

        var answers: [QueryAnswer] = []
        let rotate = QueryRequest(query: "How often should API keys be rotated?", namespace: "handbook")
        answers.append(try await engine.answer(rotate))                      // provider answer, with usage
        answers.append(try await engine.answer(rotate))                      // exact hit: memoised parts
        answers.append(try await engine.answer(rotate))                      // the same parts again
        answers.append(try await engine.answer(QueryRequest(query: "How are backups made?", namespace: "handbook")))
        var extractive = QueryRequest(query: "backups", namespace: "handbook")
        extractive.topK = 1
        answers.append(try await QueryEngine(store: server.store, embedder: server.server.embedder).answer(extractive))   // degraded, no provider
        #expect(answers[1].cached && answers[2].cached && answers[1].rendering != nil)
        #expect(answers[1].queryID != answers[2].queryID)
        for answer in answers {
            let fast = Array(JSONWire.answerBody(answer).readableBytesView)
            let reference = JSONText.bytes(JSONWire.answer(answer))
            #expect(fast == reference, "\(String(decoding: fast, as: UTF8.self))\n!=\n\(String(decoding: reference, as: UTF8.self))")
        }
        // Over HTTP a repeated body (the parsed-body memo) answers like a fresh one, with a new query id.
        let body: [String: Any] = ["query": "How often should API keys be rotated?", "namespace": "handbook"]
        let first = try await server.post("/api/v1/query", body)
        let second = try await server.post("/api/v1/query", body)
        #expect(first.status == 200 && second.status == 200)
        #expect(first.json["answer"] as? String == answers[0].answer)
        #expect(first.json["query_id"] as? String != second.json["query_id"] as? String)
        // A memoised body is still checked against the caller each time: an unknown namespace stays a 404.
        let missing: [String: Any] = ["query": "How often should API keys be rotated?", "namespace": "nope"]
        ErrorAPITests.problem(try await server.post("/api/v1/query", missing), 404)
        ErrorAPITests.problem(try await server.post("/api/v1/query", missing), 404)
        let badTopK: [String: Any] = ["query": "x", "namespace": "handbook", "top_k": 0]
        ErrorAPITests.problem(try await server.post("/api/v1/query", badTopK), 400)
        ErrorAPITests.problem(try await server.post("/api/v1/query", badTopK), 400)
        try await server.stop()
    }

    @Test func aStalledBodyIsCutAtTheBodyTimeout() async throws {
        let server = try await LiveServer.start { $0.body.timeout = 0.5 }
        let port = server.port
        // Promise 100 bytes, send 9, then wait: the server must close the connection after about 0.5 s.
        let (closedAfter, reply) = try await offPool { () throws -> (Double, String) in
            let socket = try RawSocket(port: port)
            defer { socket.close() }
            try socket.send("POST /api/v1/query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"query\"")
            let started = Date()
            let received = socket.receiveUntilClosed(timeout: 60)
            return (Date().timeIntervalSince(started), received)
        }
        // Alone this is 0.5-0.75 s; the bound is loose because in the full parallel suite other tests can keep
        // the cooperative pool busy for seconds before the handler even starts reading the body.
        #expect(closedAfter >= 0.45, "closed after \(closedAfter) s")
        #expect(closedAfter < 45, "closed after \(closedAfter) s")
        #expect(!reply.contains("200 OK"))
        // A body that arrives in time is unaffected, before and after the cut.
        #expect(try await server.get("/healthz").status == 200)
        let ok = try await server.post("/api/v1/namespaces", ["name": "after-timeout", "dimension": 3])
        #expect(ok.status == 201)
        try await server.stop()
    }
}

/// A blocking TCP client for what libcurl will not do: send half a body and wait.
struct RawSocket {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw LiveServerError("socket() failed: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Foundation.close(descriptor)
            throw LiveServerError("connect() failed: \(errno)")
        }
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard Foundation.send(descriptor, bytes, bytes.count, 0) == bytes.count else { throw LiveServerError("send() failed: \(errno)") }
    }

    /// Everything received until the peer closes (or `timeout` seconds pass).
    func receiveUntilClosed(timeout: Double) -> String {
        var limit = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = Foundation.recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: received, as: UTF8.self)
    }

    func close() { Foundation.close(descriptor) }
}
