import Crypto
import Foundation

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
        hasher.update(data: Array(prev.utf8))
        hasher.update(data: canonical(entry))
        return hex(hasher.finalize())
    }

    static func canonical(_ entry: AuditEntry) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out.append(contentsOf: "audit.v1;".utf8)
        func field(_ text: String) {
            out.append(contentsOf: String(text.utf8.count).utf8)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: text.utf8)
            out.append(UInt8(ascii: ";"))
        }
        func list(_ items: [String]) {
            out.append(contentsOf: String(items.count).utf8)
            out.append(UInt8(ascii: "["))
            items.forEach(field)
            out.append(UInt8(ascii: "]"))
        }
        field(String(entry.id))
        field(String(micros(entry.time)))
        field(entry.principal)
        field(entry.action)
        if let namespace = entry.namespace { field(namespace) } else { out.append(contentsOf: "-;".utf8) }
        list(entry.resourceIDs)
        field(String(entry.status))
        field(entry.requestID)
        list(entry.shownDocumentIDs)
        field(String(entry.shownOmitted))
        return out
    }

    private static let digits = Array("0123456789abcdef".utf8)

    static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Id lists as stored (JSON arrays of strings)

    /// `["a","b"]` with JSON string escaping; cheaper than `JSONSerialization` on the write path.
    static func encodeList(_ items: [String]) -> String {
        var out = "["
        for (index, item) in items.enumerated() {
            if index > 0 { out += "," }
            out += "\""
            for scalar in item.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(scalar)
                }
            }
            out += "\""
        }
        return out + "]"
    }

    /// The strings of a stored list; nil when the text is not a JSON array of strings (a damaged row).
    static func decodeList(_ text: String) -> [String]? {
        if text == "[]" { return [] }
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any] else { return nil }
        var items: [String] = []
        items.reserveCapacity(parsed.count)
        for item in parsed {
            guard let string = item as? String else { return nil }
            items.append(string)
        }
        return items
    }
}
