import Foundation
import Logging
import Retrieval

/// swift-log handler writing one JSON object per line to stderr: `{"ts", "level", "logger", "msg", …metadata}`
/// with sorted keys. Callers put route patterns, ids and counts in metadata, never request or document text.
///
/// Lines go through `LogSink.standardError`, which batches them into one write every 50 ms (or 64 KiB);
/// warnings and errors are written at once, with everything before them.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let sink: LogSink

    public init(label: String, level: Logger.Level = .info, sink: LogSink = .standardError) {
        self.label = label
        self.logLevel = level
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let extra = event.metadata, !extra.isEmpty { fields.merge(extra) { $1 } }
        for key in Self.reserved { fields[key] = nil }
        var entries: [(key: String, value: Any)] = [
            ("level", event.level.rawValue), ("logger", label), ("msg", event.message.description), ("ts", RawJSON(bytes: Self.timestamp())),
        ]
        for (key, value) in fields { entries.append((key, Self.json(value))) }
        entries.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        var line: [UInt8] = []
        line.reserveCapacity(256)
        line.append(UInt8(ascii: "{"))
        for (index, entry) in entries.enumerated() {
            if index > 0 { line.append(UInt8(ascii: ",")) }
            JSONText.write(entry.key, into: &line)
            line.append(UInt8(ascii: ":"))
            JSONText.write(entry.value, into: &line)
        }
        line.append(contentsOf: [UInt8(ascii: "}"), 0x0A])
        sink.write(line, immediately: event.level >= .warning)
    }

    /// The handler's own keys; metadata of the same name is dropped rather than written twice.
    private static let reserved = ["level", "logger", "msg", "ts"]

    static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): return text
        case .stringConvertible(let item): return item.description
        case .array(let items): return items.map(json)
        case .dictionary(let map): return map.mapValues(json)
        }
    }

    /// `"2026-11-29T17:05:02.123Z"` (quoted JSON string), UTC with milliseconds.
    static func timestamp() -> [UInt8] {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var time = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &time)
        var out: [UInt8] = []
        out.reserveCapacity(26)
        func put(_ value: Int, _ digits: Int) {
            var divisor = 1
            for _ in 1..<digits { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        out.append(UInt8(ascii: "\""))
        put(Int(time.tm_year) + 1900, 4); out.append(UInt8(ascii: "-"))
        put(Int(time.tm_mon) + 1, 2); out.append(UInt8(ascii: "-"))
        put(Int(time.tm_mday), 2); out.append(UInt8(ascii: "T"))
        put(Int(time.tm_hour), 2); out.append(UInt8(ascii: ":"))
        put(Int(time.tm_min), 2); out.append(UInt8(ascii: ":"))
        put(Int(time.tm_sec), 2); out.append(UInt8(ascii: "."))
        put(Int(now.tv_nsec / 1_000_000), 3)
        out.append(contentsOf: [UInt8(ascii: "Z"), UInt8(ascii: "\"")])
        return out
    }
}

/// A buffered, ordered line writer for a file descriptor: log lines collect in memory and are written
/// together every `interval` seconds or once `capacity` bytes wait, so a busy server does not pay a system call
/// (and a lock convoy on stderr) per access-log line. `write(_:immediately: true)` and `flush()` write at once.
/// The process's `exit` flushes `standardError` (an `atexit` hook); a crash loses at most `interval` of lines.
public final class LogSink: @unchecked Sendable {
    public static let standardError = LogSink(descriptor: STDERR_FILENO)

    private let descriptor: Int32
    private let interval: Double
    private let capacity: Int
    private let lock = NSLock()
    private var pending: [UInt8] = []   // guarded by lock
    private var scheduled = false       // guarded by lock

    public init(descriptor: Int32, interval: Double = 0.05, capacity: Int = 64 << 10) {
        self.descriptor = descriptor
        self.interval = interval
        self.capacity = capacity
        pending.reserveCapacity(capacity)
        if descriptor == STDERR_FILENO { Self.flushAtExit() }
    }

    public func write(_ line: [UInt8], immediately: Bool = false) {
        lock.withLock {
            pending.append(contentsOf: line)
            if immediately || pending.count >= capacity {
                drain()
            } else if !scheduled {
                scheduled = true
                DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + interval) { [self] in flush() }
            }
        }
    }

    /// Writes everything buffered now.
    public func flush() {
        lock.withLock {
            scheduled = false
            drain()
        }
    }

    /// Writes `pending` (lock held), retrying short writes and EINTR; other errors drop the lines (stderr gone).
    private func drain() {
        guard !pending.isEmpty else { return }
        pending.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    break
                }
            }
        }
        pending.removeAll(keepingCapacity: true)
    }

    private static let registerExitFlush: Void = {
        atexit { LogSink.standardError.flush() }
    }()

    private static func flushAtExit() { _ = registerExitFlush }
}
