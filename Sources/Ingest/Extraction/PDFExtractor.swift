import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// PDF → text by running poppler-utils' `pdftotext -layout -enc UTF-8 FILE -`.
///
/// Stdout and stderr are drained on their own threads while the caller waits, so a large output cannot
/// fill the pipe and deadlock; past the timeout the child gets SIGKILL (children of `swift test` start
/// with SIGTERM blocked, so `terminate()` would not stop them). Pages (form feeds) become paragraph breaks.
/// This call blocks its thread: run it off the cooperative pool.
enum PDFExtractor {
    static func extract(path: String, tool: String, timeout: Double, maxOutputBytes: Int) throws(ExtractionError) -> String {
        guard FileManager.default.isExecutableFile(atPath: tool) else {
            throw ExtractionError(.missingTool, path: path,
                                  reason: "PDF extraction needs pdftotext (poppler-utils), not found at \(tool)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-layout", "-enc", "UTF-8", path, "-"]
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw ExtractionError(.toolFailed, path: path, reason: "cannot run \(tool): \(error.localizedDescription)")
        }
        let output = PipeDrain(stdout.fileHandleForReading)
        let errors = PipeDrain(stderr.fileHandleForReading)
        let finished = output.wait(timeout: timeout)
        if !finished {
            kill(process.processIdentifier, SIGKILL)
        }
        _ = errors.wait(timeout: finished ? 5 : 1)
        process.waitUntilExit()
        guard finished else {
            throw ExtractionError(.toolFailed, path: path, reason: "pdftotext timed out after \(Int(timeout)) s")
        }
        let message = String(decoding: errors.data.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0 else {
            let reason = message.isEmpty ? "exit status \(process.terminationStatus)" : message
            let code: ExtractionError.Code = message.contains("ncrypt") || message.contains("assword") ? .unsupported : .invalidContent
            throw ExtractionError(code, path: path, reason: "pdftotext failed: \(reason)")
        }
        guard output.data.count <= maxOutputBytes else {
            throw ExtractionError(.oversized, path: path, reason: "pdftotext produced more than \(maxOutputBytes) bytes")
        }
        var bytes = [UInt8](output.data)
        TextDecoding.normalizeNewlines(&bytes)
        var text = String(decoding: bytes, as: UTF8.self)
        text = text.replacingOccurrences(of: "\u{0C}", with: "\n\n")
        return stripTrailingSpaces(text)
    }

    /// `-layout` pads lines with spaces; trailing ones carry nothing.
    static func stripTrailingSpaces(_ text: String) -> String {
        var lines: [Substring] = []
        TextLines.forEach(of: text) { lines.append(TextLines.trimTrailingBlanks($0)) }
        return lines.joined(separator: "\n")
    }
}

/// Reads a pipe to its end on a dedicated thread.
final class PipeDrain: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var buffer = Data()

    init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            let data = handle.readDataToEndOfFile()
            lock.withLock { buffer = data }
            done.signal()
        }
        thread.start()
    }

    /// Waits until the pipe closed; false after `timeout` seconds.
    func wait(timeout: Double) -> Bool {
        done.wait(timeout: .now() + timeout) == .success
    }

    var data: Data { lock.withLock { buffer } }
}
