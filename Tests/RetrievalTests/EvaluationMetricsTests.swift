import Foundation
import Testing
@testable import Retrieval

/// The metric functions against values computed by hand.
@Suite struct EvaluationMetricsTests {
    func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool { abs(a - b) <= tolerance }

    @Test func ndcgWithGradedRelevance() {
        // DCG = 1/log2(2) + 0 + 3/log2(4) + 2/log2(5); IDCG = 3/log2(2) + 2/log2(3) + 1/log2(4).
        let grades = ["a": 3, "b": 2, "c": 1]
        let dcg = 1.0 + 3.0 / 2.0 + 2.0 / log2(5.0)
        let idcg = 3.0 + 2.0 / log2(3.0) + 0.5
        let value = EvaluationMetrics.ndcgAt(k: 10, ranking: ["c", "x", "a", "b"], grades: grades)
        #expect(close(value, dcg / idcg))
        #expect(close(value, 0.705_890_86, 1e-7))
        #expect(close(EvaluationMetrics.ndcgAt(k: 10, ranking: ["a", "b", "c"], grades: grades), 1))
    }

    @Test func ndcgIdealComesFromTheQrelsNotTheRanking() {
        // Only one of two relevant documents is retrieved, at rank 1: DCG = 1, IDCG = 1 + 1/log2(3).
        let value = EvaluationMetrics.ndcgAt(k: 10, ranking: ["a", "x"], grades: ["a": 1, "b": 1])
        #expect(close(value, 1 / (1 + 1 / log2(3.0))))
        // The ideal is cut at k too: with k = 1 the ideal is just the best grade.
        #expect(close(EvaluationMetrics.ndcgAt(k: 1, ranking: ["b"], grades: ["a": 2, "b": 1]), 0.5))
    }

    @Test func ndcgCutsAtK() {
        #expect(EvaluationMetrics.ndcgAt(k: 2, ranking: ["x", "y", "a"], grades: ["a": 1]) == 0)
        #expect(close(EvaluationMetrics.ndcgAt(k: 3, ranking: ["x", "y", "a"], grades: ["a": 1]), 0.5))
        #expect(EvaluationMetrics.ndcgAt(k: 0, ranking: ["a"], grades: ["a": 1]) == 0)
    }

    @Test func zeroGradesAreJudgedNotRelevant() {
        let grades = ["a": 0, "b": 1]
        #expect(close(EvaluationMetrics.ndcgAt(k: 10, ranking: ["a", "b"], grades: grades), 1 / log2(3.0)))
        #expect(EvaluationMetrics.mrrAt(k: 10, ranking: ["a", "b"], grades: grades) == 0.5)
        #expect(EvaluationMetrics.recallAt(k: 100, ranking: ["a", "b"], grades: grades) == 1)
    }

    @Test func queriesWithoutRelevantDocumentsScoreZero() {
        for grades in [[:], ["a": 0], ["a": 0, "b": -1]] as [[String: Int]] {
            #expect(EvaluationMetrics.ndcgAt(k: 10, ranking: ["a", "b"], grades: grades) == 0)
            #expect(EvaluationMetrics.recallAt(k: 100, ranking: ["a", "b"], grades: grades) == 0)
            #expect(EvaluationMetrics.mrrAt(k: 10, ranking: ["a", "b"], grades: grades) == 0)
        }
        #expect(EvaluationMetrics.ndcgAt(k: 10, ranking: [], grades: ["a": 1]) == 0)
    }

    @Test func recall() {
        let grades = ["a": 1, "b": 1, "c": 2, "d": 1, "e": 0]
        #expect(EvaluationMetrics.recallAt(k: 100, ranking: ["a", "x", "c", "e"], grades: grades) == 0.5)
        #expect(EvaluationMetrics.recallAt(k: 1, ranking: ["a", "x", "c"], grades: grades) == 0.25)
        #expect(EvaluationMetrics.recallAt(k: 100, ranking: ["d", "c", "b", "a"], grades: grades) == 1)
        #expect(EvaluationMetrics.recallAt(k: 100, ranking: [], grades: grades) == 0)
    }

    @Test func mrr() {
        let grades = ["a": 1, "b": 2]
        #expect(EvaluationMetrics.mrrAt(k: 10, ranking: ["a"], grades: grades) == 1)
        #expect(close(EvaluationMetrics.mrrAt(k: 10, ranking: ["x", "y", "b", "a"], grades: grades), 1.0 / 3))
        #expect(EvaluationMetrics.mrrAt(k: 2, ranking: ["x", "y", "b"], grades: grades) == 0)
    }

    @Test func repeatedIDsCountOnce() {
        let grades = ["b": 1]
        #expect(EvaluationMetrics.mrrAt(k: 10, ranking: ["a", "a", "b"], grades: grades) == 0.5)
        #expect(close(EvaluationMetrics.ndcgAt(k: 10, ranking: ["a", "a", "b"], grades: grades), 1 / log2(3.0)))
        #expect(EvaluationMetrics.recallAt(k: 100, ranking: ["b", "b"], grades: ["b": 1, "c": 1]) == 0.5)
    }

    @Test func percentileAndMean() {
        let values = (1...100).map(Double.init).shuffled()
        #expect(EvaluationMetrics.percentile(values, 0.5) == 50)
        #expect(EvaluationMetrics.percentile(values, 0.99) == 99)
        #expect(EvaluationMetrics.percentile(values, 1) == 100)
        #expect(EvaluationMetrics.percentile([7], 0.99) == 7)
        #expect(EvaluationMetrics.percentile([], 0.5) == 0)
        #expect(EvaluationMetrics.mean([1, 2, 6]) == 3)
        #expect(EvaluationMetrics.mean([]) == 0)
    }
}
