import Foundation

/// Why a file could not be extracted. `description` names the path and the reason, e.g.
/// `"/data/a.bin: binary file (NUL bytes in the first 8 KiB)"`.
public struct ExtractionError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Codable {
        /// NUL bytes, many control bytes, or mostly invalid UTF-8.
        case binary
        /// Zero bytes, only whitespace, or no text after extraction.
        case empty
        /// Larger than the byte limit.
        case oversized
        /// Missing, a directory, or no permission.
        case unreadable
        /// Malformed for its format (bad JSON, broken DOCX archive, …).
        case invalidContent
        /// A format or feature this extractor does not handle (encrypted or ZIP64 archive, …).
        case unsupported
        /// An external tool (pdftotext) is not installed.
        case missingTool
        /// An external tool failed or timed out.
        case toolFailed
    }

    public var code: Code
    public var path: String
    public var reason: String

    public init(_ code: Code, path: String, reason: String) {
        self.code = code
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
