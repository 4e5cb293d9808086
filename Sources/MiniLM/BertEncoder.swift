import BLAS
import CBLAS
import Dispatch
import Synchronization

/// The BERT forward pass plus mean pooling and L2 normalisation, on OpenBLAS.
///
/// Sequences of a sub-batch are packed back to back (a ragged `[tokens, hidden]` matrix, no padding),
/// so every dense layer is one `sgemm` over all tokens of the sub-batch, and attention is computed per
/// (sequence, head) with two `sgemm`s over exactly that sequence's tokens. This is equivalent to BERT
/// with an attention mask over a padded batch (masked keys get weight exactly 0 there), without the
/// work on padding.
struct BertEncoder: Sendable {
    let weights: BertWeights

    /// Embeds `sequences` (token ids including `[CLS]`/`[SEP]`, each 1...maxPositions long).
    ///
    /// - Parameters:
    ///   - batches: sub-batches of indices into `sequences`; each is one packed forward pass.
    ///   - threads: worker threads; sub-batches are handed out dynamically, in order.
    /// - Returns: `sequences.count × hidden` floats, row `i` the unit-length embedding of sequence `i`.
    func embed(_ sequences: [[Int32]], batches: [[Int]], threads: Int) -> [Float] {
        let h = weights.config.hidden
        let total = sequences.count * h
        return [Float](unsafeUninitializedCapacity: total) { buffer, initialized in
            let output = buffer.baseAddress!
            output.initialize(repeating: 0, count: total)
            let workers = max(1, min(threads, batches.count))
            if workers == 1 {
                for batch in batches { encode(batch.map { sequences[$0] }, rows: batch, into: output) }
            } else {
                // Workers write disjoint rows of `output`; concurrentPerform returns after all finish.
                let shared = SharedOutput(pointer: output)
                let next = Atomic<Int>(0)
                DispatchQueue.concurrentPerform(iterations: workers) { _ in
                    while true {
                        let b = next.wrappingAdd(1, ordering: .relaxed).oldValue
                        guard b < batches.count else { break }
                        encode(batches[b].map { sequences[$0] }, rows: batches[b], into: shared.pointer)
                    }
                }
            }
            initialized = total
        }
    }

    /// One packed forward pass; writes sequence `k`'s embedding to row `rows[k]` of `output`.
    private func encode(_ sequences: [[Int32]], rows: [Int], into output: UnsafeMutablePointer<Float>) {
        let c = weights.config
        let h = c.hidden, f = c.intermediate, dh = c.headDimension
        let lengths = sequences.map(\.count)
        let tokens = lengths.reduce(0, +)
        let longest = lengths.max() ?? 0
        guard tokens > 0 else { return }

        let hidden = UnsafeMutablePointer<Float>.allocate(capacity: tokens * h)
        let qkv = UnsafeMutablePointer<Float>.allocate(capacity: tokens * 3 * h)
        let context = UnsafeMutablePointer<Float>.allocate(capacity: tokens * h)
        let projected = UnsafeMutablePointer<Float>.allocate(capacity: tokens * h)
        let intermediate = UnsafeMutablePointer<Float>.allocate(capacity: tokens * f)
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: max(1, longest * longest))
        let ones = UnsafeMutablePointer<Float>.allocate(capacity: max(f, longest, h))
        ones.initialize(repeating: 1, count: max(f, longest, h))
        defer {
            hidden.deallocate(); qkv.deallocate(); context.deallocate(); projected.deallocate()
            intermediate.deallocate(); scores.deallocate(); ones.deallocate()
        }

        // Embeddings: word + position + token type 0, then LayerNorm.
        var row = 0
        for ids in sequences {
            for (position, id) in ids.enumerated() {
                let dst = hidden + row * h
                let word = weights.wordEmbeddings + Int(id) * h
                let pos = weights.positionEmbeddings + position * h
                let type = weights.tokenTypeEmbeddings
                for j in 0..<h { dst[j] = word[j] + pos[j] + type[j] }
                row += 1
            }
        }
        Kernels.layerNorm(hidden, gamma: weights.embeddingNormGamma, beta: weights.embeddingNormBeta,
                          rows: tokens, width: h, epsilon: c.layerNormEpsilon, ones: ones)

        let T = Int32(tokens), H = Int32(h), H3 = Int32(3 * h), F = Int32(f), DH = Int32(dh)
        let scale = 1 / Float(dh).squareRoot()
        for layer in weights.layers {
            // Fused Q/K/V projection: qkv = bias + hidden · Wqkvᵀ.
            for t in 0..<tokens { (qkv + t * 3 * h).update(from: layer.qkvBias, count: 3 * h) }
            BLAS.sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, H3, H, 1, hidden, H, layer.qkvWeight, H, 1, qkv, H3)

            // Attention per (sequence, head) over that sequence's own tokens.
            var offset = 0
            for n in lengths {
                let N = Int32(n)
                let base = qkv + offset * 3 * h
                for head in 0..<c.heads {
                    let q = base + head * dh, k = base + h + head * dh, v = base + 2 * h + head * dh
                    BLAS.sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, N, DH, scale, q, H3, k, H3, 0, scores, N)
                    Kernels.softmaxRows(scores, rows: n, width: n, ones: ones)
                    BLAS.sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, DH, N, 1, scores, N, v, H3, 0,
                                context + offset * h + head * dh, H)
                }
                offset += n
            }

            // Attention output projection, residual, LayerNorm.
            BLAS.sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, H, H, 1, context, H, layer.attentionOutWeight, H, 0, projected, H)
            Kernels.residualLayerNorm(projected, bias: layer.attentionOutBias, residual: hidden,
                                      gamma: layer.attentionNormGamma, beta: layer.attentionNormBeta,
                                      rows: tokens, width: h, epsilon: c.layerNormEpsilon, ones: ones)

            // Feed-forward: GELU(hidden · W1ᵀ + b1) · W2ᵀ + b2, residual, LayerNorm.
            BLAS.sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, F, H, 1, hidden, H, layer.intermediateWeight, H, 0, intermediate, F)
            Kernels.biasGELU(intermediate, bias: layer.intermediateBias, rows: tokens, width: f)
            BLAS.sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, H, F, 1, intermediate, F, layer.outputWeight, F, 0, projected, H)
            Kernels.residualLayerNorm(projected, bias: layer.outputBias, residual: hidden,
                                      gamma: layer.outputNormGamma, beta: layer.outputNormBeta,
                                      rows: tokens, width: h, epsilon: c.layerNormEpsilon, ones: ones)
        }

        // Mean pooling over each sequence's tokens, then L2 normalisation.
        var offset = 0
        for (k, n) in lengths.enumerated() {
            let dst = output + rows[k] * h
            BLAS.sgemv(CblasRowMajor, CblasTrans, Int32(n), H, 1 / Float(n), hidden + offset * h, H, ones, 1, 0, dst, 1)
            let norm = BLAS.snrm2(H, dst, 1)
            BLAS.sscal(H, 1 / max(norm, 1e-12), dst, 1)
            offset += n
        }
    }
}

/// The output matrix shared by the worker threads of one `embed` call; each writes only its own rows.
private struct SharedOutput: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
}
