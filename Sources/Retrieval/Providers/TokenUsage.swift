/// Tokens consumed by one completion.
public struct TokenUsage: Sendable, Equatable, Codable {
    /// Tokens of the prompt (all input messages).
    public var prompt: Int
    /// Tokens generated.
    public var completion: Int
    /// `true` when the server reported no usage (or only part of it) and the numbers are estimates
    /// (≈ characters / 4, see `estimate(characters:)`).
    public var estimated: Bool

    public init(prompt: Int, completion: Int, estimated: Bool = false) {
        self.prompt = prompt
        self.completion = completion
        self.estimated = estimated
    }

    /// `prompt + completion`.
    public var total: Int { prompt + completion }

    /// The rough token count of `characters` characters of text: ⌈characters / 4⌉ (0 for none).
    public static func estimate(characters: Int) -> Int { characters <= 0 ? 0 : (characters + 3) / 4 }

    /// Combines what a server reported with estimates for the missing parts.
    /// - Parameters:
    ///   - prompt, completion: the server's counts, `nil` when absent.
    ///   - promptCharacters, completionCharacters: text lengths the estimates are made from.
    static func resolve(prompt: Int?, completion: Int?, promptCharacters: Int, completionCharacters: Int) -> TokenUsage {
        TokenUsage(prompt: prompt ?? estimate(characters: promptCharacters),
                   completion: completion ?? estimate(characters: completionCharacters),
                   estimated: prompt == nil || completion == nil)
    }
}
