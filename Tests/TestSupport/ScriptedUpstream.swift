import Foundation

/// A scripted fake LLM/embedding provider (`scripted_upstream.py`) running on 127.0.0.1 for one test.
///
/// It answers `POST /v1/embeddings`, `POST /v1/chat/completions` and `POST /v1/messages` (OpenAI and
/// Anthropic shapes, plain and streaming), `GET /v1/models`, `/echo` and `GET /bytes/<n>`; see the Python
/// file's docstring for the action keys. Control goes through the child's stdin/stdout (one line each
/// way), so no HTTP client is needed here. Each test should start its own instance: scripts are global
/// to the server. The server exits when this object is stopped or deinitialised, or when the test process
/// dies (stdin EOF).
public final class ScriptedUpstream: @unchecked Sendable {
    /// The TCP port the server listens on (127.0.0.1).
    public let port: Int
    /// `http://127.0.0.1:<port>`, without a trailing slash.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private let process: Process
    private let stdin: FileHandle
    private let stdout: FileHandle
    private let lock = NSLock()
    private var buffer = Data()   // guarded by `lock`
    private var stopped = false   // guarded by `lock`

    /// Errors of the launcher: the child could not start, or answered a command with something else.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private init(process: Process, stdin: FileHandle, stdout: FileHandle, port: Int, buffer: Data) {
        self.process = process
        self.stdin = stdin
        self.stdout = stdout
        self.port = port
        self.buffer = buffer
    }

    deinit { stop() }

    /// Starts `python3 scripted_upstream.py` (Python 3.11+, standard library only) and waits for its `PORT <n>` line.
    ///
    /// Blocks the calling thread for the interpreter's start (~50 ms; more when many tests start servers
    /// at once on 2 cores), which is acceptable in tests.
    /// - Parameter dimension: length of the default pseudo-embeddings (a request's `dimensions` wins).
    /// - Throws: `Failure` if python3 cannot be started or exits before announcing its port.
    public static func start(dimension: Int = 8) throws -> ScriptedUpstream {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("scripted_upstream.py").path
        let process = Process()
        // The system interpreter directly: a pyenv shim on PATH triples the start-up time (~50 → ~140 ms).
        // -I -S: no user site or .pth imports; the server needs the standard library only.
        let flags = ["-I", "-S", script, "--dimension", String(dimension)]
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = flags
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3"] + flags
        }
        let inPipe = Pipe(), outPipe = Pipe()
        process.standardInput = inPipe
        process.standardOutput = outPipe
        do { try process.run() } catch { throw Failure(description: "cannot start python3 \(script): \(error)") }
        let stdout = outPipe.fileHandleForReading
        var buffer = Data()
        let line: String
        do {
            line = try readLine(from: stdout, buffer: &buffer)
        } catch {
            kill(process.processIdentifier, SIGKILL)
            throw error
        }
        guard line.hasPrefix("PORT "), let port = Int(line.dropFirst(5)) else {
            kill(process.processIdentifier, SIGKILL)
            throw Failure(description: "scripted upstream said \(line.debugDescription) instead of PORT <n>")
        }
        return ScriptedUpstream(process: process, stdin: inPipe.fileHandleForWriting, stdout: stdout,
                                port: port, buffer: buffer)
    }

    /// Queues actions for requests to `path`, consumed one per request in order; once the queue is empty
    /// the default (successful) reply is back. Path `"*"` matches requests to paths without their own queue.
    ///
    /// Example: `[["status": 429, "headers": ["Retry-After": "1"]], ["delay": 3.0], ["die": true], ["ok": true]]`.
    /// Prefer `hold` + `release(path:)` over `delay` when a test must act while a request is in flight:
    /// parallel tests on 2 cores can stall a test task for seconds, so wall-clock races are flaky.
    /// - Throws: `Failure` if the actions are not JSON-serialisable or the server rejects them.
    public func script(path: String, actions: [[String: Any]]) throws {
        let data = try JSONSerialization.data(withJSONObject: ["path": path, "actions": actions])
        let reply = try command("SCRIPT " + String(decoding: data, as: UTF8.self))
        guard reply == "OK" else { throw Failure(description: "SCRIPT \(path) answered \(reply)") }
    }

    /// What the server has seen since start or the last `reset()`.
    /// - Throws: `Failure` if the server does not answer or answers something unparsable.
    public func stats() throws -> Stats {
        let reply = try command("STATS")
        guard reply.hasPrefix("STATS ") else { throw Failure(description: "STATS answered \(reply)") }
        do {
            return try JSONDecoder().decode(Stats.self, from: Data(reply.dropFirst(6).utf8))
        } catch {
            throw Failure(description: "STATS reply not understood: \(error)")
        }
    }

    /// Opens the gate for requests on `path` parked by a `["hold": seconds]` action (before replying) or a
    /// `["hold_stream": seconds]` action (after a stream's first chunk). The gate stays open, so a release
    /// sent early lets later held requests through at once, until a new hold is scripted for `path`.
    public func release(path: String) throws {
        let reply = try command("RELEASE " + path)
        guard reply == "OK" else { throw Failure(description: "RELEASE \(path) answered \(reply)") }
    }

    /// Clears queued scripts, counts and recorded requests.
    public func reset() throws {
        let reply = try command("RESET")
        guard reply == "OK" else { throw Failure(description: "RESET answered \(reply)") }
    }

    /// Kills the server (SIGKILL: `swift test` children have SIGTERM blocked). Idempotent.
    public func stop() {
        let alreadyStopped = lock.withLock { () -> Bool in
            defer { stopped = true }
            return stopped
        }
        guard !alreadyStopped else { return }
        try? stdin.close()
        let pid = process.processIdentifier
        if pid > 0 && process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
    }

    // MARK: - line protocol

    private func command(_ line: String) throws -> String {
        try lock.withLock {
            guard !stopped else { throw Failure(description: "scripted upstream already stopped") }
            do {
                try stdin.write(contentsOf: Data((line + "\n").utf8))
            } catch {
                throw Failure(description: "scripted upstream stdin closed: \(error)")
            }
            return try readLineLocked()
        }
    }

    private func readLineLocked() throws -> String {
        try Self.readLine(from: stdout, buffer: &buffer)
    }

    /// Reads one `\n`-terminated line, keeping what follows it in `buffer`.
    private static func readLine(from handle: FileHandle, buffer: inout Data) throws -> String {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                return line
            }
            let chunk = handle.availableData  // blocks until data or EOF
            if chunk.isEmpty { throw Failure(description: "scripted upstream exited (stdout EOF)") }
            buffer.append(chunk)
        }
    }
}

extension ScriptedUpstream {
    /// The server's counters. `connections` counts distinct TCP connections that carried a provider
    /// request (control traffic excluded), which is how tests prove keep-alive reuse.
    public struct Stats: Decodable, Sendable {
        /// Requests per path.
        public let counts: [String: Int]
        /// Distinct client connections that carried at least one non-control request.
        public let connections: Int
        /// Requests being served right now (including ones sleeping on `delay` or `hold`).
        public let inFlight: Int
        /// The most requests ever served at once.
        public let maxInFlight: Int
        /// Replies cut short because the client went away (seen when a write fails, e.g. mid-stream).
        public let disconnects: Int
        /// The last 200 requests, oldest first.
        public let requests: [Request]

        enum CodingKeys: String, CodingKey {
            case counts, connections, requests, disconnects
            case inFlight = "in_flight", maxInFlight = "max_in_flight"
        }

        /// Requests seen for `path` (0 if none).
        public func count(_ path: String) -> Int { counts[path] ?? 0 }
    }

    /// One recorded request.
    public struct Request: Decodable, Sendable {
        public let path: String
        public let method: String
        /// Header names as the client sent them.
        public let headers: [String: String]
        /// The body as UTF-8 text.
        public let body: String
        /// The client's source port: equal ports mean one reused connection.
        public let clientPort: Int

        enum CodingKeys: String, CodingKey {
            case path, method, headers, body, clientPort = "client_port"
        }

        /// Case-insensitive header lookup.
        public func header(_ name: String) -> String? {
            headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
        }

        /// The body parsed as JSON (`nil` if it is not JSON).
        public var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8)) }
    }
}
