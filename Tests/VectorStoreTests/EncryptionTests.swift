import Foundation
import Testing
import TestSupport
@testable import VectorStore

@Suite struct EncryptionKeyTests {
    @Test func hexAndBase64NameTheSameKey() throws {
        let bytes = (0..<32).map { UInt8($0 * 7 % 256) }
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let base64 = Data(bytes).base64EncodedString()
        let urlSafe = base64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        let ids = try [hex, hex.uppercased(), base64, " \(base64)\n", urlSafe].map { try EncryptionKey(encoded: $0).id }
        #expect(Set(ids).count == 1)
        #expect(ids[0].count == 16)
        #expect(try EncryptionKey(bytes: bytes).id == ids[0])
        #expect(try EncryptionKey(encoded: EncryptionKey.generateEncoded()).id != ids[0])
    }

    @Test func badKeysAreRefusedWithoutEchoingThem() throws {
        for bad in ["", "secret-passphrase-that-is-not-a-key", String(repeating: "ab", count: 31), Data(count: 16).base64EncodedString(),
                    String(repeating: "zz", count: 32)] {
            #expect { try EncryptionKey(encoded: bad) } throws: { error in
                let error = error as? VectorStoreError
                return error?.code == .invalidEncryptionKey && (bad.count < 8 || error?.message.contains(bad) == false)
            }
        }
        #expect { try EncryptionKey(bytes: [1, 2, 3]) } throws: { ($0 as? VectorStoreError)?.code == .invalidEncryptionKey }
    }

    @Test func keyFilesMustBePrivate() throws {
        let dir = TemporaryDirectory("keyfile")
        let path = dir.file("store.key")
        let key = EncryptionKey.generateEncoded()
        try (key + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o644)
        #expect { try EncryptionKey(file: path) } throws: {
            ($0 as? VectorStoreError)?.code == .invalidEncryptionKey && "\($0)".contains("chmod 600") && "\($0)".contains(path)
        }
        chmod(path, 0o600)
        #expect(try EncryptionKey(file: path).id == EncryptionKey(encoded: key).id)
        #expect { try EncryptionKey(file: dir.file("missing.key")) } throws: { "\($0)".contains("missing.key") }
    }
}

/// Encrypted stores: what is sealed, equality with a plaintext store, the checks at open, tampering, rotation.
@Suite struct EncryptedStoreTests {
    static let dimension = 16

    /// Seeded records whose metadata holds text a scan can look for.
    static func records(_ count: Int = 300, seed: UInt64 = 7) -> [VectorRecord] {
        let vectors = SyntheticVectors.clustered(count: count, dimension: dimension, clusters: 6, seed: seed)
        return vectors.enumerated().map { i, vector in
            VectorRecord(id: "r\(i)", documentID: "d\(i / 3)", vector: vector, metadata: [
                "category": .string(["alpha", "beta", "gamma"][i % 3]), "n": .number(Double(i % 10)),
                "access_level": .string(["public", "internal", "restricted"][i % 3]),
                "title": .string("Quarterly zanzibar figures \(i)"), "tags": .strings(["t\(i % 4)"]),
                MetadataKey.createdAt: .number(1_767_225_600 + Double(i)),
            ])
        }
    }

    static func open(_ dir: TemporaryDirectory, key: EncryptionKey?) throws -> VectorStore {
        var configuration = VectorStore.Configuration()
        configuration.durability = .normal
        configuration.encryptionKey = key
        return try VectorStore(directory: dir.path, configuration: configuration)
    }

    static func filled(_ dir: TemporaryDirectory, key: EncryptionKey?, records: [VectorRecord] = records()) throws -> VectorStore {
        let store = try open(dir, key: key)
        try store.createNamespace("ns", dimension: dimension)
        try store.upsert(records, into: "ns")
        return store
    }

    /// Everything a caller can observe of a store: searches under filters and clearances, and stored records.
    static func observe(_ store: VectorStore) throws -> [String] {
        var seen: [String] = []
        let queries = SyntheticVectors.random(count: 12, dimension: dimension, seed: 99)
        let filters: [Filter] = [.all, try Filter.parse(json: #"{"category": "beta"}"#), try Filter.parse(json: #"{"n": {"$gte": 3, "$lt": 7}}"#),
                                 try Filter.parse(json: #"{"tags": {"$contains": "t1"}}"#)]
        for filter in filters {
            for clearance in AccessLevel.allCases {
                for hits in try store.search("ns", vectors: queries, k: 10, filter: filter, clearance: clearance) {
                    seen.append(hits.map { "\($0.id) \($0.score) \($0.documentID ?? "-") \(sorted($0.metadata))" }.joined(separator: "|"))
                }
            }
        }
        seen += try store.get(ids: (0..<300).map { "r\($0)" }, from: "ns").map { "\($0.id) \($0.vector) \(sorted($0.metadata))" }
        return seen
    }

    static func sorted(_ metadata: Metadata) -> String {
        metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    static var storePath: (TemporaryDirectory) -> String { { $0.file("store.sqlite") } }

    @Test func searchesEqualAPlaintextStoreAndSurviveReopen() throws {
        let plainDir = TemporaryDirectory("enc-plain"), encDir = TemporaryDirectory("enc-sealed")
        let key = try randomEncryptionKey()
        let expected = try Self.observe(try Self.filled(plainDir, key: nil))
        do {
            let store = try Self.filled(encDir, key: key)
            #expect(store.isEncrypted)
            #expect(try Self.observe(store) == expected)
            // What SQLite holds: 37 bytes of header, nonce and tag around each value, and no readable metadata.
            for row in try store.query("SELECT vector, metadata FROM vectors") {
                #expect(row[0].bytes?.count == Self.dimension * 4 + 37)
                #expect(row[1].bytes != nil)
            }
            try store.checkpoint()
        }
        #expect(try Self.observe(try Self.open(encDir, key: key)) == expected)
        // The plaintext store's file holds the titles; the encrypted one does not (so the scan can fail).
        #expect(DiskScan.occurrences(of: ["Quarterly zanzibar figures"], under: plainDir.path).isEmpty == false)
        #expect(DiskScan.occurrences(of: ["Quarterly zanzibar figures", "zanzibar", "alpha", "gamma"], under: encDir.path).isEmpty)
    }

    @Test func wrongMissingAndUnexpectedKeysAreClearErrorsThatChangeNothing() throws {
        let encDir = TemporaryDirectory("enc-keys"), plainDir = TemporaryDirectory("enc-keys-plain")
        let key = try randomEncryptionKey(), other = try randomEncryptionKey()
        do {
            let store = try Self.filled(encDir, key: key)
            try store.checkpoint()
            let plain = try Self.filled(plainDir, key: nil)
            try plain.checkpoint()
        }
        let encBefore = fileBytes(Self.storePath(encDir)), plainBefore = fileBytes(Self.storePath(plainDir))

        #expect { try Self.open(encDir, key: other) } throws: { error in
            let error = error as? VectorStoreError
            return error?.code == .encryptionKeyMismatch && error!.message.contains(key.id) && error!.message.contains(other.id)
                && error!.message.contains(Self.storePath(encDir)) && error!.message.contains("does not match")
        }
        #expect { try Self.open(encDir, key: nil) } throws: { error in
            let error = error as? VectorStoreError
            return error?.code == .encryptionKeyMissing && error!.message.contains("is encrypted") && error!.message.contains(key.id)
        }
        #expect { try Self.open(plainDir, key: key) } throws: { error in
            let error = error as? VectorStoreError
            return error?.code == .storeNotEncrypted && error!.message.contains("unencrypted data") && error!.message.contains("vectors.")
        }
        #expect(fileBytes(Self.storePath(encDir)) == encBefore)
        #expect(fileBytes(Self.storePath(plainDir)) == plainBefore)
        // And both still open as they were.
        #expect(try Self.open(encDir, key: key).namespace("ns").count == 300)
        #expect(try Self.open(plainDir, key: nil).namespace("ns").count == 300)
    }

    @Test func aStoreWithoutDataBecomesEncryptedWhenOpenedWithAKey() throws {
        let dir = TemporaryDirectory("enc-new")
        let key = try randomEncryptionKey()
        do {
            // Namespaces but no vectors yet: nothing to encrypt, so a key makes it an encrypted store.
            let plain = try Self.open(dir, key: nil)
            try plain.createNamespace("ns", dimension: Self.dimension)
        }
        do {
            let store = try Self.open(dir, key: key)
            #expect(store.isEncrypted)
            try store.upsert(Self.records(10), into: "ns")
        }
        #expect { try Self.open(dir, key: nil) } throws: { ($0 as? VectorStoreError)?.code == .encryptionKeyMissing }
        #expect(try Self.open(dir, key: key).namespace("ns").count == 10)
    }

    @Test func aStaleOpenerCannotWriteAfterTheStoreBecameEncrypted() throws {
        let dir = TemporaryDirectory("enc-stale")
        let plain = try Self.open(dir, key: nil)
        try plain.createNamespace("ns", dimension: Self.dimension)
        let key = try randomEncryptionKey()
        let encrypted = try Self.open(dir, key: key)
        #expect(encrypted.isEncrypted)
        // The first opener still believes the store is plaintext; its write must not mix plaintext in.
        #expect { try plain.upsert(Self.records(3), into: "ns") } throws: { error in
            (error as? VectorStoreError)?.code == .encryptionKeyMismatch && "\(error)".contains(key.id)
        }
        try encrypted.upsert(Self.records(3), into: "ns")
        #expect(try Self.open(dir, key: key).namespace("ns").count == 3)
    }

    /// Flips one byte of a stored value with plain SQL (as someone editing the file would).
    static func tamper(_ store: VectorStore, table: String, column: String, id: String, byte: Int = 30) throws -> [UInt8] {
        let original = try #require(try store.query("SELECT \(column) FROM \(table) WHERE id = ?", [.text(id)]).first?.first?.bytes)
        var flipped = original
        flipped[byte] ^= 0x01
        try store.write { tx in try tx.execute("UPDATE \(table) SET \(column) = ? WHERE id = ?", [.blob(flipped), .text(id)]) }
        return original
    }

    @Test func alteredOrMovedValuesAreErrorsNamingTheRow() throws {
        let dir = TemporaryDirectory("enc-tamper")
        let key = try randomEncryptionKey()
        let store = try Self.filled(dir, key: key)
        _ = try Self.tamper(store, table: "vectors", column: "vector", id: "r17")
        #expect { try Self.open(dir, key: key) } throws: { error in
            let error = error as? VectorStoreError
            return error?.code == .decryptionFailed && error!.message.contains("vectors.vector") && error!.message.contains("\"r17\"")
                && error!.message.contains("authentication failed")
        }
        // A flipped header byte (the key id) is named as such.
        let dir2 = TemporaryDirectory("enc-tamper2")
        let store2 = try Self.filled(dir2, key: key)
        _ = try Self.tamper(store2, table: "vectors", column: "metadata", id: "r3", byte: 4)
        #expect { try VectorStore(path: store2.path, configuration: { var c = VectorStore.Configuration(); c.encryptionKey = key; return c }()) }
            throws: { "\($0)".contains("vectors.metadata") && "\($0)".contains("\"r3\"") && "\($0)".contains("sealed with key id") }

        // A genuine sealed value moved to another row does not open either: values are bound to their row.
        let dir3 = TemporaryDirectory("enc-swap")
        let store3 = try Self.filled(dir3, key: key)
        let a = try #require(try store3.query("SELECT vector FROM vectors WHERE id = 'r1'").first?.first)
        try store3.write { tx in try tx.execute("UPDATE vectors SET vector = ? WHERE id = 'r2'", [a]) }
        #expect { try Self.open(dir3, key: key) } throws: { "\($0)".contains("\"r2\"") && "\($0)".contains("moved from another row") }
    }

    @Test func rotationMovesEveryValueToTheNewKeyAndBack() throws {
        let dir = TemporaryDirectory("enc-rotate")
        let k1 = try randomEncryptionKey(), k2 = try randomEncryptionKey()
        var expected: [String] = []
        do { expected = try Self.observe(try Self.filled(dir, key: k1)) }
        func configuration(_ key: EncryptionKey?) -> VectorStore.Configuration {
            var configuration = VectorStore.Configuration()
            configuration.encryptionKey = key
            return configuration
        }
        let report = try VectorStore.rotateEncryption(directory: dir.path, configuration: configuration(k1), to: k2)
        #expect(report.previousKeyID == k1.id && report.newKeyID == k2.id)
        #expect(report.values == ["vectors.vector": 300, "vectors.metadata": 300])
        #expect { try Self.open(dir, key: k1) } throws: { ($0 as? VectorStoreError)?.code == .encryptionKeyMismatch }
        #expect(try Self.observe(try Self.open(dir, key: k2)) == expected)
        #expect(fileBytes(dir.file("store.sqlite-wal")).isEmpty)

        // Decrypt: a plaintext store again, equal to before; then encrypt it afresh.
        let decrypted = try VectorStore.rotateEncryption(directory: dir.path, configuration: configuration(k2), to: nil)
        #expect(decrypted.newKeyID == nil && decrypted.total == 600)
        #expect(try Self.observe(try Self.open(dir, key: nil)) == expected)
        #expect(DiskScan.occurrences(of: ["Quarterly zanzibar figures"], under: dir.path).isEmpty == false)
        #expect { try VectorStore.rotateEncryption(directory: dir.path, configuration: configuration(nil), to: nil) } throws: {
            ($0 as? VectorStoreError)?.code == .invalidArgument
        }
        let encrypted = try VectorStore.rotateEncryption(directory: dir.path, configuration: configuration(nil), to: k1)
        #expect(encrypted.previousKeyID == nil && encrypted.newKeyID == k1.id)
        #expect(try Self.observe(try Self.open(dir, key: k1)) == expected)
        // No page of the plaintext form survives the rotation (checkpointed, vacuumed, secure_delete).
        #expect(DiskScan.occurrences(of: ["Quarterly zanzibar figures", "zanzibar"], under: dir.path).isEmpty)
        #expect { try VectorStore.rotateEncryption(directory: dir.path, configuration: configuration(k1), to: k1) } throws: {
            ($0 as? VectorStoreError)?.code == .invalidArgument && "\($0)".contains("current key")
        }
    }

    @Test func rotationNeedsTheStoreAloneAndIsAllOrNothing() throws {
        let dir = TemporaryDirectory("enc-rotate-fail")
        let k1 = try randomEncryptionKey(), k2 = try randomEncryptionKey()
        var configuration = VectorStore.Configuration()
        configuration.encryptionKey = k1
        var expected: [String] = []
        do {
            let store = try Self.filled(dir, key: k1)
            expected = try Self.observe(store)
            #expect { try VectorStore.rotateEncryption(directory: dir.path, configuration: configuration, to: k2) } throws: {
                ($0 as? VectorStoreError)?.code == .storeInUse && "\($0)".contains("another process")
            }
            // The last row in rowid order fails to open: every row before it was already re-sealed in the
            // transaction when the rotation stops.
            _ = try Self.tamper(store, table: "vectors", column: "metadata", id: "r299")
        }
        #expect { try VectorStore.rotateEncryption(directory: dir.path, configuration: configuration, to: k2) } throws: { error in
            (error as? VectorStoreError)?.code == .decryptionFailed && "\(error)".contains("\"r299\"") && "\(error)".contains("nothing was changed")
        }
        // Restore the row: the store opens with the old key and holds exactly what it held.
        do {
            let store = try VectorStore(path: dir.file("store.sqlite"), configuration: configuration, loadNamespaces: false)
            let sealed = try #require(try store.query("SELECT metadata FROM vectors WHERE id = 'r299'").first?.first?.bytes)
            try store.write { tx in try tx.execute("UPDATE vectors SET metadata = ? WHERE id = 'r299'", [.blob(Self.flip(sealed))]) }
        }
        #expect(try Self.observe(try Self.open(dir, key: k1)) == expected)
        #expect { try Self.open(dir, key: k2) } throws: { ($0 as? VectorStoreError)?.code == .encryptionKeyMismatch }
    }

    static func flip(_ bytes: [UInt8], at byte: Int = 30) -> [UInt8] {
        var copy = bytes
        copy[byte] ^= 0x01
        return copy
    }
}
