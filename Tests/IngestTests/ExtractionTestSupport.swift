import Foundation
import Testing
@testable import Ingest

/// `Fixtures/ingest-cases/` of the package, found from this file's path.
let ingestFixtures = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/ingest-cases")

func ingestFixture(_ name: String) -> URL { ingestFixtures.appendingPathComponent(name) }

/// A fresh temporary directory, removed by `cleanup()`.
struct IngestTempDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    @discardableResult
    func write(_ relative: String, _ contents: String) throws -> URL {
        try write(relative, Data(contents.utf8))
    }

    @discardableResult
    func write(_ relative: String, _ data: Data) throws -> URL {
        let file = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file)
        return file
    }

    func cleanup() {
        // Restore permissions first so removal works for non-root runs too.
        if let items = FileManager.default.enumerator(atPath: url.path) {
            for case let item as String in items { chmod(url.appendingPathComponent(item).path, 0o755) }
        }
        try? FileManager.default.removeItem(at: url)
    }
}

/// The ``ExtractionError`` `body` throws, or nil when it succeeds (any other error is a test failure).
func extractionFailure(_ body: () throws -> ExtractedDocument, sourceLocation: SourceLocation = #_sourceLocation) -> ExtractionError? {
    do {
        _ = try body()
        return nil
    } catch let error as ExtractionError {
        return error
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
