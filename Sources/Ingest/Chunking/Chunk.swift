/// One piece of a document, sized for the embedder.
///
/// `text` is exactly the extracted text between `start` and `end`, which count **Unicode scalars** of
/// ``ExtractedDocument/text`` (end-exclusive); it starts and ends on non-whitespace.
public struct Chunk: Sendable, Codable, Equatable {
    /// 0-based position among the document's chunks.
    public var ordinal: Int
    public var text: String
    public var start: Int
    public var end: Int
    /// Headings above this chunk, outermost first (possibly shortened when absurdly long).
    public var headingPath: [String]
    /// `countTokens(embeddingText)`: what the embedder will see, without its 2 special tokens.
    public var tokenCount: Int

    public init(ordinal: Int, text: String, start: Int, end: Int, headingPath: [String], tokenCount: Int) {
        self.ordinal = ordinal
        self.text = text
        self.start = start
        self.end = end
        self.headingPath = headingPath
        self.tokenCount = tokenCount
    }

    public var range: Range<Int> { start..<end }

    /// What gets embedded: the heading path (`"Install > Linux"`), a newline, then the text; just the
    /// text when there is no heading.
    public var embeddingText: String { Self.embeddingText(headingPath: headingPath, text: text) }

    public static func embeddingText(headingPath: [String], text: String) -> String {
        headingPath.isEmpty ? text : headingPath.joined(separator: " > ") + "\n" + text
    }
}
