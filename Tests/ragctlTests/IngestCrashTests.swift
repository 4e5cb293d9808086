import Foundation
import Testing
import TestSupport
import VectorStore
@testable import Ingest

/// `ragctl ingest` SIGKILLed midway leaves whole documents only (no duplicates, no orphans), and the next
/// run completes the folder.
@Suite struct IngestCrashTests {
    static func corpus(_ root: String, files: Int) throws {
        for i in 0..<files {
            let dir = "\(root)/part\(i / 50)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            var text = "# Note \(i)\n\n"
            for p in 0..<3 {
                text += "Paragraph \(p) of note \(i) explains how service \(i % 17) rotates keys, stores backups and reports metrics to the on-call team.\n\n"
            }
            try text.write(toFile: "\(dir)/note\(i).md", atomically: true, encoding: .utf8)
        }
    }

    /// Documents, chunks and vectors agree: every document has exactly its chunk_count chunks and vectors,
    /// and nothing belongs to a document that is not there.
    static func checkConsistent(_ store: VectorStore, namespace: String) throws -> Int {
        let documents = try store.query("SELECT id, chunk_count FROM documents WHERE namespace = ?", [.text(namespace)])
        var total = 0
        for row in documents {
            let id = row[0].string ?? ""
            let expected = row[1].int ?? -1
            #expect(try store.ids(ofDocument: id, in: namespace).count == expected, "document \(id)")
            #expect(try store.query("SELECT COUNT(*) FROM chunks WHERE namespace = ? AND document_id = ?", [.text(namespace), .text(id)])[0][0]
                    == .integer(Int64(expected)))
            total += expected
        }
        #expect(try store.namespace(namespace).count == total, "vectors without a document")
        #expect(try store.query("SELECT COUNT(*) FROM chunks WHERE namespace = ?", [.text(namespace)])[0][0] == .integer(Int64(total)))
        return documents.count
    }

    @Test func killedIngestLeavesWholeDocumentsAndTheNextRunCompletes() async throws {
        let dir = TemporaryDirectory("ingest-kill")
        let docs = dir.file("docs")
        let files = 320
        try Self.corpus(docs, files: files)
        let data = dir.file("data")
        let (survived, committed) = try await offPool { try Self.ingestAndKill(docs: docs, data: data) }
        let store = try openIngestStore(data)
        #expect(survived >= committed)
        let job = try #require(try JobStore(store: store).list().first)
        #expect(job.state == .failed || job.state == .succeeded)
        if survived < files { #expect(job.state == .failed && job.message?.contains("interrupted") == true) }

        let rerun = try await Ragctl.run(["ingest", docs, "--namespace", "notes", "--json", "--data-dir", data])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.json?["documents_added"] as? Int == files - survived)
        #expect(rerun.json?["documents_unchanged"] as? Int == survived)
        #expect(try Self.checkConsistent(openIngestStore(data), namespace: "notes") == files)
    }

    /// Starts an ingest, SIGKILLs it once a group is committed, returns (documents that survived, seen committed).
    static func ingestAndKill(docs: String, data: String) throws -> (Int, Int) {
        let process = Process()
        process.executableURL = Ragctl.executable
        process.arguments = ["ingest", docs, "--namespace", "notes", "--data-dir", data]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Kill once at least one group is committed (or after a bound), while later groups are in flight.
        let deadline = Date().addingTimeInterval(60)
        var committed = 0
        while Date() < deadline, process.isRunning {
            usleep(100_000)
            if let store = try? openIngestStore(data),
               let count = try? store.query("SELECT COUNT(*) FROM documents")[0][0].int {
                committed = count
                if count > 0 { break }
            }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return (try Self.checkConsistent(openIngestStore(data), namespace: "notes"), committed)
    }
}

func openIngestStore(_ path: String) throws -> VectorStore {
    var configuration = VectorStore.Configuration()
    configuration.migrations = IngestSchema.migrations
    return try VectorStore(directory: path, configuration: configuration)
}
