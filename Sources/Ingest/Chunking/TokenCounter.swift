/// Counts tokens the way the embedder will, so chunks can be sized to its input limit.
///
/// The native embedder's WordPiece tokenizer is the real one: roughly words + punctuation + subword
/// pieces. Implementations must be cheap and deterministic; the chunker calls `countTokens` once per
/// sentence or line and once per chunk.
public protocol TokenCounter: Sendable {
    /// Tokens in `text`, not counting the special tokens (`[CLS]`, `[SEP]`) the model adds.
    func countTokens(_ text: String) -> Int
    /// The model's input limit in tokens, special tokens included.
    var maxTokens: Int { get }
}

/// A tokenizer-free approximation of WordPiece, for embedders whose tokenizer is not at hand (HTTP) and
/// for tests: whitespace splits words; every punctuation or symbol scalar and every CJK ideograph is a
/// token; a run of letters and digits is one token plus one per further 6 scalars (subword pieces).
public struct HeuristicTokenCounter: TokenCounter {
    public let maxTokens: Int

    public init(maxTokens: Int = 256) {
        self.maxTokens = maxTokens
    }

    public func countTokens(_ text: String) -> Int {
        var tokens = 0
        var run = 0
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                let byte = UInt8(value)
                if (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) {
                    run += 1
                    continue
                }
                if run > 0 { tokens += 1 + (run - 1) / 6; run = 0 }
                if byte > 0x20 && byte != 0x7F { tokens += 1 }
                continue
            }
            let properties = scalar.properties
            if properties.isWhitespace {
                if run > 0 { tokens += 1 + (run - 1) / 6; run = 0 }
            } else if properties.isIdeographic || !(properties.isAlphabetic || properties.numericType != nil) {
                if run > 0 { tokens += 1 + (run - 1) / 6; run = 0 }
                if !properties.isGraphemeExtend && !properties.isDefaultIgnorableCodePoint { tokens += 1 }
            } else {
                run += 1
            }
        }
        if run > 0 { tokens += 1 + (run - 1) / 6 }
        return tokens
    }
}
