import Foundation

/// The result of `AuditLog.verify`: what was checked and the first place the chain breaks, if any.
public struct AuditVerification: Sendable, Equatable {
    public struct Break: Sendable, Equatable {
        /// The first entry at fault (for a deleted entry, its id).
        public var id: Int64
        public var reason: String
    }

    /// Entries checked (from the anchor, or the first entry ever, to the head).
    public var entries: Int
    public var firstID: Int64?
    public var headID: Int64?
    /// The hash the next entry will chain to: keep a copy elsewhere to detect a rewritten chain later.
    public var headHash: String
    public var anchor: AuditAnchor?
    public var broken: Break?

    public var ok: Bool { broken == nil }

    /// `{"ok", "entries", "first_id", "head_id", "head_hash", "anchor", "broken"}` for `ragctl audit verify --json`.
    public var jsonObject: [String: Any] {
        ["ok": ok, "entries": entries, "first_id": firstID as Any? ?? NSNull(), "head_id": headID as Any? ?? NSNull(),
         "head_hash": headHash,
         "anchor": anchor.map { ["last_id": $0.lastID, "last_hash": $0.lastHash, "pruned": $0.pruned,
                                 "pruned_at": RFC3339.format($0.prunedAt)] as [String: Any] } as Any? ?? NSNull(),
         "broken": broken.map { ["id": $0.id, "reason": $0.reason] as [String: Any] } as Any? ?? NSNull()]
    }
}
