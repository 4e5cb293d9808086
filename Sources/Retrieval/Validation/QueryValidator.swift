import Foundation
import Ingest

/// The first step of the query path: rejects empty and over-long queries, applies the PII policy and the
/// prompt-injection policy, and returns the text every later stage must use.
///
/// Checks run in this order: empty → character limit → token limit → PII → injection. The injection
/// detector scores the redacted text, so its signals never depend on (or reveal) personal data.
public struct QueryValidator: Sendable {
    public let configuration: Configuration
    private let countTokens: @Sendable (String) -> Int
    private let redactor: PIIRedactor
    private let detector: InjectionDetector

    /// - Parameters:
    ///   - countTokens: counts tokens the way the model will (e.g. `embedder.countTokens`); defaults to
    ///     `HeuristicTokenCounter`.
    ///   - redactor: the PII kinds to look for (all by default).
    public init(configuration: Configuration = Configuration(),
                countTokens: (@Sendable (String) -> Int)? = nil,
                redactor: PIIRedactor = PIIRedactor()) {
        self.configuration = configuration
        let heuristic = HeuristicTokenCounter()
        self.countTokens = countTokens ?? { heuristic.countTokens($0) }
        self.redactor = redactor
        self.detector = InjectionDetector(threshold: configuration.injectionThreshold)
    }

    /// Counts tokens with `counter` (an `Embedder` is one).
    public init(configuration: Configuration = Configuration(), tokenCounter: any TokenCounter,
                redactor: PIIRedactor = PIIRedactor()) {
        self.init(configuration: configuration, countTokens: { tokenCounter.countTokens($0) }, redactor: redactor)
    }

    /// Validates `query` for a request whose context window is `contextWindow` tokens.
    ///
    /// - Parameter contextWindow: the request's token budget (seed default 4000); a query with more tokens than
    ///   this cannot fit beside any passage and is `too_long`. Nil skips the token check.
    /// - Returns: the query to use downstream (trimmed; redacted under `redact`).
    /// - Throws: `QueryRejection` with code `empty`, `too_long`, `pii` (policy `reject`; lists the kinds, never
    ///   the values) or `prompt_injection` (policy `block`; lists the signals).
    public func validate(_ query: String, contextWindow: Int? = nil) throws(QueryRejection) -> ValidatedQuery {
        let trimmed = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw QueryRejection(.empty, query.isEmpty ? "query is empty" : "query is only whitespace")
        }
        let characters = trimmed.count
        guard characters <= configuration.maxQueryCharacters else {
            throw QueryRejection(.tooLong,
                "query is \(characters) characters; the limit is \(configuration.maxQueryCharacters) (max_query_chars)")
        }
        var text = trimmed
        var counts: [PIIKind: Int] = [:]
        let tokens = countTokens(trimmed)
        if let window = contextWindow, tokens > window {
            throw QueryRejection(.tooLong, "query is \(tokens) tokens; the context window is \(window) tokens")
        }
        switch configuration.pii {
        case .off:
            counts = Self.counts(redactor.find(in: trimmed).map(\.kind))
        case .redact:
            let redacted = redactor.redact(trimmed)
            text = redacted.text
            counts = redacted.counts.filter { $0.value > 0 }
        case .reject:
            counts = Self.counts(redactor.find(in: trimmed).map(\.kind))
            if !counts.isEmpty {
                let kinds = counts.keys.sorted { $0.rawValue < $1.rawValue }
                throw QueryRejection(.pii,
                    "query contains personal data (\(kinds.map(\.rawValue).joined(separator: ", "))); remove it and try again",
                    piiKinds: kinds)
            }
        }
        var finding: InjectionFinding?
        var flagged = false
        if configuration.promptInjection != .off {
            let result = detector.score(text)
            finding = result
            if result.isInjection {
                if configuration.promptInjection == .block {
                    let signals = result.signals.isEmpty ? "unspecified" : result.signals.joined(separator: ", ")
                    throw QueryRejection(.promptInjection,
                        "query looks like a prompt injection (score \(String(format: "%.2f", result.score)); signals: \(signals))",
                        signals: result.signals)
                }
                flagged = true
            }
        }
        return ValidatedQuery(text: text, characterCount: characters,
                              tokenCount: text == trimmed ? tokens : countTokens(text),
                              piiCounts: counts, wasRedacted: configuration.pii == .redact && !counts.isEmpty,
                              injection: finding, flaggedAsInjection: flagged)
    }

    private static func counts(_ kinds: [PIIKind]) -> [PIIKind: Int] {
        kinds.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }
}
