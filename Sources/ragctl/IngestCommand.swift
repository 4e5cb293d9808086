import ArgumentParser
import Foundation
import Ingest
import VectorStore

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Ingest files and folders into a namespace: extract, chunk, embed, store.",
        discussion: """
            Re-running is cheap: unchanged files are skipped (zero embedding calls, zero writes), changed files \
            re-embed only the chunks whose text changed, and --prune removes documents whose files are gone. \
            Exit 0 when every file succeeded, 2 when some failed (the rest were ingested), 1 on a fatal error.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var embedderOptions: EmbedderOptions
    @Argument(help: "Files and folders to ingest.") var paths: [String]
    @Option(name: .long, help: "Namespace to ingest into (created for the embedder if missing).") var namespace: String
    @Option(name: .long, help: "Category metadata for every chunk.") var category: String?
    @Option(name: .long, help: "Access level: public, internal or restricted.") var accessLevel = "public"
    @Option(name: .long, help: ArgumentHelp("Extra metadata, repeatable: key=value (numbers and true/false are typed).", valueName: "k=v"))
    var metadata: [String] = []
    @Option(name: .long, help: ArgumentHelp("Only files matching this glob (repeatable).", valueName: "glob")) var include: [String] = []
    @Option(name: .long, help: ArgumentHelp("Skip files matching this glob (repeatable).", valueName: "glob")) var exclude: [String] = []
    @Flag(name: .long, help: "Remove documents whose files are gone (under the given paths).") var prune = false
    @Flag(name: .long, help: "Replace e-mails, SSNs, card numbers, phone numbers and IBANs with [EMAIL], [SSN], … first.") var redactPii = false
    @Flag(name: .long, help: "Include hidden files and folders.") var hidden = false
    @Option(name: .long, help: "Largest file to ingest, in bytes.") var maxFileBytes = 50 << 20
    @Option(name: .long, help: "Chunk size in embedder tokens.") var chunkSize = 200
    @Option(name: .long, help: "Chunk overlap in embedder tokens.") var chunkOverlap = 40
    @Flag(help: "Print the summary as JSON.") var json = false

    func validate() throws {
        guard AccessLevel(rawValue: accessLevel) != nil else {
            throw ValidationError("--access-level must be public, internal or restricted, got \(accessLevel)")
        }
        for item in metadata where !item.contains("=") || item.hasPrefix("=") {
            throw ValidationError("--metadata needs key=value, got \(item)")
        }
    }

    func run() async throws {
        CommandFailure.jsonOutput = json
        let config = try global.loadConfig()
        let store = try global.openStore()
        let embedder = try await embedderOptions.make(config)
        var options = IngestOptions(namespace: namespace, paths: paths)
        options.category = category
        options.accessLevel = AccessLevel(rawValue: accessLevel)!
        for item in metadata {
            let parts = item.split(separator: "=", maxSplits: 1)
            options.metadata[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        options.includes = include
        options.excludes = exclude
        options.prune = prune
        options.redactPII = redactPii
        options.includeHidden = hidden
        options.maxFileBytes = maxFileBytes
        options.chunker = ChunkerConfig(size: chunkSize, overlap: chunkOverlap)
        let bar = ProgressBar(enabled: isatty(STDERR_FILENO) == 1)
        let summary = try await Ingestor(store: store, embedder: embedder).ingest(options) { bar.update($0) }
        bar.finish()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            print("""
                \(namespace): \(summary.documentsAdded) added, \(summary.documentsUpdated) updated, \
                \(summary.documentsUnchanged) unchanged, \(summary.documentsRemoved) removed; \
                \(summary.chunksAdded) chunks added, \(summary.chunksRemoved) removed; \
                \(summary.chunksEmbedded) embedded in \(summary.embeddingCalls) call(s); \(summary.elapsedMs) ms (job \(summary.jobID ?? "-"))
                """)
            for failure in summary.failed {
                FileHandle.standardError.write(Data("failed: \(failure.path): \(failure.error)\n".utf8))
            }
        }
        if !summary.failed.isEmpty { throw ExitCode(2) }
    }
}

/// A one-line progress bar on stderr (only on a terminal): files, chunks, embeddings/s, ETA.
final class ProgressBar: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var lastDraw = Date.distantPast

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ p: IngestProgress) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        guard Date().timeIntervalSince(lastDraw) > 0.1 || p.filesDone == p.filesTotal else { return }
        lastDraw = Date()
        let width = 24
        let fraction = p.filesTotal == 0 ? 1 : Double(p.filesDone) / Double(p.filesTotal)
        let filled = Int(fraction * Double(width))
        let rate = p.elapsed > 0 ? Double(p.embedded) / p.elapsed : 0
        let eta = fraction > 0 && fraction < 1 ? p.elapsed * (1 - fraction) / fraction : 0
        let line = String(format: "\r[%@%@] %d/%d files  %d chunks  %.0f emb/s  ETA %d:%02d ",
                          String(repeating: "=", count: filled), String(repeating: " ", count: width - filled),
                          p.filesDone, p.filesTotal, p.chunks, rate, Int(eta) / 60, Int(eta) % 60)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
