import CurlHTTP
import Foundation
import Retrieval
import Server
import Testing
import TestSupport

/// `ragctl serve` as a process, `--server URL` on the CLI, and graceful shutdown draining in-flight requests.
@Suite struct ServeCommandTests {
    @Test func searchAndQueryTalkToARunningServer() async throws {
        let server = try await QueryAPITests.handbookServer()
        let search = try await Ragctl.run(["search", "how often do I rotate API keys", "--namespace", "handbook", "--top-k", "2",
                                           "--server", server.base, "--json"])
        #expect(search.status == 0, "\(search.stderr)")
        let results = try #require(search.json?["results"] as? [[String: Any]])
        #expect(results.count == 2)
        #expect((results[0]["source"] as? String)?.hasSuffix("keys.md") == true)
        let query = try await Ragctl.run(["query", "How often should API keys be rotated?", "--namespace", "handbook",
                                          "--server", server.base + "/", "--json"])
        #expect(query.status == 0, "\(query.stderr)")
        #expect((query.json?["answer"] as? String)?.contains("ninety days") == true)
        let human = try await Ragctl.run(["query", "How do I back up the store?", "--namespace", "handbook", "--server", server.base])
        #expect(human.stdout.contains("[1] "))
        let missing = try await Ragctl.run(["search", "x", "--namespace", "nope", "--server", server.base, "--json"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("404") && missing.stderr.contains("namespace \"nope\" does not exist"))
        try await server.stop()
        let down = try await Ragctl.run(["search", "x", "--namespace", "handbook", "--server", server.base])
        #expect(down.status == 1)
        #expect(down.stderr.contains("cannot reach"))
    }

    @Test func shutdownDrainsARequestInFlight() async throws {
        let upstream = try ScriptedUpstream.start()
        try upstream.script(path: "/v1/chat/completions", actions: [["hold": 20, "content": "Drained answer [1]."]])
        let dir = TemporaryDirectory("server-drain")
        let store = try openServerStore(dir)
        let embedder = try nativeEmbedder()
        try await ingestDocuments(handbook, into: "handbook", store: store, embedder: embedder, dir: dir)
        var configuration = QueryEngineConfiguration()
        configuration.providers = [LLMProviderConfiguration(name: "primary", kind: .openai, baseURL: upstream.baseURL, model: "m", timeout: 30)]
        let server = try await LiveServer.start(dir: dir, store: store, embedder: embedder, engine: configuration)
        let inFlight = Task { try await server.post("/api/v1/query", ["query": "How often are keys rotated?", "namespace": "handbook"]) }
        for _ in 0..<200 where try upstream.stats().inFlight == 0 { try await Task.sleep(for: .milliseconds(25)) }
        #expect(try upstream.stats().inFlight == 1)
        let stopping = Task { try await server.stop() }
        try await Task.sleep(for: .milliseconds(200))
        try upstream.release(path: "/v1/chat/completions")
        let reply = try await inFlight.value
        #expect(reply.status == 200)
        #expect(reply.json["answer"] as? String == "Drained answer [1].")
        try await stopping.value
        // Logged before the checkpoint: the query log has the drained query.
        #expect(try store.query("SELECT count(*) FROM query_logs").first?[0].int == 1)
    }

    @Test func serveRunsAsAProcessAndStopsOnSIGTERM() async throws {
        let dir = TemporaryDirectory("serve-process")
        let refused = try await Ragctl.run(["serve", "--host", "0.0.0.0", "--port", "0", "--data-dir", dir.file("data")])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("refusing to bind 0.0.0.0 without authentication"))

        let (port, process, stderrURL) = try await offPool { try ServeProcess.start(dataDir: dir.file("data"), logDir: dir.path) }
        let client = LiveServerClient(port: port)
        let health = try await client.get("/healthz")
        #expect(health.status == 200)
        let logs = try await offPool { () -> String in
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
            return (try? String(contentsOfFile: stderrURL, encoding: .utf8)) ?? ""
        }
        #expect(process.terminationStatus == 0)
        let lines = logs.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.contains { $0["msg"] as? String == "store checkpointed" })
        let access = try #require(lines.first { $0["msg"] as? String == "request" })
        #expect(access["route"] as? String == "/healthz")
        #expect(access["status"] as? String == "200")
        #expect((access["request_id"] as? String)?.hasPrefix("req_") == true)
    }
}

/// A small client for a server that is not a `LiveServer` (a child process).
struct LiveServerClient {
    let port: Int
    func get(_ path: String) async throws -> (status: Int, body: Data) {
        let response = try await CurlHTTP.CurlClient().send(.get("http://127.0.0.1:\(port)\(path)"))
        return (response.status, response.body)
    }
}

/// `ragctl serve` as a child process; reads the port from its "listening on http(s)://HOST:PORT" line.
enum ServeProcess {
    static func start(dataDir: String, logDir: String) throws -> (Int, Process, String) {
        try start(["serve", "--port", "0", "--data-dir", dataDir], logDir: logDir)
    }

    /// Runs `ragctl ARGUMENTS` (with `environment` added to this process's), stderr to `logDir/serve-*.err`, and
    /// waits for a "listening on" line with the `scheme` pattern (`https` for a TLS server).
    /// - Returns: the announced port, the process and the stderr file's path.
    static func start(_ arguments: [String], environment: [String: String] = [:], logDir: String,
                      scheme: String = "https?") throws -> (Int, Process, String) {
        let process = Process()
        process.executableURL = Ragctl.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        let stderrPath = logDir + "/serve-\(UUID().uuidString).err"
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var buffer = Data()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            let text = String(decoding: buffer, as: UTF8.self)
            if let range = text.range(of: "listening on \(scheme)://[0-9.]+:[0-9]+", options: .regularExpression),
               let port = Int(text[range].split(separator: ":").last ?? "") {
                return (port, process, stderrPath)
            }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let log = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        throw LiveServerError("ragctl serve did not announce its port: \(String(decoding: buffer, as: UTF8.self)) \(log)")
    }
}
