extension QueryValidator {
    /// What to do with personal data in a query (`[validation] pii`).
    public enum PIIPolicy: String, Sendable, Codable, CaseIterable {
        /// Replace it with placeholders (`[EMAIL]`, …) before the query reaches logs, caches or the LLM.
        case redact
        /// Refuse the query with `QueryRejection.Code.pii`, naming the kinds found.
        case reject
        /// Pass the query unchanged (the counts are still reported).
        case off
    }

    /// What to do with a query the injection detector flags (`[validation] prompt_injection`).
    public enum InjectionPolicy: String, Sendable, Codable, CaseIterable {
        /// Refuse it with `QueryRejection.Code.promptInjection` and the detector's signals.
        case block
        /// Let it pass with `ValidatedQuery.flaggedAsInjection` set.
        case flag
        /// Do not run the detector.
        case off
    }

    /// The `[validation]` section of the configuration.
    public struct Configuration: Sendable, Equatable {
        /// Longest accepted query in characters (grapheme clusters), after trimming. Default 4000.
        public var maxQueryCharacters: Int = 4000
        /// Default `redact`.
        public var pii: PIIPolicy = .redact
        /// Default `block`.
        public var promptInjection: InjectionPolicy = .block
        /// Score at which the injection detector fires, 0...1. Default 0.5 (the detector's own default).
        public var injectionThreshold: Double = 0.5

        public init(maxQueryCharacters: Int = 4000, pii: PIIPolicy = .redact, promptInjection: InjectionPolicy = .block,
                    injectionThreshold: Double = 0.5) {
            self.maxQueryCharacters = maxQueryCharacters
            self.pii = pii
            self.promptInjection = promptInjection
            self.injectionThreshold = injectionThreshold
        }

        /// - Throws: `RetrievalError(.unsupported)` naming the key at fault.
        public func validate() throws {
            guard maxQueryCharacters > 0 else {
                throw RetrievalError(.unsupported, "validation.max_query_chars must be positive; got \(maxQueryCharacters)")
            }
            guard (0...1).contains(injectionThreshold) else {
                throw RetrievalError(.unsupported, "validation injection threshold must be in 0...1; got \(injectionThreshold)")
            }
        }
    }
}
