/// An answer from a `ProviderChain`, with how it was obtained.
public struct ChainResult: Sendable {
    /// The answer.
    public var response: ChatResponse
    /// The name of the provider that answered.
    public var provider: String
    /// Its position in the chain (0 = primary).
    public var providerIndex: Int
    /// HTTP attempts made over all providers, the successful one included.
    public var attempts: Int
    /// Attempts that repeated an earlier one on the same provider (`attempts` minus providers called).
    public var retries: Int
    /// The last error of each provider that failed or was skipped before the one that answered.
    public var failures: [ProviderError]

    public init(response: ChatResponse, provider: String, providerIndex: Int, attempts: Int, retries: Int,
                failures: [ProviderError] = []) {
        self.response = response
        self.provider = provider
        self.providerIndex = providerIndex
        self.attempts = attempts
        self.retries = retries
        self.failures = failures
    }

    /// `true` when a backup answered (the primary failed or was skipped).
    public var usedFallback: Bool { providerIndex > 0 }
}
