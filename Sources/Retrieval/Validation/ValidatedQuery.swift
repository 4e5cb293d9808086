import Ingest

/// A query that passed `QueryValidator`: `text` is what every later stage (logs, caches, retrieval, the LLM)
/// must use — trimmed and, under the `redact` PII policy, with personal data replaced by placeholders.
public struct ValidatedQuery: Sendable, Equatable {
    /// The query to use downstream (trimmed; redacted when the policy is `redact`).
    public var text: String
    /// Characters (grapheme clusters) in the trimmed original query.
    public var characterCount: Int
    /// Tokens in `text` by the validator's token counter.
    public var tokenCount: Int
    /// PII found per kind (redacted under `redact`; reported only under `off`). Empty when none.
    public var piiCounts: [PIIKind: Int]
    /// The injection detector's verdict, or nil when the policy is `off`.
    public var injection: InjectionFinding?
    /// True when the detector fired and the policy is `flag`: the query passes, callers may log or tighten.
    public var flaggedAsInjection: Bool

    /// True when PII was replaced in `text` (policy `redact`).
    public var wasRedacted: Bool

    public init(text: String, characterCount: Int, tokenCount: Int, piiCounts: [PIIKind: Int] = [:],
                wasRedacted: Bool = false, injection: InjectionFinding? = nil, flaggedAsInjection: Bool = false) {
        self.wasRedacted = wasRedacted
        self.text = text
        self.characterCount = characterCount
        self.tokenCount = tokenCount
        self.piiCounts = piiCounts
        self.injection = injection
        self.flaggedAsInjection = flaggedAsInjection
    }
}
