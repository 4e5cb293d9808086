import Foundation

/// Ranking metrics as BEIR reports them (pytrec_eval's definitions), as pure functions of one query's ranking
/// and its relevance judgements.
///
/// - `ranking`: retrieved ids, best first. A repeated id counts only at its first position.
/// - `grades`: the query's qrels, id → graded relevance. A grade of 0 or less is "judged not relevant": it adds
///   no gain and does not count as relevant for recall or MRR.
///
/// A query with no relevant document scores 0 on every metric (trec_eval's convention), so it lowers the mean
/// rather than being dropped.
public enum EvaluationMetrics {
    /// nDCG@k with graded gains: DCG = Σ_{i<k} grade(rankingᵢ) / log2(i + 2), divided by the DCG of the ideal
    /// ranking (the judged grades sorted descending, first k).
    public static func ndcgAt(k: Int, ranking: [String], grades: [String: Int]) -> Double {
        guard k > 0 else { return 0 }
        let ideal = grades.values.filter { $0 > 0 }.sorted(by: >).prefix(k)
        var idcg = 0.0
        for (index, grade) in ideal.enumerated() { idcg += Double(grade) / log2(Double(index + 2)) }
        guard idcg > 0 else { return 0 }
        var dcg = 0.0
        for (index, id) in unique(ranking, limit: k).enumerated() {
            if let grade = grades[id], grade > 0 { dcg += Double(grade) / log2(Double(index + 2)) }
        }
        return dcg / idcg
    }

    /// Recall@k: the share of the relevant documents (grade > 0) found in the first k results.
    public static func recallAt(k: Int, ranking: [String], grades: [String: Int]) -> Double {
        let relevant = grades.values.filter { $0 > 0 }.count
        guard k > 0, relevant > 0 else { return 0 }
        let found = unique(ranking, limit: k).filter { (grades[$0] ?? 0) > 0 }.count
        return Double(found) / Double(relevant)
    }

    /// MRR@k: 1 / rank of the first relevant result within the first k, or 0 when none is there.
    public static func mrrAt(k: Int, ranking: [String], grades: [String: Int]) -> Double {
        guard k > 0 else { return 0 }
        for (index, id) in unique(ranking, limit: k).enumerated() where (grades[id] ?? 0) > 0 {
            return 1 / Double(index + 1)
        }
        return 0
    }

    /// The nearest-rank percentile (p in 0...1) of `values`: the smallest value with at least p of them at or
    /// below it. 0 for no values.
    public static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }

    /// The arithmetic mean; 0 for no values.
    public static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }

    /// The first `limit` distinct ids of `ranking`, in order.
    static func unique(_ ranking: [String], limit: Int) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for id in ranking where result.count < limit {
            if seen.insert(id).inserted { result.append(id) }
        }
        return result
    }
}
