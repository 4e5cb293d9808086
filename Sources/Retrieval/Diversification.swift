/// Re-ordering a ranked list for variety.
public enum Diversification {
    /// Maximal marginal relevance (Carbonell & Goldstein, 1998): picks `k` entries of `pool` one at a time, each
    /// maximising `λ · relevance − (1 − λ) · max similarity to the entries already picked`.
    ///
    /// Relevance is the pool's scores min–max normalised to 0...1 (so any score scale works); similarity is the
    /// dot product of the entries' unit vectors (cosine), counted from 0 (a negative cosine is no reward). An
    /// entry without a vector counts as similar to nothing. Ties go to the better-ranked entry. The picked
    /// entries keep their original scores.
    /// - Complexity: O(k · pool · dimension).
    public static func maximalMarginalRelevance(_ pool: [RankedID], vectors: [String: [Float]], k: Int,
                                                lambda: Double) -> [RankedID] {
        let relevance = Fusion.minMax(pool.map(\.score))
        var maxSimilarity = [Double](repeating: -.infinity, count: pool.count)
        var taken = [Bool](repeating: false, count: pool.count)
        var picked: [RankedID] = []
        picked.reserveCapacity(min(k, pool.count))
        while picked.count < min(k, pool.count) {
            var best = -1
            var bestValue = -Double.infinity
            for i in pool.indices where !taken[i] {
                let penalty = picked.isEmpty ? 0 : max(0, maxSimilarity[i])
                let value = lambda * relevance[i] - (1 - lambda) * penalty
                if value > bestValue {
                    bestValue = value
                    best = i
                }
            }
            taken[best] = true
            picked.append(pool[best])
            guard let chosen = vectors[pool[best].id] else { continue }
            for i in pool.indices where !taken[i] {
                guard let vector = vectors[pool[i].id], vector.count == chosen.count else { continue }
                var dot: Float = 0
                for d in vector.indices { dot += vector[d] * chosen[d] }
                maxSimilarity[i] = max(maxSimilarity[i], Double(dot))
            }
        }
        return picked
    }
}
