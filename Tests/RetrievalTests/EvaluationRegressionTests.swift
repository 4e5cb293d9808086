import Foundation
import Ingest
import Testing
import TestSupport
import VectorStore
@testable import Retrieval

/// Retrieval quality on SciFact (from `../shared/data/scifact`), with thresholds that a broken BM25 or a broken
/// fusion falls below. Every number is deterministic; the margins cover floating-point differences between
/// builds and BLAS kernels, not randomness.
@Suite(.enabled(if: SciFact.available, "needs ../shared/data/scifact"))
struct EvaluationRegressionTests {

    /// The whole test split with BM25 alone (no model needed: every document gets the same vector). The release
    /// build measures nDCG@10 0.682, Recall@100 0.929, MRR@10 0.648; the target is nDCG@10 ≥ 0.67.
    @Test func bm25MeetsTheSciFactTarget() async throws {
        let dataset = try BEIRDataset.load(directory: SciFact.directory, split: "test")
        let dir = TemporaryDirectory("regression")
        let store = try openRetrievalStore(dir)
        var options = EvaluationOptions(namespace: "scifact")
        options.mode = .bm25
        options.batchSize = 1000
        let report = try await Evaluator(store: store, embedder: ConstantEmbedder()).run(dataset, options: options)
        #expect(report.queries == 300 && report.documents == 5183)
        #expect(report.ndcgAt10 >= 0.67, "nDCG@10 \(report.ndcgAt10)")
        #expect(report.recallAt100 >= 0.90, "Recall@100 \(report.recallAt100)")
        #expect(report.mrrAt10 >= 0.62, "MRR@10 \(report.mrrAt10)")
    }

    /// 20 train-split queries, chosen so that each single mode fails half of them: for the first ten BM25 ranks
    /// a relevant abstract first and the model has none in its top 3; for the last ten the other way round. The
    /// corpus is their relevant abstracts plus the top 4 of each mode over the whole corpus (113 abstracts), so
    /// every distractor is a hard one. Release build, nDCG@10: dense 0.672, BM25 0.646, hybrid (RRF) 0.712,
    /// hybrid (weighted 0.5) 0.771. Fusion that drops or mis-weights a side falls to about the better single
    /// mode.
    static let queries: Set<String> = ["6", "69", "157", "197", "199", "200", "223", "263", "285", "304", "19", "20", "21", "74", "104", "186", "187", "189", "241", "242"]
    static let documents: Set<String> = [
        "5836", "188911", "1259359", "2014909", "2177022", "2212067", "2462673", "2613775", "2679511", "2837758",
        "2867345", "2904102", "3202143", "3330111", "3413083", "3462075", "3493623", "3559136", "3566945", "4373433",
        "4387784", "4414547", "4421578", "4791384", "5137019", "5548081", "5560962", "5850219", "5956380", "6123924",
        "6710713", "6896063", "7042304", "7834603", "8538916", "9483851", "9669099", "9878167", "10608822",
        "11328820", "11414664", "11557602", "11565780", "11903247", "11968641", "12789595", "13072112", "13072113",
        "13439128", "13771184", "13778710", "13843341", "13868795", "13965483", "14021596", "14471161", "14797520",
        "14853989", "15795880", "16217855", "16390264", "16427454", "16625620", "16627684", "16855829", "17374970",
        "17897801", "17934603", "17967608", "18231807", "18841257", "19510470", "19958277", "19979816", "20240998",
        "21050357", "21216726", "21232018", "21307488", "21859699", "22309946", "23117378", "23195674", "23634484",
        "23862975", "24097933", "24512064", "24612804", "25175223", "26038789", "27247460", "27949347", "28006126",
        "29183629", "29347970", "29399239", "30041340", "32159283", "32275758", "34559336", "35521287", "35651106",
        "36178047", "36233757", "37768883", "40164383", "40590358", "41337677", "41493639", "42465769", "42601237",
        "45341480", "84580585"
    ]

    @Test func hybridBeatsBothModesOnAHardSlice() async throws {
        let full = try BEIRDataset.load(directory: SciFact.directory, split: "train")
        let slice = BEIRDataset(directory: full.directory, split: "train",
                                corpus: full.corpus.filter { Self.documents.contains($0.id) },
                                queries: full.queries.filter { Self.queries.contains($0.id) })
        #expect(slice.corpus.count == Self.documents.count && slice.queries.count == Self.queries.count)
        let dir = TemporaryDirectory("regression")
        let store = try openRetrievalStore(dir)
        let embedder = try NativeEmbedder.load(path: nil, environment: ProcessInfo.processInfo.environment)
        let evaluator = Evaluator(store: store, embedder: embedder)
        func ndcg(_ mode: SearchMode, _ fusion: FusionMethod = .rrf) async throws -> Double {
            var options = EvaluationOptions(namespace: "slice")
            options.mode = mode
            options.ranking.fusion = fusion
            return try await evaluator.run(slice, options: options).ndcgAt10
        }
        let dense = try await ndcg(.dense)
        let bm25 = try await ndcg(.bm25)
        let rrf = try await ndcg(.hybrid)
        let weighted = try await ndcg(.hybrid, .weighted)
        #expect(dense >= 0.62 && bm25 >= 0.60, "dense \(dense), bm25 \(bm25)")
        #expect(rrf >= 0.69 && rrf > max(dense, bm25), "rrf \(rrf), dense \(dense), bm25 \(bm25)")
        #expect(weighted >= 0.72, "weighted \(weighted)")
    }
}

enum SciFact {
    static let directory = RepositoryPaths.shared().appendingPathComponent("data/scifact").path
    static var available: Bool { FileManager.default.fileExists(atPath: directory + "/corpus.jsonl") }
}

/// Gives every text the same unit vector: for evaluating BM25 without paying for a model.
struct ConstantEmbedder: Embedder {
    let modelID = "test/constant"
    let dimension = 4
    let maxTokens = 256
    func countTokens(_ text: String) -> Int { HeuristicTokenCounter().countTokens(text) }
    func embed(_ texts: [String]) async throws -> [[Float]] { texts.map { _ in [1, 0, 0, 0] } }
}
