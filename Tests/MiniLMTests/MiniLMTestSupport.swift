import Foundation
@testable import MiniLM

/// One line of `shared/fixtures/minilm_st_reference.jsonl`.
struct ReferenceCase: Sendable {
    let text: String
    let inputIDs: [Int32]
    let embedding: [Float]
}

enum MiniLMFixtures {
    /// `<repo>/../shared/fixtures`, found relative to this file (`<repo>/Tests/MiniLMTests/`).
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("shared/fixtures", isDirectory: true)

    /// The reference cases, in file order.
    static func referenceCases() throws -> [ReferenceCase] {
        let url = directory.appendingPathComponent("minilm_st_reference.jsonl")
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let text = object["text"] as? String,
                  let ids = object["input_ids"] as? [NSNumber],
                  let embedding = object["embedding"] as? [NSNumber] else {
                throw MiniLMError(.invalidHeader, "malformed fixture line", path: url.path)
            }
            return ReferenceCase(text: text, inputIDs: ids.map { $0.int32Value }, embedding: embedding.map { $0.floatValue })
        }
    }

    /// The model, located the way the application does; loaded once for all tests.
    static let model: Result<MiniLMModel, Error> = Result {
        try MiniLMModel(directory: MiniLMModel.locate(explicit: nil, environment: ProcessInfo.processInfo.environment))
    }
}

/// Cosine similarity of two equal-length vectors, accumulated in Double.
func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0, na = 0.0, nb = 0.0
    for i in a.indices {
        dot += Double(a[i]) * Double(b[i])
        na += Double(a[i]) * Double(a[i])
        nb += Double(b[i]) * Double(b[i])
    }
    return dot / max((na * nb).squareRoot(), 1e-30)
}
