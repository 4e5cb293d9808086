import Foundation
import Ingest
import Server
import Testing
import TestSupport
import VectorStore

/// Namespace names, record ids, metadata keys and values, filter values, sources and queries full of SQL, LIKE,
/// glob and JSON metacharacters are stored and matched literally over HTTP; the names the API refuses are
/// refused with a problem naming the field.
@Suite struct MetacharacterAPITests {
    /// Strings that would match more than themselves if anything on the way treated them as a pattern or as code.
    static let values = [
        "a%", "abc", "a_c", "abc_", "a*", "a?", "a'b", "a\"b", "a''b", "back\\slash", "back\\\\slash", "'; DROP TABLE vectors; --",
        "\"); DELETE FROM documents; --", "100%", "%", "_", "*", "[a-z]", "{\"$eq\": \"abc\"}", "[1, 2]", "null", "$ne", "a\u{0}b",
        "é", "日本語", "🦘 roo", "line\nbreak\ttab", " padded ", "",
    ]

    @Test func metadataAndFilterValuesMatchLiterally() async throws {
        let server = try await LiveServer.start()
        #expect(try await server.post("/api/v1/namespaces", ["name": "meta", "dimension": 3]).status == 201)
        let oddKey = "we'ird \"key\" %_* 日本"
        let items: [[String: Any]] = Self.values.enumerated().map { index, value in
            ["id": "id:\(value)", "vector": [1.0, Double(index + 1) / 100, 0.5],
             "metadata": ["tag": value, oddKey: value, "n": index]]
        }
        let upserted = try await server.post("/api/v1/namespaces/meta/vectors", ["vectors": items])
        #expect(upserted.status == 200, "\(upserted.text)")

        func ids(_ filter: Any) async throws -> [String] {
            let reply = try await server.post("/api/v1/namespaces/meta/vectors/search", ["vector": [1.0, 0.0, 0.0], "top_k": 100, "filter": filter])
            #expect(reply.status == 200, "\(reply.text)")
            return ((reply.json["results"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }.sorted()
        }
        for value in Self.values {
            // Equality, $in and the odd key each find exactly the one record, and $ne all the others.
            #expect(try await ids(["tag": value]) == ["id:\(value)"], "tag == \(value.debugDescription)")
            #expect(try await ids(["tag": ["$in": [value]]]) == ["id:\(value)"], "tag in [\(value.debugDescription)]")
            #expect(try await ids([oddKey: value]) == ["id:\(value)"], "odd key == \(value.debugDescription)")
            #expect(try await ids(["tag": ["$ne": value]]).count == Self.values.count - 1, "tag != \(value.debugDescription)")
            // Ids full of metacharacters are ids like any other.
            #expect(try await ids(["id": "id:\(value)"]) == ["id:\(value)"], "id == \(value.debugDescription)")
        }
        // $contains is a substring test, not LIKE or a glob: `a%` is not `abc`, `_` and `*` are characters.
        for (needle, expected) in [("a%", ["a%"]), ("_", ["_", "a_c", "abc_"]), ("*", ["*", "a*"]), ("%", ["%", "100%", "a%"]),
                                   ("'", ["'; DROP TABLE vectors; --", "a''b", "a'b"]), ("\\\\", ["back\\\\slash"]), ("?", ["a?"]),
                                   ("[a-z]", ["[a-z]"]), ("é", ["é"])] {
            let found = try await ids(["tag": ["$contains": needle]])
            #expect(found == expected.map { "id:\($0)" }.sorted(), "contains \(needle.debugDescription): \(found)")
        }
        // Values come back byte for byte.
        let reply = try await server.post("/api/v1/namespaces/meta/vectors/search", ["vector": [1.0, 0.0, 0.0], "top_k": 100])
        for hit in (reply.json["results"] as? [[String: Any]]) ?? [] {
            let metadata = hit["metadata"] as? [String: Any] ?? [:]
            #expect(hit["id"] as? String == "id:\(metadata["tag"] as? String ?? "?")")
            #expect(metadata[oddKey] as? String == metadata["tag"] as? String)
        }
        #expect(((reply.json["results"] as? [[String: Any]]) ?? []).count == Self.values.count)
        // A JSON-looking string is a value, not an operator object; an operator object is an operator.
        #expect(try await ids(["tag": "{\"$eq\": \"abc\"}"]) == ["id:{\"$eq\": \"abc\"}"])
        #expect(try await ids(["tag": ["$eq": "abc"]]) == ["id:abc"])

        // Metadata keys the store reserves are refused naming the record.
        let reserved = try await server.post("/api/v1/namespaces/meta/vectors",
                                             ["vectors": [["id": "x", "vector": [1, 0, 0], "metadata": ["$where": "1"]]]])
        ErrorAPITests.problem(reserved, 400, field: "vectors[0]")
        #expect(reserved.text.contains("$where"))
        try await server.stop()
    }

    @Test func namespaceNamesAreExactAndRejectedNamesNameTheField() async throws {
        let server = try await LiveServer.start()
        for name in ["abc", "a_c", "a.c", "a-c"] {
            #expect(try await server.post("/api/v1/namespaces", ["name": name, "dimension": 3]).status == 201, "\(name)")
        }
        // No pattern matching in lookups: `a_b` and `a%` name nothing although `a_c` and `abc` exist.
        for (path, status) in [("a_c", 200), ("a_b", 404), ("a%25", 404), ("A_C", 404), ("a.c", 200), ("a*", 404)] {
            #expect(try await server.get("/api/v1/namespaces/\(path)").status == status, "GET \(path)")
        }
        let search = try await server.post("/api/v1/search", ["query": "x", "namespace": "a%"])
        ErrorAPITests.problem(search, 404, code: "namespace_not_found")
        let bad = ["a'b", "x; DROP TABLE namespaces; --", "a%", "a*", "é", "a b", "../etc", "", String(repeating: "a", count: 65),
                   "{\"a\":1}", "_x", ".hidden", "-x", "a/b", "a\u{0}b", "日本"]
        for name in bad {
            let reply = try await server.post("/api/v1/namespaces", ["name": name, "dimension": 3])
            ErrorAPITests.problem(reply, 400, field: "name")
        }
        // The same rule where a namespace is created by an ingest.
        let ingest = try await server.post("/api/v1/ingest", ["namespace": "x'; DROP TABLE jobs; --", "paths": ["/nowhere"]])
        #expect(ingest.status == 400 || ingest.status == 403, "\(ingest.text)")
        #expect(ingest.json["field"] as? String != nil, "\(ingest.text)")
        let names = ((try await server.get("/api/v1/namespaces").json["namespaces"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
        #expect(names.sorted() == ["a-c", "a.c", "a_c", "abc"])
        try await server.stop()
    }

    @Test func documentSourcesTitlesMetadataAndQueriesRoundTrip() async throws {
        let server = try await LiveServer.start()
        #expect(try await server.post("/api/v1/namespaces", ["name": "docs"]).status == 201)
        let departments = ["a%", "abc", "'; DROP TABLE documents; --", "back\\slash \"quoted\"", "日本 %_* {\"$in\": []}"]
        var ids: [String: String] = [:]
        for (index, department) in departments.enumerated() {
            let source = "notes/\(index)-'; DROP TABLE chunks; --\"%_*?.md"
            let reply = try await server.post("/api/v1/namespaces/docs/documents", [
                "text": "# Budget \(index)\n\nThe travel budget of department number \(index) is reviewed every quarter.",
                "title": "Title \(department)", "source": source, "metadata": ["dept": department],
            ])
            #expect(reply.status == 201, "\(reply.text)")
            let document = try #require((reply.json["documents"] as? [[String: Any]])?.first)
            #expect(document["source"] as? String == source)
            ids[department] = document["id"] as? String
        }
        for department in departments {
            let id = try #require(ids[department])
            let shown = try await server.get("/api/v1/namespaces/docs/documents/\(id)")
            #expect(shown.json["title"] as? String == "Title \(department)")
            #expect((shown.json["metadata"] as? [String: Any])?["dept"] as? String == department, "\(shown.text)")
            for mode in ["dense", "bm25", "hybrid"] {
                let hits = try await server.post("/api/v1/search", ["query": "travel budget department", "namespace": "docs", "mode": mode,
                                                                     "top_k": 20, "filter": ["dept": department]])
                let found = Set(((hits.json["results"] as? [[String: Any]]) ?? []).compactMap { $0["document_id"] as? String })
                #expect(found == [id], "\(mode) dept == \(department.debugDescription): \(hits.text.prefix(300))")
            }
        }
        // Queries made of metacharacters are text: no error, no match on operators, the tables intact.
        for query in ["'; DROP TABLE chunks; --", "\"unbalanced", "a* OR b", "NEAR(a b)", "%", "_", "col:value", "{\"$ne\": 1}", "\\", "日本"] {
            for mode in ["bm25", "hybrid", "dense"] {
                let reply = try await server.post("/api/v1/search", ["query": query, "namespace": "docs", "mode": mode])
                #expect(reply.status == 200, "\(mode) \(query.debugDescription): \(reply.text)")
            }
        }
        let listed = try await server.get("/api/v1/namespaces/docs/documents")
        #expect((listed.json["documents"] as? [[String: Any]])?.count == departments.count)
        #expect(try server.store.query("SELECT count(*) FROM chunks WHERE namespace = 'docs'").first?[0].int == departments.count)
        try await server.stop()
    }
}
