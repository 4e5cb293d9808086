import Foundation
import VectorStore

/// The `audit_anchor` row: where the chain starts after retention deleted its head.
public struct AuditAnchor: Sendable, Equatable {
    /// Id of the last deleted entry (the first kept one is `lastID + 1`).
    public var lastID: Int64
    /// Hash of the last deleted entry (the first kept entry's `prev_hash`).
    public var lastHash: String
    /// Entries deleted so far.
    public var pruned: Int64
    public var prunedAt: Date

    static func read(_ query: (String, [SQLValue]) throws -> [[SQLValue]]) throws -> AuditAnchor? {
        guard let row = try query("SELECT last_id, last_hash, pruned, pruned_at FROM audit_anchor WHERE id = 1", []).first else { return nil }
        return AuditAnchor(lastID: Int64(row[0].int ?? 0), lastHash: row[1].string ?? "", pruned: Int64(row[2].int ?? 0),
                           prunedAt: Date(timeIntervalSince1970: row[3].double ?? 0))
    }
}

