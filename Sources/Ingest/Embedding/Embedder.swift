/// Turns texts into vectors. Implementations: the native in-process MiniLM model (the default) and an
/// OpenAI-compatible HTTP endpoint. The chunker counts its limits in the embedder's own tokens.
public protocol Embedder: TokenCounter {
    /// Identifies the model; every vector records it, and a namespace never mixes models.
    var modelID: String { get }
    /// Length of every vector `embed` returns.
    var dimension: Int { get }
    /// Embeds `texts` in order, one vector each. Implementations batch and parallelise internally.
    /// - Throws: `IngestError` (`.embedding`) naming the endpoint or model and what failed.
    func embed(_ texts: [String]) async throws -> [[Float]]
}
