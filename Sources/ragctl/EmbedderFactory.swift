import ArgumentParser
import Foundation
import Ingest

/// Chooses the embedder from flags and config: the native model by default, or an HTTP endpoint.
struct EmbedderOptions: ParsableArguments {
    @Option(name: .long, help: "Embedder: native (in-process all-MiniLM-L6-v2, the default) or http (config [embedder] base_url).")
    var embedder: String?

    func validate() throws {
        if let embedder, !["native", "http"].contains(embedder) {
            throw ValidationError("--embedder must be native or http, got \(embedder)")
        }
    }

    func make(_ config: AppConfig) async throws -> any Embedder {
        let environment = ProcessInfo.processInfo.environment
        switch embedder ?? config.embedder.kind {
        case "http":
            guard !config.embedder.baseURL.isEmpty else {
                throw CommandFailure(code: "config",
                    message: "the http embedder needs a base URL: set [embedder] base_url in the config or RAGCTL_EMBEDDER_BASE_URL")
            }
            guard !config.embedder.model.isEmpty else {
                throw CommandFailure(code: "config", message: "the http embedder needs a model: set [embedder] model in the config")
            }
            var configuration = HTTPEmbedder.Configuration(baseURL: config.embedder.baseURL, model: config.embedder.model,
                                                           apiKey: environment[config.embedder.apiKeyEnv])
            configuration.retry = RetryPolicy(maxAttempts: max(1, config.resilience.maxAttempts + 2),
                                              initialDelay: 0.5, maxDelay: config.resilience.backoffMax)
            return try await HTTPEmbedder.connect(configuration)
        default:
            let path = environment["RAGCTL_MODEL_PATH"].flatMap { $0.isEmpty ? nil : $0 }
                ?? (config.embedder.modelPath.isEmpty ? nil : config.embedder.modelPath)
            return try NativeEmbedder.load(path: path, environment: environment)
        }
    }
}
