import ArgumentParser
import Retrieval

/// How chunks are ranked: the flags `search`, `query` and `eval` share.
struct RankingFlags: ParsableArguments {
    @Option(name: .long, help: "dense, bm25 or hybrid.") var mode = SearchMode.default.rawValue
    @Option(name: .long, help: "How hybrid mode fuses its two lists: rrf or weighted.") var fusion = RankingOptions().fusion.rawValue
    @Option(name: .customLong("rrf-k"), help: "RRF's k: each list adds 1 / (k + rank).") var rrfK = RankingOptions().rrfK
    @Option(name: .long, help: "Weight of the dense list in weighted fusion, 0 to 1 (BM25 gets the rest).")
    var denseWeight = RankingOptions().denseWeight
    @Option(name: .long, help: "Chunks taken from each side before fusion (and the pool MMR picks from).")
    var candidates = RankingOptions().candidates
    @Option(name: .customLong("mmr"), help: ArgumentHelp("Diversify the results with MMR; λ from 0 (novelty) to 1 (relevance).", valueName: "lambda"))
    var mmrLambda: Double?

    func validate() throws {
        guard SearchMode(rawValue: mode.lowercased()) != nil else {
            throw ValidationError("--mode must be dense, bm25 or hybrid, got \(mode)")
        }
        guard FusionMethod(rawValue: fusion.lowercased()) != nil else {
            throw ValidationError("--fusion must be rrf or weighted, got \(fusion)")
        }
        guard rrfK.isFinite, rrfK >= 0 else { throw ValidationError("--rrf-k must be a number ≥ 0, got \(rrfK)") }
        guard denseWeight.isFinite, (0...1).contains(denseWeight) else {
            throw ValidationError("--dense-weight must be between 0 and 1, got \(denseWeight)")
        }
        guard (1...RankingOptions.maxCandidates).contains(candidates) else {
            throw ValidationError("--candidates must be between 1 and \(RankingOptions.maxCandidates), got \(candidates)")
        }
        if let mmrLambda, !(mmrLambda.isFinite && (0...1).contains(mmrLambda)) {
            throw ValidationError("--mmr must be between 0 (novelty) and 1 (relevance), got \(mmrLambda)")
        }
    }

    /// The mode and ranking options the flags name.
    /// - Throws: `RetrievalError(.invalidArgument)` naming the flag value at fault.
    func resolved() throws -> (mode: SearchMode, ranking: RankingOptions) {
        let parsedMode = try SearchMode.parse(mode)
        var ranking = RankingOptions()
        ranking.fusion = try FusionMethod.parse(fusion)
        ranking.rrfK = rrfK
        ranking.denseWeight = denseWeight
        ranking.candidates = candidates
        ranking.mmrLambda = mmrLambda
        try ranking.validate()
        return (parsedMode, ranking)
    }
}

extension RankingFlags {
    /// The same options as request fields for `--server` (the names of the HTTP API).
    var requestFields: [String: Any] {
        var fields: [String: Any] = ["mode": mode, "fusion": fusion, "rrf_k": rrfK, "dense_weight": denseWeight, "candidates": candidates]
        if let mmrLambda { fields["mmr"] = mmrLambda }
        return fields
    }
}
