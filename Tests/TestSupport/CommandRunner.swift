import Foundation

/// Runs the built `ragctl` binary as a child process, as a user would.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    /// stdout parsed as one JSON object.
    public var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any]
    }
}

public enum Ragctl {
    public static var executable: URL {
        RepositoryPaths.productsDirectory().appendingPathComponent("ragctl")
    }

    /// Runs `ragctl arguments…` to completion on a Dispatch thread, so that waiting for the child does not
    /// hold one of the (two) cooperative threads every Swift Testing test shares.
    public static func run(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) async throws -> CommandResult {
        try await offPool { try runBlocking(arguments, environment: environment, stdin: stdin) }
    }

    /// Runs `ragctl arguments…` to completion. stdout and stderr go to files so large outputs cannot block.
    public static func runBlocking(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws -> CommandResult {
        try Subprocess.runBlocking(executable, arguments, environment: environment, stdin: stdin)
    }
}

/// Any program run to completion as a child process (openssl in the TLS tests). For programs that exit by
/// themselves: the test process's children start with SIGTERM blocked, so `terminate()` would not stop them.
public enum Subprocess {
    /// Runs `executable arguments…` to completion; stdout and stderr go to files so large outputs cannot block.
    /// Call it through `offPool` from async tests.
    public static func runBlocking(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                                   stdin: String? = nil) throws -> CommandResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ragctl-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let outURL = dir.appendingPathComponent("out"), errURL = dir.appendingPathComponent("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        if let stdin {
            let inURL = dir.appendingPathComponent("in")
            try Data(stdin.utf8).write(to: inURL)
            process.standardInput = try FileHandle(forReadingFrom: inURL)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus,
                             stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                             stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }
}

/// Runs blocking test work (child processes, sleeps, polling) on a Dispatch thread instead of the
/// cooperative pool, which on 2 cores has 2 threads shared by every concurrently running test.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}
