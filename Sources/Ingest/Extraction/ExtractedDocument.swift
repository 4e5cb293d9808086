import Foundation

/// The plain text of one source file, with its structure.
///
/// Offsets: every range in this module (``DocumentSection``, ``Chunk``) counts **Unicode scalars** of
/// ``text`` (`text.unicodeScalars`), end-exclusive. ``slice(_:)`` turns one back into a string.
public struct ExtractedDocument: Sendable, Codable, Equatable {
    /// Normalised text: LF line ends, no BOM, no front matter; markup reduced to readable text.
    public var text: String
    /// Front-matter `title:`, `<title>`, the first heading, or the file name without extension.
    public var title: String
    public var format: DocumentFormat
    /// The programming language for source code, otherwise nil.
    public var language: String?
    /// Flat, ordered, non-overlapping spans, each with the full heading path that covers it. A section
    /// starts at its heading line and runs to the next heading of any level; text before the first
    /// heading has an empty path. The tree is implicit in the paths. May leave whitespace uncovered.
    public var sections: [DocumentSection]
    /// Problems that did not stop extraction (replaced invalid UTF-8, skipped JSONL lines, …).
    public var warnings: [ExtractionWarning]

    public init(text: String, title: String, format: DocumentFormat, language: String? = nil,
                sections: [DocumentSection] = [], warnings: [ExtractionWarning] = []) {
        self.text = text
        self.title = title
        self.format = format
        self.language = language
        self.sections = sections
        self.warnings = warnings
    }

    /// The text of a range of Unicode-scalar offsets. O(n) in `range.upperBound`; for many slices
    /// convert `text.unicodeScalars` to an array once instead.
    public func slice(_ range: Range<Int>) -> String {
        let scalars = text.unicodeScalars
        let start = scalars.index(scalars.startIndex, offsetBy: range.lowerBound)
        let end = scalars.index(start, offsetBy: range.count)
        return String(scalars[start..<end])
    }
}

/// One span of a document under one heading path. Offsets are Unicode scalars, end-exclusive.
public struct DocumentSection: Sendable, Codable, Equatable {
    /// Headings from the outermost to this one, e.g. `["Install", "Linux"]`; empty before the first heading.
    public var headingPath: [String]
    /// Heading level 1–6 of the last path element; 0 for text outside any heading.
    public var level: Int
    public var start: Int
    public var end: Int

    public var range: Range<Int> { start..<end }

    public init(headingPath: [String], level: Int, start: Int, end: Int) {
        self.headingPath = headingPath
        self.level = level
        self.start = start
        self.end = end
    }
}

/// A problem that did not stop extraction.
public enum ExtractionWarning: Sendable, Codable, Equatable, CustomStringConvertible {
    /// This many invalid UTF-8 sequences were replaced with U+FFFD.
    case invalidUTF8(replaced: Int)
    /// This many JSONL lines were not valid JSON and were skipped; `firstLine` is 1-based.
    case skippedRecords(count: Int, firstLine: Int, reason: String)
    /// The CSV/TSV data ended inside a quoted field.
    case unterminatedQuote(line: Int)
    /// Anything else worth telling.
    case note(String)

    public var description: String {
        switch self {
        case .invalidUTF8(let n): "replaced \(n) invalid UTF-8 sequence\(n == 1 ? "" : "s") with U+FFFD"
        case .skippedRecords(let n, let line, let reason):
            "skipped \(n) invalid record\(n == 1 ? "" : "s") (first at line \(line): \(reason))"
        case .unterminatedQuote(let line): "unterminated quoted field starting at line \(line)"
        case .note(let text): text
        }
    }
}
