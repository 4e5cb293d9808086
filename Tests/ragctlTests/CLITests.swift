import Foundation
import Testing
import TestSupport

/// The commands of INTERFACE.md, run as a user runs them.
@Suite struct VectorCLITests {
    @Test func namespacesUpsertSearchAsInInterface() async throws {
        let dir = TemporaryDirectory("cli")
        let create = try await Ragctl.run(["namespaces", "create", "demo", "--dim", "3", "--data-dir", dir.path])
        #expect(create.status == 0, "\(create.stderr)")
        // Global options before the subcommand, as with git -C.
        let list = try await Ragctl.run(["--data-dir", dir.path, "namespaces", "list", "--json"])
        let namespaces = try #require(list.json?["namespaces"] as? [[String: Any]])
        #expect(namespaces.count == 1)
        #expect(namespaces[0]["name"] as? String == "demo")
        #expect(namespaces[0]["dimension"] as? Int == 3)
        #expect(namespaces[0]["count"] as? Int == 0)

        let file = dir.file("v.jsonl")
        try """
        {"id": "c1", "document_id": "d1", "vector": [1, 0, 0], "metadata": {"category": "a", "access_level": "internal", "created_at": "2026-01-02T03:04:05Z", "anything": 3}}
        {"id": "c2", "document_id": "d2", "vector": [0.9, 0.1, 0], "metadata": {"category": "b", "tags": ["x"]}}
        {"id": "c3", "vector": [0, 1, 0], "metadata": {"access_level": "restricted"}}
        not json
        {"id": "c4", "vector": [0, 1]}

        """.write(toFile: file, atomically: true, encoding: .utf8)
        // As INTERFACE.md writes it: no --json flag, the summary is JSON anyway.
        let upsert = try await Ragctl.run(["vectors", "upsert", "demo", "--file", file, "--data-dir", dir.path])
        #expect(upsert.status == 2)
        let summary = try #require(upsert.json)
        #expect(summary["upserted"] as? Int == 3)
        let failed = try #require(summary["failed"] as? [[String: Any]])
        #expect(failed.map { $0["line"] as? Int } == [4, 5])
        #expect((failed[1]["error"] as? String)?.contains("expects dimension 3, got 2") == true)

        let query = dir.file("q.json")
        try #"{"vector": [1, 0, 0]}"#.write(toFile: query, atomically: true, encoding: .utf8)
        let search = try await Ragctl.run(["vectors", "search", "demo", "--vector-file", query, "--top-k", "2", "--json", "--data-dir", dir.path])
        #expect(search.status == 0, "\(search.stderr)")
        let results = try #require(search.json?["results"] as? [[String: Any]])
        #expect(results.map { $0["id"] as? String } == ["c1", "c2"])
        #expect(results[0]["document_id"] as? String == "d1")
        #expect((results[0]["score"] as? Double).map { abs($0 - 1) < 1e-6 } == true)
        let metadata = try #require(results[0]["metadata"] as? [String: Any])
        #expect(metadata["created_at"] as? String == "2026-01-02T03:04:05Z")
        #expect(metadata["anything"] as? Int == 3)

        let filtered = try await Ragctl.run(["vectors", "search", "demo", "--vector-file", query, "--filter", #"{"category": {"$in": ["b"]}}"#,
                                       "--clearance", "public", "--json", "--data-dir", dir.path])
        #expect((filtered.json?["results"] as? [[String: Any]])?.map { $0["id"] as? String } == ["c2"])

        try #"{"vectors": [[1, 0, 0], [0, 1, 0]]}"#.write(toFile: query, atomically: true, encoding: .utf8)
        let batch = try await Ragctl.run(["vectors", "search", "demo", "--vector-file", query, "--top-k", "1", "--json", "--data-dir", dir.path])
        let lists = try #require(batch.json?["results"] as? [[[String: Any]]])
        #expect(lists.map { $0.first?["id"] as? String } == ["c1", "c3"])
    }

    @Test func errorsAreClearWithTheRightExitCodes() async throws {
        let dir = TemporaryDirectory("cli-errors")
        _ = try await Ragctl.run(["namespaces", "create", "demo", "--dim", "3", "--data-dir", dir.path])
        let unknown = try await Ragctl.run(["vectors", "search", "nope", "--vector", "[1,0,0]", "--json", "--data-dir", dir.path])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("namespace \"nope\" does not exist"))
        #expect((unknown.json?["error"] as? [String: Any])?["code"] as? String == "namespace_not_found")
        let badFilter = try await Ragctl.run(["vectors", "search", "demo", "--vector", "[1,0,0]", "--filter", #"{"a": {"$regex": "x"}}"#, "--data-dir", dir.path])
        #expect(badFilter.status == 1)
        #expect(badFilter.stderr.contains("$regex"))
        let malformed = try await Ragctl.run(["vectors", "search", "demo", "--vector", "[1,0,0]", "--filter", "{oops", "--data-dir", dir.path])
        #expect(malformed.status == 1)
        #expect(malformed.stderr.contains("not valid JSON"))
        let usage = try await Ragctl.run(["vectors", "search", "demo", "--data-dir", dir.path])
        #expect(usage.status == 64)
        let missingFile = try await Ragctl.run(["vectors", "upsert", "demo", "--file", dir.file("absent.jsonl"), "--data-dir", dir.path])
        #expect(missingFile.status == 1)
        #expect(missingFile.stderr.contains("absent.jsonl"))
        let exists = try await Ragctl.run(["namespaces", "create", "demo", "--dim", "3", "--data-dir", dir.path])
        #expect(exists.status == 1)
        #expect(exists.stderr.contains("already exists"))
    }
}
