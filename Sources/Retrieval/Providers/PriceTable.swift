/// What models cost, in US dollars per million tokens, for the cost metrics of answered queries.
///
/// Configurable (nothing is built in: list prices change); a model that is not in the table costs 0.
/// Lookup is by exact model name, else by the longest listed name that the model starts with followed by
/// `-`, `:` or `@` (so `"gpt-4o-mini"` also prices `"gpt-4o-mini-2024-07-18"` and `"llama3"` prices `"llama3:8b"`).
public struct PriceTable: Sendable, Equatable {
    /// USD per 1,000,000 tokens.
    public struct Price: Sendable, Equatable {
        public var prompt: Double
        public var completion: Double
        public init(prompt: Double, completion: Double) {
            self.prompt = prompt
            self.completion = completion
        }
    }

    /// Prices by model name.
    public var prices: [String: Price]

    public init(_ prices: [String: Price] = [:]) { self.prices = prices }

    /// The price of `model` (see the lookup rule above), or `nil`.
    public func price(for model: String) -> Price? {
        if let exact = prices[model] { return exact }
        let separators: Set<Character> = ["-", ":", "@"]
        return prices.filter { key, _ in
            model.count > key.count && model.hasPrefix(key) && separators.contains(model[model.index(model.startIndex, offsetBy: key.count)])
        }.max { $0.key.count < $1.key.count }?.value
    }

    /// USD for `usage` on `model`: prompt · prompt price / 10⁶ + completion · completion price / 10⁶; 0 for an
    /// unknown model.
    public func cost(usage: TokenUsage, model: String) -> Double {
        guard let price = price(for: model) else { return 0 }
        return (Double(usage.prompt) * price.prompt + Double(usage.completion) * price.completion) / 1_000_000
    }
}
