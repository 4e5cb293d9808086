import Foundation
import VectorStore

/// Fast JSON text for `JSONSerialization`-style values (`[String: Any]`, `[Any]`, `String`, integers,
/// floating point, `Bool`, `NSNumber`, `NSNull`), with object keys sorted by their UTF-8 bytes and slashes
/// unescaped. Foundation's writer sorts keys with locale-aware `NSString` comparison and bridges every
/// container; on the server's hot path it cost more than everything else together, so responses, logs and
/// cache keys are written here instead.
public enum JSONText {
    public static func bytes(_ object: Any) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        write(object, into: &out)
        return out
    }

    public static func string(_ object: Any) -> String { String(decoding: bytes(object), as: UTF8.self) }

    public static func write(_ value: Any, into out: inout [UInt8]) {
        switch value {
        case let raw as RawJSON:
            out.append(contentsOf: raw.bytes)
        case let text as String:
            writeString(text, into: &out)
        case let object as [String: Any]:
            out.append(UInt8(ascii: "{"))
            var first = true
            for key in object.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(object[key]!, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case let array as [Any]:
            out.append(UInt8(ascii: "["))
            for (index, element) in array.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(element, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case _ where type(of: value) == Bool.self:
            out.append(contentsOf: Array(((value as! Bool) ? "true" : "false").utf8))
        case _ where type(of: value) == Int.self:
            out.append(contentsOf: Array(String(value as! Int).utf8))
        case _ where type(of: value) == Double.self:
            writeDouble(value as! Double, into: &out)
        case _ where type(of: value) == Float.self:
            let float = value as! Float
            writeDouble(Double(String(float)) ?? Double(float), into: &out)
        case let number as NSNumber:
            if isJSONBool(number) {
                out.append(contentsOf: Array((number.boolValue ? "true" : "false").utf8))
            } else if let int = Int(exactly: number.doubleValue), Double(int) == number.doubleValue, !String(cString: number.objCType).contains("d") {
                out.append(contentsOf: Array(String(int).utf8))
            } else {
                writeDouble(number.doubleValue, into: &out)
            }
        case let int64 as Int64:
            out.append(contentsOf: Array(String(int64).utf8))
        case let int32 as Int32:
            out.append(contentsOf: Array(String(int32).utf8))
        default:
            out.append(contentsOf: Array("null".utf8))   // NSNull, nil, or anything JSON cannot hold
        }
    }

    /// Shortest round-trip text; integral values keep a `.0`, non-finite values (not JSON) are `null`.
    static func writeDouble(_ value: Double, into out: inout [UInt8]) {
        guard value.isFinite else {
            out.append(contentsOf: Array("null".utf8))
            return
        }
        out.append(contentsOf: Array(value.description.utf8))
    }

    static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// `text` as a JSON string: quotes, backslashes and control characters escaped, everything else as is.
    public static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            // Copy runs of bytes that need no escape in one go; escape the rest one by one.
            var start = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                if index > start { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index])) }
                escape(byte, into: &out)
                start = index + 1
            }
            if start < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...])) }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func escape(_ byte: UInt8, into out: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\\"))
        case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
        case 0..<0x20:
            out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                    hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
        default: out.append(byte)
        }
    }
}

/// JSON text inserted as is by `JSONText` (already serialised, e.g. a cached answer's sources).
public struct RawJSON: @unchecked Sendable {
    public let bytes: [UInt8]
    public init(bytes: [UInt8]) { self.bytes = bytes }
}

/// A per-value memo of serialised bytes: the first caller renders, later ones reuse. Compares equal to any
/// other memo, so it never changes what a value means.
public final class RenderingMemo: @unchecked Sendable, Equatable {
    private let lock = NSLock()
    private var stored: [String: [[UInt8]]] = [:]   // guarded by lock

    public init() {}

    public func bytes(_ key: String, _ render: () -> [UInt8]) -> [UInt8] {
        parts(key) { [render()] }[0]
    }

    /// Several runs of bytes rendered together and found with one lookup.
    public func parts(_ key: String, _ render: () -> [[UInt8]]) -> [[UInt8]] {
        if let hit = lock.withLock({ stored[key] }) { return hit }
        let made = render()
        lock.withLock { stored[key] = made }
        return made
    }

    public static func == (lhs: RenderingMemo, rhs: RenderingMemo) -> Bool { true }
}
