import Foundation
import Ingest
import Server
import Testing
import TestSupport
import VectorStore

/// Namespaces, raw vectors and documents over HTTP: results equal the store's own, writes are all-or-nothing.
@Suite struct DataAPITests {
    @Test func namespacesAndRawVectors() async throws {
        let server = try await LiveServer.start()
        let created = try await server.post("/api/v1/namespaces", ["name": "raw", "dimension": 8])
        #expect(created.status == 201)
        #expect(created.header("Location") == "/api/v1/namespaces/raw")
        #expect(created.json["dimension"] as? Int == 8)
        ErrorAPITests.problem(try await server.post("/api/v1/namespaces", ["name": "raw", "dimension": 8]), 409)
        ErrorAPITests.problem(try await server.post("/api/v1/namespaces", ["name": "bad name!", "dimension": 8]), 400)
        ErrorAPITests.problem(try await server.post("/api/v1/namespaces", ["name": "x", "dimension": 0]), 400, field: "dimension")
        let documents = try await server.post("/api/v1/namespaces", ["name": "docs"])
        #expect(documents.json["dimension"] as? Int == 384)
        #expect(documents.json["model"] as? String == server.server.embedder.modelID)

        let vectors = SyntheticVectors.random(count: 200, dimension: 8, seed: 7)
        let items: [[String: Any]] = vectors.enumerated().map { index, vector in
            ["id": "v\(index)", "vector": vector.map(Double.init),
             "metadata": ["category": index % 2 == 0 ? "even" : "odd", "rank": index, "access_level": index % 5 == 0 ? "restricted" : "public"]]
        }
        let upserted = try await server.post("/api/v1/namespaces/raw/vectors", ["vectors": items])
        #expect(upserted.status == 200)
        #expect(upserted.json["upserted"] as? Int == 200)

        // Oracle: the API's filtered search equals the store's.
        let query = SyntheticVectors.random(count: 1, dimension: 8, seed: 99)[0]
        let filter: [String: Any] = ["category": "even", "rank": ["$lt": 150]]
        let reply = try await server.post("/api/v1/namespaces/raw/vectors/search",
                                          ["vector": query.map(Double.init), "top_k": 7, "filter": filter, "clearance": "public"])
        #expect(reply.status == 200)
        let expected = try server.store.search("raw", vector: query, k: 7, filter: try Filter.parse(object: filter), clearance: .public)
        let hits = try #require(reply.json["results"] as? [[String: Any]])
        #expect(hits.compactMap { $0["id"] as? String } == expected.map(\.id))
        #expect(hits.allSatisfy { ($0["metadata"] as? [String: Any])?["category"] as? String == "even" })
        let batch = try await server.post("/api/v1/namespaces/raw/vectors/search", ["vectors": [query.map(Double.init), query.map(Double.init)], "top_k": 3])
        #expect((batch.json["results"] as? [[Any]])?.count == 2)

        // All or nothing: one bad item rejects the batch, naming it.
        var bad = Array(items.prefix(3))
        bad[1]["vector"] = [1, 2, 3]
        bad[0]["id"] = "new-0"
        ErrorAPITests.problem(try await server.post("/api/v1/namespaces/raw/vectors", ["vectors": bad]), 400, code: "dimension_mismatch", field: "vectors[1].vector")
        bad[1]["vector"] = [Double](repeating: 0, count: 8)
        ErrorAPITests.problem(try await server.post("/api/v1/namespaces/raw/vectors", ["vectors": bad]), 400, field: "vectors[1]")
        bad[1]["vector"] = vectors[1].map(Double.init)
        bad[2]["metadata"] = ["nested": ["a": ["b": 1]]]
        ErrorAPITests.problem(try await server.post("/api/v1/namespaces/raw/vectors", ["vectors": bad]), 400)
        ErrorAPITests.problem(try await server.post("/api/v1/namespaces/raw/vectors", ["vectors": []]), 400, field: "vectors")
        #expect(try server.store.namespace("raw").count == 200)
        #expect(try server.store.get(ids: ["new-0"], from: "raw").isEmpty)

        let listed = try await server.get("/api/v1/namespaces")
        #expect((listed.json["namespaces"] as? [[String: Any]])?.compactMap { $0["name"] as? String }.sorted() == ["docs", "raw"])
        let one = try await server.get("/api/v1/namespaces/raw")
        #expect(one.json["count"] as? Int == 200)
        #expect(one.json["documents"] as? Int == 0)
        #expect(try await server.delete("/api/v1/namespaces/raw").status == 204)
        ErrorAPITests.problem(try await server.get("/api/v1/namespaces/raw"), 404)
        ErrorAPITests.problem(try await server.post("/api/v1/namespaces/raw/vectors/search", ["vector": query.map(Double.init)]), 404)
        try await server.stop()
    }

    @Test func documentsUploadReadCacheAndDelete() async throws {
        let server = try await LiveServer.start()
        _ = try await server.post("/api/v1/namespaces", ["name": "docs"])
        let text = "# Rotation\n\nRotate API keys every ninety days.\n\n## Grace\n\nThe old key works for a day after rotation."
        let upload: [String: Any] = ["text": text, "format": "md", "source": "handbook/rotation.md", "title": "Key rotation",
                                     "metadata": ["team": "security"], "access_level": "internal"]
        let created = try await server.post("/api/v1/namespaces/docs/documents", upload)
        #expect(created.status == 201, "\(created.text)")
        let entry = try #require((created.json["documents"] as? [[String: Any]])?.first)
        #expect(entry["status"] as? String == "added")
        #expect(entry["source"] as? String == "handbook/rotation.md")
        let id = try #require(entry["id"] as? String)
        #expect(created.header("Location") == "/api/v1/namespaces/docs/documents/\(id)")
        let again = try await server.post("/api/v1/namespaces/docs/documents", upload)
        #expect((again.json["documents"] as? [[String: Any]])?.first?["status"] as? String == "unchanged")

        let read = try await server.get("/api/v1/namespaces/docs/documents/\(id)")
        #expect(read.status == 200)
        #expect(read.json["title"] as? String == "Key rotation")
        #expect(read.json["access_level"] as? String == "internal")
        #expect((read.json["metadata"] as? [String: String])?["team"] == "security")
        let chunks = try #require(read.json["chunks"] as? [[String: Any]])
        #expect(!chunks.isEmpty)
        #expect(chunks.compactMap { $0["text"] as? String }.joined().contains("ninety days"))
        let etag = try #require(read.header("ETag"))
        #expect(etag == "\"\(read.json["content_hash"] as? String ?? "")\"")
        #expect(read.header("Cache-Control") == "private, max-age=0, must-revalidate")
        let notModified = try await server.get("/api/v1/namespaces/docs/documents/\(id)", headers: [("If-None-Match", etag)])
        #expect(notModified.status == 304)
        #expect(notModified.body.isEmpty)
        let stale = try await server.get("/api/v1/namespaces/docs/documents/\(id)", headers: [("If-None-Match", "\"other\"")])
        #expect(stale.status == 200)

        // An edit changes the hash: the old ETag no longer matches.
        var edited = upload
        edited["text"] = text + "\n\nEmergency rotation happens at once."
        let updated = try await server.post("/api/v1/namespaces/docs/documents", edited)
        #expect((updated.json["documents"] as? [[String: Any]])?.first?["status"] as? String == "updated")
        #expect(try await server.get("/api/v1/namespaces/docs/documents/\(id)", headers: [("If-None-Match", etag)]).status == 200)

        // Multipart: two files at once.
        let boundary = "XyZ-boundary"
        var body = Data()
        for (name, content) in [("notes.md", "# Notes\n\nBackups run nightly."), ("faq.txt", "Where are logs? In the data folder.")] {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: text/plain\r\n\r\n\(content)\r\n".utf8))
        }
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"access_level\"\r\n\r\npublic\r\n--\(boundary)--\r\n".utf8))
        let multipart = try await server.request("POST", "/api/v1/namespaces/docs/documents", body: body,
                                                 headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")])
        #expect(multipart.status == 201, "\(multipart.text)")
        let sources = (multipart.json["documents"] as? [[String: Any]])?.compactMap { $0["source"] as? String }
        #expect(sources == ["upload:notes.md", "upload:faq.txt"])

        let list = try await server.get("/api/v1/namespaces/docs/documents?limit=2")
        #expect((list.json["documents"] as? [[String: Any]])?.count == 2)
        ErrorAPITests.problem(try await server.get("/api/v1/namespaces/docs/documents?limit=0"), 400, field: "limit")
        // Unprocessable: binary content named as text.
        let binary = Data([0x00, 0x01, 0x02, 0xFF, 0x00, 0x10] + [UInt8](repeating: 0, count: 64))
        var binaryBody = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"blob.txt\"\r\n\r\n".utf8)
        binaryBody.append(binary)
        binaryBody.append(Data("\r\n--\(boundary)--\r\n".utf8))
        let rejected = try await server.request("POST", "/api/v1/namespaces/docs/documents", body: binaryBody,
                                                headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")])
        ErrorAPITests.problem(rejected, 422, code: "unprocessable_document")
        ErrorAPITests.problem(try await server.post("/api/v1/namespaces/docs/documents", ["title": "no text"]), 400, code: "missing_field", field: "text")
        ErrorAPITests.problem(try await server.post("/api/v1/namespaces/docs/documents", ["text": "x", "format": "exe"]), 400, field: "format")
        ErrorAPITests.problem(try await server.post("/api/v1/namespaces/missing/documents", ["text": "x"]), 404)

        let before = try server.store.namespace("docs").count
        #expect(try await server.delete("/api/v1/namespaces/docs/documents/\(id)").status == 204)
        ErrorAPITests.problem(try await server.get("/api/v1/namespaces/docs/documents/\(id)"), 404, code: "document_not_found")
        ErrorAPITests.problem(try await server.delete("/api/v1/namespaces/docs/documents/\(id)"), 404)
        #expect(try server.store.namespace("docs").count < before)
        #expect(try server.store.ids(ofDocument: id, in: "docs").isEmpty)
        try await server.stop()
    }
}
