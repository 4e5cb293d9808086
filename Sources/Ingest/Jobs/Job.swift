import Foundation

/// A persisted unit of background work (an ingest). States: queued → running → succeeded | failed | cancelled.
public struct Job: Sendable, Codable, Equatable {
    public enum State: String, Sendable, Codable, CaseIterable {
        case queued, running, succeeded, failed, cancelled

        public var isFinished: Bool { self == .succeeded || self == .failed || self == .cancelled }
    }

    public var id: String
    public var kind: String
    public var namespace: String
    public var state: State
    public var createdAt: Double
    public var startedAt: Double?
    public var finishedAt: Double?
    /// Counts so far (files seen, documents added/updated/unchanged/removed, chunks, embeddings).
    public var progress: [String: Int]
    /// Per-file errors: path and reason.
    public var errors: [FileFailure]
    public var message: String?
    /// The request that started it (paths and options), as JSON text.
    public var request: String

    enum CodingKeys: String, CodingKey {
        case id, kind, namespace, state, progress, errors, message, request
        case createdAt = "created_at", startedAt = "started_at", finishedAt = "finished_at"
    }
}

/// A file that could not be ingested, and why.
public struct FileFailure: Sendable, Codable, Equatable {
    public var path: String
    public var error: String

    public init(path: String, error: String) {
        self.path = path
        self.error = error
    }
}
