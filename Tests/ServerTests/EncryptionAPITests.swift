import Foundation
import Retrieval
import Testing
import TestSupport
import VectorStore

/// The HTTP API over an encrypted store: uploads (with a title set by the request), search in every mode,
/// document reads, answers and feedback work as before, and the store's files hold none of the text.
@Suite struct EncryptionAPITests {
    @Test func anEncryptedStoreServesTheAPIAndKeepsNothingReadable() async throws {
        let dir = TemporaryDirectory("server-enc")
        let key = try randomEncryptionKey()
        let server = try await LiveServer.start(dir: dir, store: try openServerStore(dir, key: key))
        #expect(server.store.isEncrypted)
        #expect(try await server.post("/api/v1/namespaces", ["name": "vault"]).status == 201)
        let text = "# Lantern protocol\n\nThe lantern protocol requires the cobalt heron passphrase before the vault opens."
        let created = try await server.post("/api/v1/namespaces/vault/documents",
                                            ["text": text, "title": "Cobalt heron handbook", "source": "vault/lantern.md"])
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(((created.json["documents"] as? [[String: Any]])?.first?["id"]) as? String)

        for mode in ["dense", "bm25", "hybrid"] {
            let reply = try await server.post("/api/v1/search", ["query": "cobalt heron passphrase", "namespace": "vault", "mode": mode])
            let first = try #require((reply.json["results"] as? [[String: Any]])?.first, "\(mode): \(reply.text)")
            #expect((first["text"] as? String)?.contains("cobalt heron passphrase") == true, "\(mode)")
            #expect(first["title"] as? String == "Cobalt heron handbook", "\(mode)")
        }
        let document = try await server.get("/api/v1/namespaces/vault/documents/\(id)").json
        #expect(document["title"] as? String == "Cobalt heron handbook")
        #expect(((document["chunks"] as? [[String: Any]])?.first?["text"] as? String)?.contains("lantern protocol") == true)
        let answer = try await server.post("/api/v1/query", ["query": "What opens the vault under the lantern protocol?", "namespace": "vault"])
        #expect(answer.status == 200 && (answer.json["answer"] as? String)?.contains("cobalt heron") == true, "\(answer.text)")
        let queryID = try #require(answer.json["query_id"] as? String)
        #expect(try await server.post("/api/v1/feedback", ["query_id": queryID, "rating": 4, "comment": "heron answer helped"]).status == 201)

        // A sealed chunk altered on disk is the server's error (500, problem+json naming the row), not garbage.
        var sealed = try #require(try server.store.query("SELECT text FROM chunks WHERE namespace = 'vault'").first?.first?.bytes)
        sealed[20] ^= 0x04
        try server.store.write { tx in try tx.execute("UPDATE chunks SET text = ? WHERE namespace = 'vault'", [.blob(sealed)]) }
        let broken = try await server.post("/api/v1/search", ["query": "cobalt heron passphrase", "namespace": "vault", "mode": "dense"])
        #expect(broken.status == 500 && broken.json["code"] as? String == "decryption_failed", "\(broken.text)")
        #expect((broken.json["detail"] as? String)?.contains("chunks.text") == true && !broken.text.contains("cobalt"))
        try await server.stop()
        try server.store.checkpoint()

        let leaks = DiskScan.occurrences(of: ["cobalt heron", "Cobalt heron", "lantern protocol", "Lantern protocol", "heron answer",
                                              "What opens the vault"], under: dir.file("data"))
        #expect(leaks.isEmpty, "\(leaks)")
        // Reopened with the key, the feedback and the logged question read back.
        let reopened = try openServerStore(dir, key: key)
        let log = QueryLog(store: reopened)
        #expect(try log.entry(id: queryID)?.queryText == "What opens the vault under the lantern protocol?")
        #expect(try log.feedback(for: queryID).first?.comment == "heron answer helped")
    }
}
