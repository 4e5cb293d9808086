import CurlHTTP
import Foundation

/// An OpenAI-compatible embeddings endpoint, `POST {base}/v1/embeddings`, over libcurl.
///
/// Texts go out in batches (default 64) with several requests in flight (default 4) on reused
/// connections. 408, 429, 5xx, timeouts and connection failures are retried with backoff and jitter,
/// honouring `Retry-After`; other 4xx fail at once. Every error names the URL and, when there is one, the
/// status and the server's message.
public final class HTTPEmbedder: Embedder {
    public struct Configuration: Sendable {
        public var baseURL: String
        public var model: String
        /// The key itself (the caller reads it from the environment variable the config names).
        public var apiKey: String?
        public var batchSize = 64
        public var concurrency = 4
        public var connectTimeout = 10.0
        public var totalTimeout = 60.0
        public var retry = RetryPolicy()
        /// Token limit used by the chunker; counts are approximate for a remote tokenizer.
        public var maxTokens = 512

        public init(baseURL: String, model: String, apiKey: String? = nil) {
            self.baseURL = baseURL
            self.model = model
            self.apiKey = apiKey
        }

        /// `{base}/v1/embeddings`, accepting a base that already ends in /v1.
        var endpoint: String {
            var base = baseURL
            while base.hasSuffix("/") { base.removeLast() }
            if base.hasSuffix("/v1") { base.removeLast(3) }
            return base + "/v1/embeddings"
        }
    }

    public let configuration: Configuration
    public let dimension: Int
    public var modelID: String { "http:" + configuration.model }
    public var maxTokens: Int { configuration.maxTokens }
    private let client: CurlClient
    private let counter = HeuristicTokenCounter()

    /// Connects: one probe request learns (and checks) the dimension.
    /// - Parameter expectedDimension: when given, a different answer is an error.
    public static func connect(_ configuration: Configuration, expectedDimension: Int? = nil,
                               client: CurlClient = CurlClient(maxConnections: 8)) async throws -> HTTPEmbedder {
        let probe = try await Self.request(["dimension probe"], configuration: configuration, client: client)
        guard let first = probe.first, !first.isEmpty else {
            throw IngestError(.embedding, "\(configuration.endpoint) returned no embedding for a probe text", context: configuration.endpoint)
        }
        if let expectedDimension, expectedDimension != first.count {
            throw IngestError(.embedding, "\(configuration.endpoint) returns \(first.count)-dimensional vectors; expected \(expectedDimension)",
                              context: configuration.endpoint)
        }
        return HTTPEmbedder(configuration: configuration, dimension: first.count, client: client)
    }

    init(configuration: Configuration, dimension: Int, client: CurlClient) {
        self.configuration = configuration
        self.dimension = dimension
        self.client = client
    }

    public func countTokens(_ text: String) -> Int { counter.countTokens(text) }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        guard !texts.isEmpty else { return [] }
        let size = max(1, configuration.batchSize)
        let batches = stride(from: 0, to: texts.count, by: size).map { Array(texts[$0..<min(texts.count, $0 + size)]) }
        var results = [[[Float]]](repeating: [], count: batches.count)
        let width = max(1, configuration.concurrency)
        try await withThrowingTaskGroup(of: (Int, [[Float]]).self) { group in
            var next = 0
            func launch() {
                let index = next
                let batch = batches[index]
                next += 1
                group.addTask { [configuration, client] in (index, try await Self.request(batch, configuration: configuration, client: client)) }
            }
            while next < min(width, batches.count) { launch() }
            while let (index, vectors) = try await group.next() {
                results[index] = vectors
                if next < batches.count { launch() }
            }
        }
        let vectors = results.flatMap { $0 }
        for (index, vector) in vectors.enumerated() where vector.count != dimension {
            throw IngestError(.embedding, "\(configuration.endpoint) returned a \(vector.count)-dimensional vector for input \(index); expected \(dimension)",
                              context: configuration.endpoint)
        }
        return vectors
    }

    private struct Response: Decodable {
        struct Item: Decodable {
            let embedding: [Float]
            let index: Int?
        }
        let data: [Item]
    }

    /// One batch, with retries.
    static func request(_ texts: [String], configuration: Configuration, client: CurlClient) async throws -> [[Float]] {
        let url = configuration.endpoint
        let body = try JSONSerialization.data(withJSONObject: ["model": configuration.model, "input": texts])
        var headers = [("Content-Type", "application/json"), ("Accept", "application/json")]
        if let key = configuration.apiKey, !key.isEmpty { headers.append(("Authorization", "Bearer \(key)")) }
        var request = HTTPRequest(method: "POST", url: url, headers: headers, body: body)
        request.connectTimeout = configuration.connectTimeout
        request.totalTimeout = configuration.totalTimeout
        var attempt = 0
        while true {
            attempt += 1
            try Task.checkCancellation()
            let failure: String
            var retryAfter: Double?
            do {
                let response = try await client.send(request)
                if response.isSuccess {
                    do {
                        let decoded = try JSONDecoder().decode(Response.self, from: response.body)
                        let ordered = decoded.data.enumerated().sorted { ($0.element.index ?? $0.offset) < ($1.element.index ?? $1.offset) }
                        guard ordered.count == texts.count else {
                            throw IngestError(.embedding, "\(url) returned \(ordered.count) embeddings for \(texts.count) inputs", context: url)
                        }
                        return ordered.map(\.element.embedding)
                    } catch let error as IngestError {
                        throw error
                    } catch {
                        throw IngestError(.embedding, "\(url) returned a body that is not an OpenAI embeddings response: \(String(response.text.prefix(200)))", context: url)
                    }
                }
                let message = String(response.text.prefix(300))
                guard RetryPolicy.isRetryable(status: response.status) else {
                    throw IngestError(.embedding, "POST \(url) failed with HTTP \(response.status): \(message)", context: url)
                }
                failure = "HTTP \(response.status): \(message)"
                retryAfter = RetryPolicy.parseRetryAfter(response.header("retry-after"))
            } catch let error as CurlError {
                failure = error.message
            }
            guard attempt < configuration.retry.maxAttempts else {
                throw IngestError(.embedding, "POST \(url) failed after \(attempt) attempts; last error: \(failure)", context: url)
            }
            let delay = configuration.retry.delay(afterAttempt: attempt, retryAfter: retryAfter)
            try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
        }
    }
}
