import Crypto
import Foundation
import Ingest
import Retrieval

/// The hash chain of the audit log: `hash = SHA-256(prev_hash ‖ canonical(entry))`, hex.
///
/// The canonical encoding is versioned (`audit.v1`) and injective: every field is written as
/// `<utf8 length>:<bytes>;` (an absent namespace as `-;`, a list as `<count>[…]`), so no two different entries
/// encode alike whatever characters their strings hold. It covers every stored column but the hashes
/// themselves: the id (so rows cannot be renumbered or reordered), the time in whole microseconds, principal,
/// action, namespace, resource ids, status, request id, shown document ids and the omitted count.
///
/// The chain makes edits, deletions and reordering detectable by `AuditLog.verify`. It is not a signature:
/// someone who can write the database file can recompute every hash after an edit, so keep a copy of the head
/// (`ragctl audit verify --json` prints `head_id` and `head_hash`) outside the machine to rule that out.
public enum AuditChain {
    /// `prev_hash` of the first entry ever written.
    public static let genesis = String(repeating: "0", count: 64)

    /// `date` rounded to whole microseconds: what the hash covers, so a stored REAL reproduces it exactly.
    static func microseconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: Double(micros(date)) / 1_000_000)
    }

    static func micros(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    public static func hash(_ entry: AuditEntry, prev: String) -> String {
        var hasher = SHA256()
        var prev = prev
        prev.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        hasher.update(data: canonical(entry))
        return Hashing.hex(hasher.finalize())
    }

    static func canonical(_ entry: AuditEntry) -> [UInt8] {
        var out = CanonicalWriter()
        out.bytes.append(contentsOf: "audit.v1;".utf8)
        out.field(entry.id)
        out.field(micros(entry.time))
        out.field(entry.principal)
        out.field(entry.action)
        if let namespace = entry.namespace { out.field(namespace) } else { out.bytes.append(contentsOf: "-;".utf8) }
        out.list(entry.resourceIDs)
        out.field(Int64(entry.status))
        out.field(entry.requestID)
        out.list(entry.shownDocumentIDs)
        out.field(Int64(entry.shownOmitted))
        return out.bytes
    }

    /// `<utf8 length>:<bytes>;` fields into one buffer, integers in decimal without intermediate strings.
    private struct CanonicalWriter {
        var bytes: [UInt8] = []

        init() { bytes.reserveCapacity(512) }

        mutating func field(_ text: String) {
            let utf8 = text.utf8
            decimal(UInt64(utf8.count))
            bytes.append(UInt8(ascii: ":"))
            bytes.append(contentsOf: utf8)
            bytes.append(UInt8(ascii: ";"))
        }

        mutating func field(_ value: Int64) {
            let sign = value < 0 ? 1 : 0
            decimal(UInt64(Self.digitCount(value.magnitude) + sign))
            bytes.append(UInt8(ascii: ":"))
            if sign == 1 { bytes.append(UInt8(ascii: "-")) }
            decimal(value.magnitude)
            bytes.append(UInt8(ascii: ";"))
        }

        mutating func list(_ items: [String]) {
            decimal(UInt64(items.count))
            bytes.append(UInt8(ascii: "["))
            for item in items { field(item) }
            bytes.append(UInt8(ascii: "]"))
        }

        private static func digitCount(_ value: UInt64) -> Int {
            var count = 1
            var rest = value
            while rest >= 10 {
                rest /= 10
                count += 1
            }
            return count
        }

        /// `value` in decimal, written in place.
        private mutating func decimal(_ value: UInt64) {
            if value < 10 {
                bytes.append(UInt8(ascii: "0") + UInt8(value))
                return
            }
            let count = Self.digitCount(value)
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: count))
            var rest = value
            for index in stride(from: start + count - 1, through: start, by: -1) {
                bytes[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
        }
    }

    // MARK: Id lists as stored (JSON arrays of strings)

    /// `["a","b"]` with JSON string escaping; cheaper than `JSONSerialization` on the write path.
    static func encodeList(_ items: [String]) -> String {
        if items.isEmpty { return "[]" }
        var out: [UInt8] = []
        out.reserveCapacity(items.reduce(2) { $0 + $1.utf8.count + 3 })
        out.append(UInt8(ascii: "["))
        for (index, item) in items.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.writeString(item, into: &out)
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    /// The strings of a stored list; nil when the text is not a JSON array of strings (a damaged row).
    /// Lists without escapes (ids nearly always) are split directly; others go through `JSONSerialization`.
    static func decodeList(_ text: String) -> [String]? {
        if text == "[]" { return [] }
        let utf8 = Array(text.utf8)
        if !utf8.contains(UInt8(ascii: "\\")), let items = splitPlain(utf8) { return items }
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(utf8)) as? [Any] else { return nil }
        var items: [String] = []
        items.reserveCapacity(parsed.count)
        for item in parsed {
            guard let string = item as? String else { return nil }
            items.append(string)
        }
        return items
    }

    /// `["a","b"]` exactly as `encodeList` writes it when nothing needed escaping; nil for anything else.
    private static func splitPlain(_ bytes: [UInt8]) -> [String]? {
        guard bytes.count >= 4, bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]") else { return nil }
        var items: [String] = []
        var index = 1
        while true {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            let start = index + 1
            guard let end = bytes[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            if bytes[start..<end].contains(where: { $0 < 0x20 }) { return nil }
            items.append(String(decoding: bytes[start..<end], as: UTF8.self))
            index = end + 1
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "]") { return index == bytes.count - 1 ? items : nil }
            guard bytes[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
    }
}
