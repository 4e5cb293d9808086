/// A fixed-size set of row numbers, one bit a row. Filters compile to one before any vector is scored.
struct Bitmap: Sendable {
    private(set) var words: [UInt64]
    let count: Int

    init(count: Int, filled: Bool = false) {
        self.count = count
        let wordCount = (count + 63) / 64
        words = Array(repeating: filled ? ~0 : 0, count: wordCount)
        if filled { clearTail() }
    }

    private mutating func clearTail() {
        let extra = words.count * 64 - count
        if extra > 0 { words[words.count - 1] &= ~0 >> UInt64(extra) }
    }

    @inline(__always) func contains(_ row: Int) -> Bool {
        words[row >> 6] & (1 << UInt64(row & 63)) != 0
    }

    @inline(__always) mutating func insert(_ row: Int) {
        words[row >> 6] |= 1 << UInt64(row & 63)
    }

    var cardinality: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    mutating func formIntersection(_ other: Bitmap) {
        words.withUnsafeMutableBufferPointer { a in
            other.words.withUnsafeBufferPointer { b in
                for i in a.indices { a[i] &= b[i] }
            }
        }
    }

    mutating func formUnion(_ other: Bitmap) {
        words.withUnsafeMutableBufferPointer { a in
            other.words.withUnsafeBufferPointer { b in
                for i in a.indices { a[i] |= b[i] }
            }
        }
    }

    mutating func invert() {
        words.withUnsafeMutableBufferPointer { a in
            for i in a.indices { a[i] = ~a[i] }
        }
        clearTail()
    }

    /// Builds a bitmap from a per-row predicate, 64 rows at a time.
    init(count: Int, where predicate: (Int) -> Bool) {
        self.init(count: count)
        words.withUnsafeMutableBufferPointer { out in
            for w in 0..<out.count {
                let base = w << 6
                let end = min(base + 64, count)
                var word: UInt64 = 0
                for row in base..<end where predicate(row) {
                    word |= 1 << UInt64(row - base)
                }
                out[w] = word
            }
        }
    }

    /// The set rows in ascending order.
    func rows() -> [Int32] {
        var result: [Int32] = []
        result.reserveCapacity(cardinality)
        forEachRow { result.append(Int32($0)) }
        return result
    }

    @inline(__always) func forEachRow(_ body: (Int) -> Void) {
        words.withUnsafeBufferPointer { words in
            for w in 0..<words.count {
                var word = words[w]
                while word != 0 {
                    body(w << 6 | word.trailingZeroBitCount)
                    word &= word &- 1
                }
            }
        }
    }
}
