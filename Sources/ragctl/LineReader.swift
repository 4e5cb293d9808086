import Foundation

/// Reads a file (or stdin for "-") line by line in 1 MiB blocks, without loading it whole.
struct LineReader: Sequence, IteratorProtocol {
    private let handle: FileHandle
    private var buffer = Data()
    private var atEnd = false

    init(path: String) throws {
        if path == "-" {
            handle = FileHandle.standardInput
        } else {
            guard let handle = FileHandle(forReadingAtPath: path) else {
                var isDirectory: ObjCBool = false
                let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
                throw CommandFailure(code: "unreadable_file",
                    message: exists ? (isDirectory.boolValue ? "\(path) is a directory" : "cannot read \(path): permission denied")
                                    : "no such file: \(path)")
            }
            self.handle = handle
        }
    }

    /// The next line without its terminator (CRLF tolerated), as raw bytes.
    mutating func next() -> Data? {
        while true {
            if let newline = buffer.firstIndex(of: 10) {
                var line = buffer[buffer.startIndex..<newline]
                if line.last == 13 { line = line.dropLast() }
                buffer = Data(buffer[(newline + 1)...])
                return Data(line)
            }
            if atEnd {
                guard !buffer.isEmpty else { return nil }
                defer { buffer = Data() }
                return buffer.last == 13 ? Data(buffer.dropLast()) : buffer
            }
            let chunk = handle.readData(ofLength: 1 << 20)
            if chunk.isEmpty { atEnd = true } else { buffer.append(chunk) }
        }
    }
}
