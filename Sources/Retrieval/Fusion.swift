/// A ranked list entry: an id and its score in that list's own scale, best first.
public struct RankedID: Sendable, Equatable {
    public var id: String
    public var score: Double

    public init(id: String, score: Double) {
        self.id = id
        self.score = score
    }
}

/// Combining a dense and a lexical ranking into one, as pure functions of the two lists.
public enum Fusion {
    /// Reciprocal rank fusion: each id scores Σ 1 / (k + rank) over the lists holding it (ranks from 1).
    /// Ties go to the id with the better single rank, then to the dense list, then by id.
    public static func reciprocalRank(dense: [RankedID], lexical: [RankedID], k: Double) -> [RankedID] {
        var fused: [String: Entry] = [:]
        for (list, side) in [(dense, 0), (lexical, 1)] {
            for (offset, item) in list.enumerated() {
                fused[item.id, default: Entry()].add(1 / (k + Double(offset + 1)), rank: offset, side: side)
            }
        }
        return sorted(fused)
    }

    /// `weight · dense' + (1 − weight) · lexical'`, where each list's scores are min–max normalised to 0...1 over
    /// the list (all 1 when they are equal); an id missing from a list gets 0 from it.
    public static func weighted(dense: [RankedID], lexical: [RankedID], denseWeight: Double) -> [RankedID] {
        var fused: [String: Entry] = [:]
        for (list, side, weight) in [(dense, 0, denseWeight), (lexical, 1, 1 - denseWeight)] {
            let normalised = minMax(list.map(\.score))
            for (offset, item) in list.enumerated() {
                fused[item.id, default: Entry()].add(weight * normalised[offset], rank: offset, side: side)
            }
        }
        return sorted(fused)
    }

    /// Scores scaled to 0...1 by the list's minimum and maximum; all 1 when they are equal.
    public static func minMax(_ scores: [Double]) -> [Double] {
        guard let low = scores.min(), let high = scores.max() else { return [] }
        guard high > low else { return scores.map { _ in 1 } }
        return scores.map { ($0 - low) / (high - low) }
    }

    private struct Entry {
        var score = 0.0
        var bestRank = Int.max
        var bestSide = 2

        mutating func add(_ value: Double, rank: Int, side: Int) {
            score += value
            if rank < bestRank || (rank == bestRank && side < bestSide) {
                bestRank = rank
                bestSide = side
            }
        }
    }

    private static func sorted(_ fused: [String: Entry]) -> [RankedID] {
        fused.sorted { a, b in
            if a.value.score != b.value.score { return a.value.score > b.value.score }
            if a.value.bestRank != b.value.bestRank { return a.value.bestRank < b.value.bestRank }
            if a.value.bestSide != b.value.bestSide { return a.value.bestSide < b.value.bestSide }
            return a.key < b.key
        }.map { RankedID(id: $0.key, score: $0.value.score) }
    }
}
