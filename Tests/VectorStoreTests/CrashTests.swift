import Foundation
import Testing
import TestSupport
@testable import VectorStore

/// A child process upserts batches in a loop and is SIGKILLed mid-stream: after reopening, every batch it
/// acknowledged is present, and no batch is partially present.
@Suite struct CrashTests {
    @Test(arguments: [0, 1, 2])
    func sigkillLosesNoAcknowledgedBatch(round: Int) async throws {
        let dir = TemporaryDirectory("crash")
        let acked = try await offPool { try Self.writeAndKill(dir: dir.path, round: round) }
        let wanted = 5 + round * 7
        #expect(acked >= wanted)

        let store = try VectorStore(directory: dir.path)
        let info = try store.namespace("crash")
        #expect(info.count % 50 == 0, "a partial batch survived: \(info.count) rows")
        #expect(info.count >= (acked + 1) * 50, "acknowledged \(acked + 1) batches, found \(info.count / 50)")
        #expect(info.count <= (acked + 2) * 50)
        for b in 0...acked {
            let ids = try store.ids(ofDocument: "batch\(b)", in: "crash")
            #expect(ids.count == 50, "batch \(b) has \(ids.count) rows")
        }
    }

    /// Runs the writer, kills it after enough acknowledgements, returns the last acknowledged batch.
    static func writeAndKill(dir: String, round: Int) throws -> Int {
        let process = Process()
        process.executableURL = Ragctl.executable
        process.arguments = ["vectors", "stress-write", "crash", "--dim", "8", "--batch", "50", "--data-dir", dir]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Read acknowledgements until enough batches are durable, then kill at a varying point.
        let wanted = 5 + round * 7
        var acked = -1
        var pending = ""
        let reader = pipe.fileHandleForReading
        while acked < wanted {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            pending += String(decoding: chunk, as: UTF8.self)
            while let newline = pending.firstIndex(of: "\n") {
                let line = pending[..<newline]
                if line.hasPrefix("ACK "), let n = Int(line.dropFirst(4)) { acked = n }
                pending = String(pending[pending.index(after: newline)...])
            }
        }
        if round > 0 { usleep(UInt32(round * 3_000)) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        // Acknowledgements printed before the kill but not yet read still count.
        let rest = String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
        for line in (pending + rest).split(separator: "\n") where line.hasPrefix("ACK ") {
            if let n = Int(line.dropFirst(4)) { acked = max(acked, n) }
        }
        return acked
    }
}
