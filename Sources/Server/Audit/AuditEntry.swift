import Foundation

/// One audit record: who did what to which resource, with what outcome, and which documents they were shown.
///
/// Holds identifiers only: route patterns or action names, ids, statuses. Never query text, chunk text,
/// request bodies or raw paths (user-supplied ids pass through `PIIRedactor` first; see `AuditNote`).
public struct AuditEntry: Sendable, Equatable {
    /// Position in the chain, from 1; 0 until written.
    public var id: Int64
    /// When the request finished (microsecond precision, the precision that is hashed).
    public var time: Date
    /// `Principal.id` of the caller (`local` without authentication), or `system` for retention.
    public var principal: String
    /// A named action (`namespace.create`, `document.delete`, `audit.read` …) or `METHOD /route/{pattern}`.
    public var action: String
    public var namespace: String?
    /// Ids the request named or created: document, job, key ids (at most `AuditNote.maxResources`).
    public var resourceIDs: [String]
    /// The HTTP status of the response.
    public var status: Int
    public var requestID: String
    /// Distinct document ids in the results shown to the caller (search hits, answer sources, listed
    /// documents), in order, at most `AuditNote.maxShown`.
    public var shownDocumentIDs: [String]
    /// Distinct shown document ids beyond `maxShown` that were not stored.
    public var shownOmitted: Int
    /// `hash` of the previous entry (64 zeros for the first entry ever written).
    public var prevHash: String
    /// SHA-256 of `prevHash` and the canonical encoding of this entry (`AuditChain`), lower-case hex.
    public var hash: String

    public init(id: Int64 = 0, time: Date = Date(), principal: String, action: String, namespace: String? = nil,
                resourceIDs: [String] = [], status: Int, requestID: String, shownDocumentIDs: [String] = [],
                shownOmitted: Int = 0, prevHash: String = "", hash: String = "") {
        self.id = id
        self.time = AuditChain.microseconds(time)
        self.principal = principal
        self.action = action
        self.namespace = namespace
        self.resourceIDs = resourceIDs
        self.status = status
        self.requestID = requestID
        self.shownDocumentIDs = shownDocumentIDs
        self.shownOmitted = shownOmitted
        self.prevHash = prevHash
        self.hash = hash
    }

    /// The wire shape of `GET /api/v1/audit` and `ragctl audit --json`.
    public var jsonObject: [String: Any] {
        ["id": id, "time": RFC3339.format(time), "principal": principal, "action": action,
         "namespace": namespace as Any? ?? NSNull(), "resource_ids": resourceIDs, "status": status, "request_id": requestID,
         "shown_document_ids": shownDocumentIDs, "shown_omitted": shownOmitted, "prev_hash": prevHash, "hash": hash]
    }

}
