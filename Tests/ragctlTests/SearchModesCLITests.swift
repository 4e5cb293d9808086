import Foundation
import Testing
import TestSupport

/// `--mode`, fusion and MMR flags on `search`, `query` and `eval`, as a user runs them, and their errors.
@Suite struct SearchModesCLITests {
    static var docs: String { RepositoryPaths.root().appendingPathComponent("Fixtures/docs").path }

    @Test func everyModeAnswersAndBadFlagsAreUsageErrors() async throws {
        let dir = TemporaryDirectory("cli-modes")
        let ingest = try await Ragctl.run(["ingest", Self.docs, "--namespace", "handbook", "--data-dir", dir.path])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        for flags in [["--mode", "dense"], ["--mode", "bm25"], ["--mode", "hybrid"], [], ["--fusion", "weighted", "--dense-weight", "0.3"],
                      ["--mmr", "0.5", "--candidates", "20"], ["--rrf-k", "10"]] {
            let search = try await Ragctl.run(["search", "how do I rotate keys?", "--namespace", "handbook", "--top-k", "3", "--json",
                                               "--data-dir", dir.path] + flags)
            #expect(search.status == 0, "\(flags): \(search.stderr)")
            let results = try #require(search.json?["results"] as? [[String: Any]], "\(flags)")
            #expect(results.count == 3, "\(flags)")
            #expect((results.first?["text"] as? String)?.contains("Rotate keys") == true, "\(flags): \(results.first ?? [:])")
        }
        // BM25 scores are not cosines; hybrid's default (RRF) scores are small sums of 1/(60 + rank).
        let bm25 = try await Ragctl.run(["search", "rotate keys", "--namespace", "handbook", "--mode", "bm25", "--json", "--data-dir", dir.path])
        #expect(((bm25.json?["results"] as? [[String: Any]])?.first?["score"] as? Double ?? 0) > 1)
        let hybrid = try await Ragctl.run(["search", "rotate keys", "--namespace", "handbook", "--json", "--data-dir", dir.path])
        #expect(((hybrid.json?["results"] as? [[String: Any]])?.first?["score"] as? Double ?? 1) < 0.0333)

        // A query made of FTS5 syntax is searched as words.
        let syntax = try await Ragctl.run(["search", "\"keys\" NEAR(rotate*) OR (", "--namespace", "handbook", "--mode", "bm25", "--json",
                                           "--data-dir", dir.path])
        #expect(syntax.status == 0, "\(syntax.stderr)")
        #expect((syntax.json?["results"] as? [[String: Any]])?.isEmpty == false)

        let query = try await Ragctl.run(["query", "how do I rotate keys?", "--namespace", "handbook", "--mode", "bm25", "--json",
                                          "--data-dir", dir.path])
        #expect(query.status == 0, "\(query.stderr)")
        #expect(((query.json?["sources"] as? [[String: Any]])?.first?["source"] as? String)?.hasSuffix("security.md") == true)

        let usage: [([String], String)] = [
            (["--mode", "sparse"], "--mode"), (["--mmr", "1.5"], "--mmr"), (["--mmr", "-0.1"], "--mmr"), (["--fusion", "max"], "--fusion"),
            (["--dense-weight", "2"], "--dense-weight"), (["--candidates", "0"], "--candidates"), (["--rrf-k", "-1"], "--rrf-k"),
        ]
        for (flags, named) in usage {
            for command in ["search", "query"] {
                let bad = try await Ragctl.run([command, "keys", "--namespace", "handbook", "--data-dir", dir.path] + flags)
                #expect(bad.status == 64, "\(command) \(flags)")
                #expect(bad.stderr.contains(named), "\(command) \(flags): \(bad.stderr)")
            }
        }
        let badFilter = try await Ragctl.run(["search", "keys", "--namespace", "handbook", "--mode", "bm25", "--filter", #"{"ordinal": "one"}"#,
                                              "--json", "--data-dir", dir.path])
        #expect(badFilter.status == 1)
        #expect((badFilter.json?["error"] as? [String: Any])?["code"] as? String == "invalid_filter", "\(badFilter.stdout)")

        // Dropping the namespace takes its documents and BM25 index; a new one of the same name starts empty.
        let drop = try await Ragctl.run(["namespaces", "drop", "handbook", "--data-dir", dir.path])
        #expect(drop.status == 0, "\(drop.stderr)")
        try "Penguins live in the south.".write(toFile: dir.file("penguins.txt"), atomically: true, encoding: .utf8)
        _ = try await Ragctl.run(["ingest", dir.file("penguins.txt"), "--namespace", "handbook", "--data-dir", dir.path])
        let after = try await Ragctl.run(["search", "rotate keys", "--namespace", "handbook", "--mode", "bm25", "--json", "--data-dir", dir.path])
        #expect((after.json?["results"] as? [[String: Any]])?.isEmpty == true, "\(after.stdout)")
        let documents = try await Ragctl.run(["documents", "list", "handbook", "--json", "--data-dir", dir.path])
        #expect((documents.json?["documents"] as? [[String: Any]])?.count == 1)
    }

    @Test func evalReportsEveryModeAsJSON() async throws {
        let dir = TemporaryDirectory("cli-eval")
        let data = dir.file("beir")
        try FileManager.default.createDirectory(atPath: data + "/qrels", withIntermediateDirectories: true)
        try """
            {"_id": "d1", "title": "Key rotation", "text": "Rotate API keys every ninety days."}
            {"_id": "d2", "title": "Backups", "text": "Back up the store nightly."}
            {"_id": "d3", "title": "Penguins", "text": "Penguins live in the southern hemisphere."}
            """.write(toFile: data + "/corpus.jsonl", atomically: true, encoding: .utf8)
        try """
            {"_id": "q1", "text": "how often should keys be rotated"}
            {"_id": "q2", "text": "where do penguins live"}
            """.write(toFile: data + "/queries.jsonl", atomically: true, encoding: .utf8)
        try "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td3\t1\n".write(toFile: data + "/qrels/test.tsv", atomically: true, encoding: .utf8)
        for (flags, mode) in [(["--mode", "dense"], "dense"), (["--mode", "bm25"], "bm25"), ([], "hybrid"),
                              (["--fusion", "weighted", "--mmr", "0.9"], "hybrid")] {
            let eval = try await Ragctl.run(["eval", data, "--namespace", "beir", "--json", "--data-dir", dir.path] + flags)
            #expect(eval.status == 0, "\(flags): \(eval.stderr)")
            let json = try #require(eval.json, "\(flags): \(eval.stdout)")
            for key in ["ndcg_at_10", "recall_at_100", "mrr_at_10", "queries", "p50_ms", "p99_ms"] { #expect(json[key] != nil, "missing \(key)") }
            #expect(json["mode"] as? String == mode)
            #expect(json["ndcg_at_10"] as? Double == 1, "\(flags): \(json)")
        }
        let table = try await Ragctl.run(["eval", data, "--namespace", "beir", "--mode", "bm25", "--data-dir", dir.path])
        #expect(table.stdout.contains("nDCG@10") && table.stdout.contains("bm25"), "\(table.stdout)")
        let bad = try await Ragctl.run(["eval", data, "--namespace", "beir", "--mmr", "3", "--data-dir", dir.path])
        #expect(bad.status == 64)
    }
}
