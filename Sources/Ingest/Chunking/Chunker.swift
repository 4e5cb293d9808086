/// Cuts an ``ExtractedDocument`` into ``Chunk``s that fit the embedder.
///
/// Structure first: each section (heading) is chunked on its own; inside it, pieces come from
/// paragraphs → sentences (or lines, for code and records) → words → characters, splitting finer only
/// where needed (``ChunkSegmenter``). Pieces are packed greedily up to `size` tokens; a full chunk ends
/// at the strongest boundary (definition > paragraph > sentence > line > word) that keeps it at least
/// half full, and the next one starts with up to `overlap` tokens of whole trailing pieces (none after a
/// cut before a top-level code definition).
///
/// Guarantees (tested as properties): `countTokens(embeddingText) + 2 <= maxTokens` for every chunk
/// (checked by counting the final text, so non-additive tokenizers are safe); `text` equals the
/// document text at `start..<end` (Unicode-scalar offsets); all non-whitespace text is in some chunk;
/// ordinals are 0..<n in document order; the output depends only on the input.
///
/// Cost: linear in the text; `countTokens` runs about once per sentence or line plus once per chunk.
public struct Chunker: Sendable {
    public var config: ChunkerConfig
    public let counter: any TokenCounter

    public init(config: ChunkerConfig = ChunkerConfig(), counter: any TokenCounter) {
        self.config = config
        self.counter = counter
    }

    public func chunk(_ document: ExtractedDocument) -> [Chunk] {
        let scalars = Array(document.text.unicodeScalars)
        var chunks: [Chunk] = []
        for span in spans(document.sections, scalars: scalars) {
            chunkSection(span, scalars: scalars, lineMode: document.format.isLineStructured, into: &chunks)
        }
        return chunks
    }

    struct Span {
        var path: [String]
        var start: Int
        var end: Int
    }

    /// Sections made contiguous over the whole text (gaps get an empty path), with tiny heading-only
    /// sections folded into the subsection that follows them.
    func spans(_ sections: [DocumentSection], scalars: [Unicode.Scalar]) -> [Span] {
        let total = scalars.count
        var spans: [Span] = []
        var cursor = 0
        for section in sections.sorted(by: { $0.start < $1.start }) {
            let start = max(section.start, cursor)
            let end = min(section.end, total)
            if start > cursor { spans.append(Span(path: [], start: cursor, end: start)) }
            if end > start {
                spans.append(Span(path: section.headingPath, start: start, end: end))
                cursor = end
            }
        }
        if cursor < total { spans.append(Span(path: [], start: cursor, end: total)) }

        var folded: [Span] = []
        for span in spans.reversed() {
            if let next = folded.last, next.start == span.end,
               !span.path.isEmpty, next.path.count > span.path.count, next.path.starts(with: span.path),
               isTiny(span, scalars) {
                folded[folded.count - 1].start = span.start
            } else if let next = folded.last, next.start == span.end, next.path == span.path {
                folded[folded.count - 1].start = span.start
            } else {
                folded.append(span)
            }
        }
        return folded.reversed()
    }

    private func isTiny(_ span: Span, _ scalars: [Unicode.Scalar]) -> Bool {
        guard span.end - span.start <= max(config.minChunk, 1) * 12 else { return false }
        return counter.countTokens(ChunkSegmenter.string(scalars, span.start, span.end)) < config.minChunk
    }

    /// The heading path as embedded, shortened (outer headings dropped, then the last one cut) until it
    /// takes at most a quarter of the limit, and its token count.
    func embeddedPath(_ path: [String]) -> ([String], Int) {
        var path = path
        guard !path.isEmpty else { return (path, 0) }
        let cap = max(1, counter.maxTokens / 4)
        var tokens = counter.countTokens(path.joined(separator: " > "))
        while tokens > cap, path.count > 1 {
            path.removeFirst()
            tokens = counter.countTokens(path.joined(separator: " > "))
        }
        while tokens > cap, path[0].unicodeScalars.count > 1 {
            let scalars = Array(path[0].unicodeScalars)
            var shorter = String.UnicodeScalarView()
            shorter.append(contentsOf: scalars[0..<(scalars.count / 2)])
            path[0] = String(shorter)
            tokens = counter.countTokens(path[0])
        }
        return (path, tokens)
    }

    private func chunkSection(_ span: Span, scalars: [Unicode.Scalar], lineMode: Bool, into chunks: inout [Chunk]) {
        let (path, pathTokens) = embeddedPath(span.path)
        let hardLimit = max(1, counter.maxTokens - 2 - pathTokens)
        let target = max(1, min(config.size, hardLimit))
        let overlap = max(0, min(config.overlap, target / 2))
        let maxScalars = max(16, config.maxCharacters ?? config.size * 12)
        let segmenter = ChunkSegmenter(scalars: scalars, counter: counter, target: target, maxScalars: maxScalars, lineMode: lineMode)
        var pieces = segmenter.pieces(from: span.start, to: span.end)
        guard !pieces.isEmpty else { return }
        var sums = Self.prefixSums(pieces)
        func tokens(_ a: Int, _ b: Int) -> Int { sums[b + 1] - sums[a] }
        func length(_ a: Int, _ b: Int) -> Int { pieces[b].end - pieces[a].start }

        var first = 0
        var next = 0
        while next < pieces.count {
            var last = next - 1
            var j = next
            while j < pieces.count, tokens(first, j) <= target, length(first, j) <= maxScalars {
                last = j
                j += 1
            }
            if last < next {
                if first < next {
                    first = next
                    continue
                }
                last = next
            }
            let end = pieces.count - 1
            if last < end {
                if tokens(last + 1, end) < config.minChunk, tokens(first, end) <= hardLimit, length(first, end) <= maxScalars {
                    last = end
                } else {
                    last = bestCut(pieces, first: first, from: next, to: last, half: target / 2, tokens: tokens)
                }
            }
            // Count the real text: tokenizers are not additive across piece joins.
            while true {
                let text = Self.string(scalars, pieces[first].start, pieces[last].end)
                let count = counter.countTokens(Chunk.embeddingText(headingPath: path, text: text))
                if count + 2 <= counter.maxTokens || (first == last && length(first, last) <= 1) {
                    chunks.append(Chunk(ordinal: chunks.count, text: text, start: pieces[first].start,
                                        end: pieces[last].end, headingPath: path, tokenCount: count))
                    break
                }
                if last > next {
                    last -= 1
                } else if first < next {
                    first += 1
                } else {
                    pieces.replaceSubrange(last...last, with: split(pieces[last], segmenter))
                    sums = Self.prefixSums(pieces)
                }
            }
            next = last + 1
            // Overlap carries context across a cut, except after a top-level definition: the next one
            // stands on its own.
            var k = next
            if pieces[last].breakAfter < .definition {
                while k - 1 > first, tokens(k - 1, last) <= overlap { k -= 1 }
            }
            first = k
        }
    }

    /// The cut in `from...to` with the strongest boundary after it that keeps the chunk half full;
    /// the latest of equals; `to` when none qualifies.
    private func bestCut(_ pieces: [ChunkPiece], first: Int, from: Int, to: Int, half: Int,
                         tokens: (Int, Int) -> Int) -> Int {
        var best = to
        var c = to - 1
        while c >= from, tokens(first, c) >= half {
            if pieces[c].breakAfter > pieces[best].breakAfter { best = c }
            c -= 1
        }
        return best
    }

    /// Halves a piece that is too big on its own, at whitespace when there is some.
    private func split(_ piece: ChunkPiece, _ segmenter: ChunkSegmenter) -> [ChunkPiece] {
        var mid = piece.start + (piece.end - piece.start) / 2
        var probe = mid
        while probe > piece.start + 1, !segmenter.isSpace(probe) { probe -= 1 }
        if segmenter.isSpace(probe) { mid = probe }
        var result: [ChunkPiece] = []
        for (a, b, boundary) in [(piece.start, mid, ChunkBoundary.character), (mid, piece.end, piece.breakAfter)] {
            guard let (x, y) = segmenter.trim(a, b) else { continue }
            result.append(ChunkPiece(start: x, end: y, tokens: segmenter.count(x, y), breakAfter: boundary))
        }
        return result
    }

    private static func prefixSums(_ pieces: [ChunkPiece]) -> [Int] {
        var sums = [0]
        sums.reserveCapacity(pieces.count + 1)
        for piece in pieces { sums.append(sums[sums.count - 1] + piece.tokens) }
        return sums
    }

    static func string(_ scalars: [Unicode.Scalar], _ start: Int, _ end: Int) -> String {
        ChunkSegmenter.string(scalars, start, end)
    }
}
