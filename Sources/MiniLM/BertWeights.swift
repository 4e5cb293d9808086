/// Dimensions of all-MiniLM-L6-v2 (a 6-layer, 384-wide uncased BERT).
struct BertConfig: Sendable {
    var vocabularySize = 30522
    var hidden = 384
    var layers = 6
    var heads = 12
    var intermediate = 1536
    var maxPositions = 512
    var typeVocabularySize = 2
    var layerNormEpsilon: Float = 1e-12
    var headDimension: Int { hidden / heads }
}

/// Pointers to the parameters of one transformer layer. Weight matrices are `[out, in]`, row-major,
/// as PyTorch's `nn.Linear` stores them.
struct BertLayerWeights: @unchecked Sendable {
    /// Fused query/key/value projection, `[3 * hidden, hidden]` (rows: Q, then K, then V).
    let qkvWeight: UnsafePointer<Float>
    /// Fused query/key/value bias, `[3 * hidden]`.
    let qkvBias: UnsafePointer<Float>
    let attentionOutWeight: UnsafePointer<Float>   // [hidden, hidden]
    let attentionOutBias: UnsafePointer<Float>     // [hidden]
    let attentionNormGamma: UnsafePointer<Float>   // [hidden]
    let attentionNormBeta: UnsafePointer<Float>    // [hidden]
    let intermediateWeight: UnsafePointer<Float>   // [intermediate, hidden]
    let intermediateBias: UnsafePointer<Float>     // [intermediate]
    let outputWeight: UnsafePointer<Float>         // [hidden, intermediate]
    let outputBias: UnsafePointer<Float>           // [hidden]
    let outputNormGamma: UnsafePointer<Float>      // [hidden]
    let outputNormBeta: UnsafePointer<Float>       // [hidden]
}

/// The encoder's parameters: pointers into the memory-mapped safetensors file, plus the fused QKV
/// matrices this object allocates. Immutable after `init`, hence safe to share across threads.
final class BertWeights: @unchecked Sendable {
    let config: BertConfig
    let wordEmbeddings: UnsafePointer<Float>      // [vocab, hidden]
    let positionEmbeddings: UnsafePointer<Float>  // [maxPositions, hidden]
    let tokenTypeEmbeddings: UnsafePointer<Float> // [2, hidden]; only row 0 is used
    let embeddingNormGamma: UnsafePointer<Float>
    let embeddingNormBeta: UnsafePointer<Float>
    let layers: [BertLayerWeights]

    /// Keeps the mapping alive while the pointers above are in use.
    private let file: SafeTensorsFile
    private let fused: UnsafeMutablePointer<Float>

    /// Resolves every tensor all-MiniLM-L6-v2 needs and checks its shape.
    ///
    /// Accepts names with or without a `bert.` prefix (both layouts exist on the Hub).
    /// - Throws: `MiniLMError` `.missingTensor` / `.shapeMismatch` / `.invalidHeader` naming the file.
    init(file: SafeTensorsFile, config: BertConfig = BertConfig()) throws {
        self.file = file
        self.config = config
        let prefix = file.entries["embeddings.word_embeddings.weight"] == nil
            && file.entries["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
        func tensor(_ name: String, _ shape: [Int]) throws -> UnsafePointer<Float> {
            try file.floats(prefix + name, shape: shape)
        }
        let h = config.hidden, f = config.intermediate
        wordEmbeddings = try tensor("embeddings.word_embeddings.weight", [config.vocabularySize, h])
        positionEmbeddings = try tensor("embeddings.position_embeddings.weight", [config.maxPositions, h])
        tokenTypeEmbeddings = try tensor("embeddings.token_type_embeddings.weight", [config.typeVocabularySize, h])
        embeddingNormGamma = try tensor("embeddings.LayerNorm.weight", [h])
        embeddingNormBeta = try tensor("embeddings.LayerNorm.bias", [h])

        let qkvWeightCount = 3 * h * h, qkvBiasCount = 3 * h
        let perLayer = qkvWeightCount + qkvBiasCount
        let fused = UnsafeMutablePointer<Float>.allocate(capacity: perLayer * config.layers)
        var layers: [BertLayerWeights] = []
        do {
            for l in 0..<config.layers {
                let p = "encoder.layer.\(l)."
                let weight = fused + l * perLayer
                let bias = weight + qkvWeightCount
                for (i, part) in ["query", "key", "value"].enumerated() {
                    let w = try tensor(p + "attention.self.\(part).weight", [h, h])
                    let b = try tensor(p + "attention.self.\(part).bias", [h])
                    (weight + i * h * h).update(from: w, count: h * h)
                    (bias + i * h).update(from: b, count: h)
                }
                layers.append(BertLayerWeights(
                    qkvWeight: UnsafePointer(weight),
                    qkvBias: UnsafePointer(bias),
                    attentionOutWeight: try tensor(p + "attention.output.dense.weight", [h, h]),
                    attentionOutBias: try tensor(p + "attention.output.dense.bias", [h]),
                    attentionNormGamma: try tensor(p + "attention.output.LayerNorm.weight", [h]),
                    attentionNormBeta: try tensor(p + "attention.output.LayerNorm.bias", [h]),
                    intermediateWeight: try tensor(p + "intermediate.dense.weight", [f, h]),
                    intermediateBias: try tensor(p + "intermediate.dense.bias", [f]),
                    outputWeight: try tensor(p + "output.dense.weight", [h, f]),
                    outputBias: try tensor(p + "output.dense.bias", [h]),
                    outputNormGamma: try tensor(p + "output.LayerNorm.weight", [h]),
                    outputNormBeta: try tensor(p + "output.LayerNorm.bias", [h])))
            }
        } catch {
            fused.deallocate()
            throw error
        }
        self.fused = fused
        self.layers = layers
    }

    deinit { fused.deallocate() }
}
