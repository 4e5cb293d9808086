import Foundation
import Testing
@testable import Retrieval

/// RRF, weighted fusion and MMR as pure functions, on lists small enough to work out by hand.
@Suite struct FusionTests {
    static func list(_ items: [(String, Double)]) -> [RankedID] { items.map { RankedID(id: $0.0, score: $0.1) } }

    @Test func reciprocalRankFusionSumsOneOverKPlusRank() {
        let dense = Self.list([("a", 0.9), ("b", 0.8), ("c", 0.7)])
        let lexical = Self.list([("c", 12), ("d", 9), ("a", 1)])
        let fused = Fusion.reciprocalRank(dense: dense, lexical: lexical, k: 60)
        let expected: [String: Double] = ["a": 1.0 / 61 + 1.0 / 63, "b": 1.0 / 62, "c": 1.0 / 63 + 1.0 / 61, "d": 1.0 / 62]
        #expect(fused.count == 4)
        for item in fused { #expect(abs(item.score - expected[item.id]!) < 1e-12, "\(item.id)") }
        // a and c tie (both ranks 1 and 3): a's best rank is in the dense list, which wins the tie; b and d tie
        // the same way (rank 2 each).
        #expect(fused.map(\.id) == ["a", "c", "b", "d"])
        // k = 0 makes the top ranks count far more.
        let steep = Fusion.reciprocalRank(dense: dense, lexical: lexical, k: 0)
        #expect(abs(steep.first!.score - (1 + 1.0 / 3)) < 1e-12)
    }

    @Test func oneSidedFusionKeepsThatSidesOrder() {
        let dense = Self.list([("x", 0.5), ("y", 0.4), ("z", 0.1)])
        #expect(Fusion.reciprocalRank(dense: dense, lexical: [], k: 60).map(\.id) == ["x", "y", "z"])
        #expect(Fusion.reciprocalRank(dense: [], lexical: dense, k: 60).map(\.id) == ["x", "y", "z"])
        #expect(Fusion.weighted(dense: [], lexical: dense, denseWeight: 0.3).map(\.id) == ["x", "y", "z"])
        #expect(Fusion.reciprocalRank(dense: [], lexical: [], k: 60).isEmpty)
    }

    @Test func weightedFusionNormalisesEachList() {
        let dense = Self.list([("a", 0.9), ("b", 0.5), ("c", 0.1)])      // → 1, 0.5, 0
        let lexical = Self.list([("c", 30), ("b", 20), ("d", 10)])       // → 1, 0.5, 0
        let fused = Fusion.weighted(dense: dense, lexical: lexical, denseWeight: 0.75)
        let expected: [String: Double] = ["a": 0.75, "b": 0.75 * 0.5 + 0.25 * 0.5, "c": 0.25, "d": 0]
        for item in fused { #expect(abs(item.score - expected[item.id]!) < 1e-12, "\(item.id)") }
        #expect(fused.map(\.id) == ["a", "b", "c", "d"])
        #expect(Fusion.weighted(dense: dense, lexical: lexical, denseWeight: 1).map(\.id).prefix(3) == ["a", "b", "c"])
        #expect(Fusion.weighted(dense: dense, lexical: lexical, denseWeight: 0).map(\.id).prefix(2) == ["c", "b"])
        #expect(Fusion.minMax([2, 2, 2]) == [1, 1, 1])
        #expect(Fusion.minMax([]) == [])
    }

    @Test func mmrPushesNearDuplicatesDown() {
        // a and a2 are the same direction; b is orthogonal and a little less relevant.
        let pool = Self.list([("a", 1.0), ("a2", 0.95), ("b", 0.9), ("c", 0.1)])
        let vectors: [String: [Float]] = ["a": [1, 0, 0], "a2": [1, 0, 0], "b": [0, 1, 0], "c": [0, 0, 1]]
        let relevanceOnly = Diversification.maximalMarginalRelevance(pool, vectors: vectors, k: 4, lambda: 1)
        #expect(relevanceOnly.map(\.id) == ["a", "a2", "b", "c"])
        let balanced = Diversification.maximalMarginalRelevance(pool, vectors: vectors, k: 3, lambda: 0.5)
        #expect(balanced.map(\.id) == ["a", "b", "c"])
        #expect(balanced.map(\.score) == [1.0, 0.9, 0.1], "picked entries keep their scores")
        #expect(Diversification.maximalMarginalRelevance(pool, vectors: vectors, k: 10, lambda: 0.5).count == 4)
        #expect(Diversification.maximalMarginalRelevance([], vectors: [:], k: 3, lambda: 0.5).isEmpty)
        // Without vectors nothing is similar: relevance order.
        #expect(Diversification.maximalMarginalRelevance(pool, vectors: [:], k: 4, lambda: 0.2).map(\.id) == ["a", "a2", "b", "c"])
    }

    @Test func optionsAreValidatedWithClearMessages() {
        func message(_ change: (inout RankingOptions) -> Void) -> String? {
            var options = RankingOptions()
            change(&options)
            do { try options.validate(); return nil } catch let error as RetrievalError {
                #expect(error.code == .invalidArgument)
                return error.message
            } catch { return "\(error)" }
        }
        #expect(message { _ in } == nil)
        #expect(message { $0.mmrLambda = 1.5 }?.contains("mmr") == true)
        #expect(message { $0.mmrLambda = .nan }?.contains("mmr") == true)
        #expect(message { $0.mmrLambda = 0 } == nil)
        #expect(message { $0.denseWeight = -0.1 }?.contains("dense_weight") == true)
        #expect(message { $0.rrfK = -1 }?.contains("rrf_k") == true)
        #expect(message { $0.candidates = 0 }?.contains("candidates") == true)
        #expect(throws: RetrievalError.self) { try SearchMode.parse("sparse") }
        #expect((try? SearchMode.parse("BM25")) == .bm25)
        #expect(throws: RetrievalError.self) { try FusionMethod.parse("max") }
    }

    @Test func theCacheScopeSeparatesModesAndRankingOptions() {
        let dense = AnswerCacheScope(namespace: "n", generation: 1, topK: 5, model: "m", temperature: 0.7, clearance: .public, mode: .dense)
        let hybrid = AnswerCacheScope(namespace: "n", generation: 1, topK: 5, model: "m", temperature: 0.7, clearance: .public, mode: .hybrid)
        var weighted = RankingOptions()
        weighted.fusion = .weighted
        let hybridWeighted = AnswerCacheScope(namespace: "n", generation: 1, topK: 5, model: "m", temperature: 0.7, clearance: .public,
                                              mode: .hybrid, ranking: weighted)
        var diversified = RankingOptions()
        diversified.mmrLambda = 0.5
        let denseMMR = AnswerCacheScope(namespace: "n", generation: 1, topK: 5, model: "m", temperature: 0.7, clearance: .public,
                                        mode: .dense, ranking: diversified)
        let keys = [dense, hybrid, hybridWeighted, denseMMR].map { AnswerCacheKey(query: "q", scope: $0).hash }
        #expect(Set(keys).count == 4)
        // Options that do not apply to a mode do not split its cache.
        let denseOther = AnswerCacheScope(namespace: "n", generation: 1, topK: 5, model: "m", temperature: 0.7, clearance: .public,
                                          mode: .dense, ranking: weighted)
        #expect(AnswerCacheKey(query: "q", scope: denseOther) == AnswerCacheKey(query: "q", scope: dense))
    }
}
