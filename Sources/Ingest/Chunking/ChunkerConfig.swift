/// How documents are cut into chunks. Sizes are in tokens of the ``TokenCounter``.
public struct ChunkerConfig: Sendable, Codable, Equatable {
    /// Target tokens of chunk text (default 200). Chunks end earlier at a strong boundary (paragraph,
    /// definition) once they are half full, and never pass the embedder limit whatever this says.
    public var size: Int
    /// Tokens carried over from the end of the previous chunk in the same section (default 40); whole
    /// sentences or lines, at most half of `size`.
    public var overlap: Int
    /// A section's trailing remainder smaller than this (default 20 tokens) joins the previous chunk when
    /// that stays under the limit; a heading-only section this small joins its first subsection.
    public var minChunk: Int
    /// Cap on a chunk's length in Unicode scalars; nil means 12 × `size`. Keeps runs that tokenize very
    /// densely (long unknown words, base64) from producing huge chunks.
    public var maxCharacters: Int?

    public init(size: Int = 200, overlap: Int = 40, minChunk: Int = 20, maxCharacters: Int? = nil) {
        self.size = size
        self.overlap = overlap
        self.minChunk = minChunk
        self.maxCharacters = maxCharacters
    }

    public struct ValidationError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Checks the values; the chunker itself clamps rather than fails.
    public func validate() throws(ValidationError) {
        if size < 1 { throw ValidationError(description: "chunk size must be at least 1 token, got \(size)") }
        if overlap < 0 || overlap >= size {
            throw ValidationError(description: "chunk overlap must be in 0..<size (\(size)), got \(overlap)")
        }
        if minChunk < 0 { throw ValidationError(description: "minimum chunk must not be negative, got \(minChunk)") }
        if let maxCharacters, maxCharacters < 16 {
            throw ValidationError(description: "max characters per chunk must be at least 16, got \(maxCharacters)")
        }
    }
}
