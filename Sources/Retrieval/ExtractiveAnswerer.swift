import Foundation
import Ingest

/// The answer when no LLM is configured (or every provider failed): the passages' own sentences most
/// similar to the question, each cited as [n], so `ragctl query` works offline. Marked `degraded`.
public struct ExtractiveAnswerer: Sendable {
    public let embedder: any Embedder
    /// Sentences in the answer.
    public var maxSentences = 3
    /// Sentences scored, taken in order from the best passages.
    public var maxCandidates = 48

    public init(embedder: any Embedder) { self.embedder = embedder }

    /// - Parameter passages: retrieved chunks, best first; citation n is `passages[n - 1]`.
    public func answer(question: String, passages: [SearchHit]) async throws -> String {
        var candidates: [(sentence: String, passage: Int, position: Int)] = []
        for (index, passage) in passages.enumerated() {
            for (position, sentence) in Self.sentences(passage.text).enumerated() where candidates.count < maxCandidates {
                candidates.append((sentence, index, position))
            }
        }
        guard !candidates.isEmpty else { return "No indexed passage answers this question." }
        let vectors = try await embedder.embed([question] + candidates.map(\.sentence))
        let query = vectors[0]
        let scored = zip(candidates, vectors.dropFirst()).map { candidate, vector in
            // Similarity, nudged toward better-ranked passages.
            (candidate, zip(query, vector).reduce(Float(0)) { $0 + $1.0 * $1.1 } - 0.02 * Float(candidate.passage))
        }
        var chosen: [(sentence: String, passage: Int, position: Int)] = []
        var seen = Set<String>()
        for (candidate, _) in scored.sorted(by: { $0.1 > $1.1 }) where chosen.count < maxSentences {
            let key = candidate.sentence.lowercased()
            guard seen.insert(key).inserted else { continue }
            chosen.append(candidate)
        }
        // Read in document order: by passage rank, then position within the passage.
        chosen.sort { ($0.passage, $0.position) < ($1.passage, $1.position) }
        return chosen.map { "\($0.sentence) [\($0.passage + 1)]" }.joined(separator: " ")
    }

    /// Splits passage text into sentences, dropping Markdown heading markers and fragments of 3 words or fewer.
    static func sentences(_ text: String) -> [String] {
        var result: [String] = []
        // Paragraphs are separated by blank lines; hard-wrapped lines inside one are joined.
        for paragraph in text.components(separatedBy: "\n\n") {
            var lines: [String] = []
            for line in paragraph.split(whereSeparator: \.isNewline) {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix("#") { continue }  // a Markdown heading, not a sentence
                lines.append(trimmed)
            }
            let characters = Array(lines.joined(separator: " "))
            var current = ""
            for (i, character) in characters.enumerated() {
                current.append(character)
                let endsSentence = ".!?".contains(character)
                    && (i + 1 == characters.count || characters[i + 1] == " ")
                    && !(character == "." && Self.isAbbreviation(current))
                if endsSentence {
                    result.append(current.trimmingCharacters(in: .whitespaces))
                    current = ""
                }
            }
            let rest = current.trimmingCharacters(in: .whitespaces)
            if !rest.isEmpty { result.append(rest) }
        }
        return result.filter { $0.split(separator: " ").count > 3 }
    }

    private static func isAbbreviation(_ text: String) -> Bool {
        let last = text.split(separator: " ").last.map(String.init)?.lowercased() ?? ""
        return ["e.g.", "i.e.", "etc.", "vs.", "dr.", "mr.", "mrs.", "no.", "fig."].contains(last)
    }
}
