import Foundation
import Logging
import Retrieval
import VectorStore

/// The append-only, hash-chained audit log (`audit_log`) in the store's SQLite file.
///
/// `record` appends an entry; ids, `prev_hash` and `hash` are assigned when the entry is written, inside the
/// write transaction, from the chain's current head, so entries written by several processes (the server and
/// a `ragctl` command) still form one chain. With `flushInterval` set, entries are buffered and written
/// together at most that many seconds later: a server answering thousands of requests a second cannot pay
/// one fsync each. Reads flush first. A crash loses at most the last interval of entries.
///
/// Retention (`prune`, in `AuditLog+Prune.swift`) deletes a prefix of the chain and moves the anchor;
/// `verify` (`AuditLog+Verify.swift`) checks the chain from the anchor to the head.
public struct AuditLog: Sendable {
    let store: VectorStore
    private let buffer: BatchBuffer<AuditEntry>?
    /// Whether `record` only queues the entry (a `flushInterval` was given), so it never waits for SQLite.
    public var writesInBatches: Bool { buffer != nil }

    /// - Parameters:
    ///   - store: opened with `AuditSchema.migrations`.
    ///   - flushInterval: seconds entries may wait in memory; nil writes each entry in its own transaction.
    ///   - logger: where failed background writes are reported (they are kept and retried).
    public init(store: VectorStore, flushInterval: Double? = nil, logger: Logger? = nil) {
        self.store = store
        buffer = flushInterval.map { interval in
            BatchBuffer(interval: max(0.001, interval), capacity: Self.bufferCapacity,
                        write: { entries in try AuditLog.append(entries, to: store) },
                        failed: { error, pending in
                            logger?.error("audit log write failed; entries kept for the next flush",
                                          metadata: ["error": "\(error)", "pending": "\(pending)"])
                        },
                        dropped: { count in
                            logger?.error("audit log buffer full: oldest entries dropped", metadata: ["dropped": "\(count)"])
                        })
        }
    }

    /// Entries kept in memory while writes fail; beyond it the oldest are dropped (and logged).
    static let bufferCapacity = 200_000

    /// Appends `entry` (its id and hashes are assigned when it is written).
    /// - Throws: `VectorStoreError` when an unbuffered write fails (e.g. the schema is not migrated).
    public func record(_ entry: AuditEntry) throws {
        if let buffer {
            buffer.append(entry)
        } else {
            try Self.append([entry], to: store)
        }
    }

    /// Writes buffered entries now (no-op without `flushInterval`). Call at shutdown.
    public func flush() throws {
        try buffer?.flush()
    }

    /// Entries waiting in memory.
    public var pending: Int { buffer?.count ?? 0 }

    /// Writes `entries` in one transaction, chained after the current head; returns them as stored.
    @discardableResult
    static func append(_ entries: [AuditEntry], to store: VectorStore) throws -> [AuditEntry] {
        guard !entries.isEmpty else { return [] }
        return try store.write { tx in try append(entries, in: tx) }
    }

    static func append(_ entries: [AuditEntry], in tx: WriteTransaction) throws -> [AuditEntry] {
        var (last, prev) = try head(tx.query)
        var written: [AuditEntry] = []
        written.reserveCapacity(entries.count)
        for var entry in entries {
            last += 1
            entry.id = last
            entry.prevHash = prev
            entry.hash = AuditChain.hash(entry, prev: prev)
            try tx.execute(insert, [
                .integer(entry.id), .real(entry.time.timeIntervalSince1970), .text(entry.principal), .text(entry.action),
                entry.namespace.map(SQLValue.text) ?? .null, .text(AuditChain.encodeList(entry.resourceIDs)),
                .integer(Int64(entry.status)), .text(entry.requestID), .text(AuditChain.encodeList(entry.shownDocumentIDs)),
                .integer(Int64(entry.shownOmitted)), .text(entry.prevHash), .text(entry.hash),
            ])
            prev = entry.hash
            written.append(entry)
        }
        return written
    }

    static let insert = """
        INSERT INTO audit_log(id, created_at, principal, action, namespace, resource_ids, status, request_id,
                              shown_document_ids, shown_omitted, prev_hash, hash)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// The highest id ever issued and the hash a new entry chains to: the newest row's, else the anchor's,
    /// else the genesis hash. (A deleted tail leaves `sqlite_sequence` ahead of the rows: the next entry then
    /// chains to the newest surviving row and `verify` reports the gap.)
    static func head(_ query: (String, [SQLValue]) throws -> [[SQLValue]]) throws -> (id: Int64, hash: String) {
        let sequence = try query("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'", []).first?[0].int.map(Int64.init) ?? 0
        let anchor = try AuditAnchor.read(query)
        let newest = try query("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", []).first
        // Never reuse an id, even if `sqlite_sequence` was edited.
        let lastID = max(sequence, anchor?.lastID ?? 0, Int64(newest?[0].int ?? 0))
        return (lastID, newest?[1].string ?? anchor?.lastHash ?? AuditChain.genesis)
    }

    // MARK: Reading

    /// A page of the log, newest first.
    public struct Query: Sendable {
        public var limit = 100
        /// Only entries at or after this time.
        public var since: Date?
        /// Only entries with ids below this (the previous page's last id).
        public var beforeID: Int64?
        public var principal: String?
        public var action: String?
        public var namespace: String?

        public init(limit: Int = 100, since: Date? = nil, beforeID: Int64? = nil, principal: String? = nil,
                    action: String? = nil, namespace: String? = nil) {
            self.limit = limit
            self.since = since
            self.beforeID = beforeID
            self.principal = principal
            self.action = action
            self.namespace = namespace
        }
    }

    /// Entries matching `query`, newest first (buffered entries are written first).
    public func list(_ query: Query = Query()) throws -> [AuditEntry] {
        try flush()
        var clauses: [String] = []
        var arguments: [SQLValue] = []
        if let since = query.since {
            clauses.append("created_at >= ?")
            arguments.append(.real(since.timeIntervalSince1970))
        }
        if let beforeID = query.beforeID {
            clauses.append("id < ?")
            arguments.append(.integer(beforeID))
        }
        for (column, value) in [("principal", query.principal), ("action", query.action), ("namespace", query.namespace)] {
            if let value {
                clauses.append("\(column) = ?")
                arguments.append(.text(value))
            }
        }
        let filter = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        arguments.append(.integer(Int64(max(0, query.limit))))
        return try store.query("SELECT \(Self.columns) FROM audit_log \(filter) ORDER BY id DESC LIMIT ?", arguments).map { Self.entry($0) }
    }

    static let columns = """
        id, created_at, principal, action, namespace, resource_ids, status, request_id, shown_document_ids, shown_omitted, prev_hash, hash
        """

    /// A row of `columns`; damaged id lists read as empty (`verify` reports them).
    static func entry(_ row: [SQLValue]) -> AuditEntry {
        var entry = AuditEntry(id: Int64(row[0].int ?? 0), time: Date(timeIntervalSince1970: row[1].double ?? 0),
                               principal: row[2].string ?? "", action: row[3].string ?? "", namespace: row[4].string,
                               resourceIDs: AuditChain.decodeList(row[5].string ?? "") ?? [], status: row[6].int ?? 0,
                               requestID: row[7].string ?? "", shownDocumentIDs: AuditChain.decodeList(row[8].string ?? "") ?? [],
                               shownOmitted: row[9].int ?? 0, prevHash: row[10].string ?? "", hash: row[11].string ?? "")
        entry.time = Date(timeIntervalSince1970: row[1].double ?? 0)   // as stored, not re-rounded
        return entry
    }
}
