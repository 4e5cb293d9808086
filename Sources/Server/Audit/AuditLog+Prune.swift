import Foundation
import VectorStore

extension AuditLog {
    /// The action of the entry each pruning transaction appends: principal `system`, resource ids
    /// `through:<last deleted id>`, `hash:<its hash>` and `count:<entries deleted>`.
    public static let pruneAction = "audit.prune"

    /// Deletes the entries older than `cutoff` from the head of the chain, keeping it verifiable.
    ///
    /// Only a prefix of the chain goes (up to the first entry at or after `cutoff`), at most `batch` entries
    /// per transaction. Each transaction first checks the entries it deletes (so tampered evidence is never
    /// silently discarded), then deletes them, moves the anchor to the last one and appends an
    /// `audit.prune` entry recording the new anchor, which `verify` compares with the anchor row.
    /// - Returns: the number of entries deleted.
    /// - Throws: `AuditError(.tampered)` (nothing more is deleted) when those entries do not verify;
    ///   `VectorStoreError` when the store fails.
    @discardableResult
    public func prune(before cutoff: Date, now: Date = Date(), batch: Int = 10_000) throws -> Int {
        try flush()
        var total = 0
        while true {
            let deleted = try store.write { tx in try pruneBatch(tx, cutoff: cutoff, now: now, batch: max(1, batch)) }
            total += deleted
            if deleted < batch { return total }
        }
    }

    private func pruneBatch(_ tx: WriteTransaction, cutoff: Date, now: Date, batch: Int) throws -> Int {
        let anchor = try AuditAnchor.read(tx.query)
        let start = anchor?.lastID ?? 0
        let cutoffSeconds = cutoff.timeIntervalSince1970
        // Walk the primary key from the anchor: the first entry to keep, if any lies within one batch.
        let rows = try tx.query("SELECT \(Self.columns) FROM audit_log WHERE id > ? ORDER BY id LIMIT ?",
                                [.integer(start), .integer(Int64(batch + 1))])
        var checker = ChainChecker(anchor: anchor)
        var doomed = 0
        for row in rows {
            guard (row[1].double ?? 0) < cutoffSeconds, doomed < batch else { break }
            if let broken = checker.check(row) {
                throw AuditError(.tampered, "not pruning: \(broken.reason)", entryID: broken.id)
            }
            doomed += 1
        }
        guard doomed > 0 else { return 0 }
        let through = checker.lastID
        try tx.execute("DELETE FROM audit_log WHERE id <= ?", [.integer(through)])
        try tx.execute("""
            INSERT INTO audit_anchor(id, last_id, last_hash, pruned, pruned_at) VALUES (1, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET last_id = excluded.last_id, last_hash = excluded.last_hash,
                pruned = audit_anchor.pruned + excluded.pruned, pruned_at = excluded.pruned_at
            """, [.integer(through), .text(checker.prev), .integer(Int64(doomed)), .real(now.timeIntervalSince1970)])
        let note = AuditEntry(time: now, principal: "system", action: Self.pruneAction,
                              resourceIDs: ["through:\(through)", "hash:\(checker.prev)", "count:\(doomed)"],
                              status: 200, requestID: "retention")
        _ = try Self.append([note], in: tx)
        return doomed
    }
}
