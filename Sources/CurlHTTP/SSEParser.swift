import Foundation

/// Incremental `text/event-stream` parser: feed it body chunks split anywhere, get complete events.
///
/// Follows the WHATWG SSE rules: lines end in CRLF, LF or CR (a CRLF split across chunks counts once);
/// lines starting with `:` are comments; `data:` lines accumulate and are joined with `"\n"`; one space
/// after the colon is dropped; a blank line dispatches; a block with no `data:` dispatches nothing; a
/// leading UTF-8 BOM is skipped. One deviation: `finish()` dispatches a final event that lacks its closing
/// blank line instead of discarding it. `data: [DONE]` is an ordinary event: recognising it is the caller's job.
///
/// Cost: O(bytes) per `feed`; memory is bounded by the longest pending event.
public struct SSEParser: Sendable {
    private var line: [UInt8] = []
    private var afterCR = false
    private var atStart = true
    private var dataLines: [String] = []
    private var hasData = false
    private var eventType = ""
    private var lastEventID: String?
    private var retry: Int?

    public init() {}

    /// Consumes `chunk` and returns the events it completed, in order.
    public mutating func feed(_ chunk: Data) -> [SSEEvent] {
        var events: [SSEEvent] = []
        for byte in chunk { consume(byte, into: &events) }
        return events
    }

    /// Consumes UTF-8 `text` (convenience for tests and string sources).
    public mutating func feed(_ text: String) -> [SSEEvent] { feed(Data(text.utf8)) }

    /// Ends the stream: a final unterminated line is processed and a pending event is dispatched.
    public mutating func finish() -> [SSEEvent] {
        var events: [SSEEvent] = []
        if !line.isEmpty { processLine(into: &events) }
        dispatch(into: &events)
        afterCR = false
        return events
    }

    private mutating func consume(_ byte: UInt8, into events: inout [SSEEvent]) {
        switch byte {
        case UInt8(ascii: "\n"):
            if afterCR { afterCR = false; return }
            processLine(into: &events)
        case UInt8(ascii: "\r"):
            processLine(into: &events)
            afterCR = true
        default:
            afterCR = false
            line.append(byte)
        }
    }

    private mutating func processLine(into events: inout [SSEEvent]) {
        defer { line.removeAll(keepingCapacity: true) }
        if atStart {
            atStart = false
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
        }
        if line.isEmpty { dispatch(into: &events); return }
        if line[0] == UInt8(ascii: ":") { return }  // comment, e.g. a keep-alive ping
        let name: String, value: String
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            name = String(decoding: line[..<colon], as: UTF8.self)
            var start = colon + 1
            if start < line.count && line[start] == UInt8(ascii: " ") { start += 1 }
            value = String(decoding: line[start...], as: UTF8.self)
        } else {
            name = String(decoding: line, as: UTF8.self)
            value = ""
        }
        switch name {
        case "event": eventType = value
        case "data": dataLines.append(value); hasData = true
        case "id": if !value.contains("\u{0}") { lastEventID = value }
        case "retry": if !value.isEmpty, value.utf8.allSatisfy({ (0x30...0x39).contains($0) }) { retry = Int(value) }
        default: break  // unknown fields are ignored
        }
    }

    private mutating func dispatch(into events: inout [SSEEvent]) {
        defer {
            dataLines.removeAll()
            hasData = false
            eventType = ""
            retry = nil
        }
        guard hasData else { return }
        events.append(SSEEvent(event: eventType.isEmpty ? "message" : eventType,
                               data: dataLines.joined(separator: "\n"), id: lastEventID, retry: retry))
    }
}
