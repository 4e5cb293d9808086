import Foundation
import VectorStore

extension AuditLog {
    /// Checks the whole chain from the anchor (or the first entry ever) to the head, reading `pageSize` rows
    /// at a time. Finds edited rows (the hash no longer matches), deleted rows (a gap in the ids), reordered
    /// or renumbered rows (the id is hashed, and `prev_hash` links each row to the one before), a deleted tail
    /// (`sqlite_sequence` is ahead of the last row) and a forged anchor (it must be the one the newest
    /// `audit.prune` entry records).
    ///
    /// Entries written while it runs are not checked (it stops at the head it saw first); if retention moves
    /// the anchor meanwhile, it starts again.
    /// - Throws: `VectorStoreError` when the store cannot be read.
    public func verify(pageSize: Int = 5000) throws -> AuditVerification {
        try flush()
        var result = try verifyOnce(pageSize: pageSize)
        for _ in 0..<3 where !result.ok {
            // A failure seen while retention moved the anchor may be that move; look again.
            guard try AuditAnchor.read(store.query) != result.anchor else { break }
            result = try verifyOnce(pageSize: pageSize)
        }
        return result
    }

    private func verifyOnce(pageSize: Int) throws -> AuditVerification {
        let anchor = try AuditAnchor.read(store.query)
        let sequence = try store.query("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").first?[0].int.map(Int64.init) ?? 0
        let newest = Int64(try store.query("SELECT MAX(id) FROM audit_log").first?[0].int ?? 0)
        // Checked up to the head seen now (entries appended meanwhile are left for the next run).
        let bound = max(sequence, newest, anchor?.lastID ?? 0)
        var checker = ChainChecker(anchor: anchor)
        var result = AuditVerification(entries: 0, headHash: checker.prev, anchor: anchor)
        var cursor: Int64 = 0
        var newestPrune: AuditEntry?
        scan: while true {
            let rows = try store.query("SELECT \(Self.columns) FROM audit_log WHERE id > ? AND id <= ? ORDER BY id LIMIT ?",
                                       [.integer(cursor), .integer(bound), .integer(Int64(max(1, pageSize)))])
            for row in rows {
                if let broken = checker.check(row) {
                    result.broken = broken
                    break scan
                }
                let entry = Self.entry(row)
                if entry.action == Self.pruneAction { newestPrune = entry }
                result.entries += 1
                result.firstID = result.firstID ?? entry.id
                result.headID = entry.id
                cursor = entry.id
            }
            if rows.count < pageSize { break }
        }
        result.headHash = checker.prev
        if result.broken == nil, sequence > checker.lastID {
            result.broken = .init(id: checker.lastID + 1, reason: checker.lastID + 1 == sequence
                ? "entry \(sequence) (the newest written) is missing"
                : "entries \(checker.lastID + 1)–\(sequence) (the newest written) are missing")
        }
        if result.broken == nil, let anchor {
            let recorded = newestPrune.map { Set($0.resourceIDs) } ?? []
            if !recorded.contains("through:\(anchor.lastID)") || !recorded.contains("hash:\(anchor.lastHash)") {
                result.broken = .init(id: newestPrune?.id ?? anchor.lastID + 1,
                                      reason: "the anchor (pruned through entry \(anchor.lastID)) is not the one the newest audit.prune entry records")
            }
        }
        return result
    }
}

/// Walks entries in id order and reports the first one that does not continue the chain.
struct ChainChecker {
    /// The hash the next entry must carry as `prev_hash`.
    private(set) var prev: String
    /// The id of the last entry that checked out (or the anchor's).
    private(set) var lastID: Int64

    init(anchor: AuditAnchor?) {
        prev = anchor?.lastHash ?? AuditChain.genesis
        lastID = anchor?.lastID ?? 0
    }

    /// Checks a row of `AuditLog.columns`; on success it becomes the new head.
    mutating func check(_ row: [SQLValue]) -> AuditVerification.Break? {
        let entry = AuditLog.entry(row)
        let expected = lastID + 1
        if entry.id < expected {
            return .init(id: entry.id, reason: "entry \(entry.id) lies before the chain's start (entry \(expected)): the anchor or the ids were changed")
        }
        if entry.id > expected {
            return .init(id: expected, reason: entry.id == expected + 1
                ? "entry \(expected) is missing (entry \(entry.id) follows entry \(lastID))"
                : "entries \(expected)–\(entry.id - 1) are missing (entry \(entry.id) follows entry \(lastID))")
        }
        if AuditChain.decodeList(row[5].string ?? "") == nil || AuditChain.decodeList(row[8].string ?? "") == nil {
            return .init(id: entry.id, reason: "entry \(entry.id) has a damaged id list")
        }
        if entry.prevHash != prev {
            return .init(id: entry.id, reason: "entry \(entry.id) does not link to entry \(lastID) (prev_hash differs from its hash)")
        }
        if AuditChain.hash(entry, prev: prev) != entry.hash {
            return .init(id: entry.id, reason: "entry \(entry.id) was modified (its content does not match its hash)")
        }
        prev = entry.hash
        lastID = entry.id
        return nil
    }
}
