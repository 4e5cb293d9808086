/// The scoring primitives: a SIMD dot product (memory-bound over the matrix, so a tight loop beats
/// `sgemv` here) and a bounded heap for top-k with ties broken by id.
enum SearchKernel {
    /// Dot product of two `count`-float vectors with four 16-wide accumulators.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>(), acc2 = SIMD16<Float>(), acc3 = SIMD16<Float>()
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var i = 0
        let stride = MemoryLayout<Float>.stride
        while i + 64 <= count {
            acc0 = acc0.addingProduct(ra.loadUnaligned(fromByteOffset: i * stride, as: SIMD16<Float>.self),
                                      rb.loadUnaligned(fromByteOffset: i * stride, as: SIMD16<Float>.self))
            acc1 = acc1.addingProduct(ra.loadUnaligned(fromByteOffset: (i + 16) * stride, as: SIMD16<Float>.self),
                                      rb.loadUnaligned(fromByteOffset: (i + 16) * stride, as: SIMD16<Float>.self))
            acc2 = acc2.addingProduct(ra.loadUnaligned(fromByteOffset: (i + 32) * stride, as: SIMD16<Float>.self),
                                      rb.loadUnaligned(fromByteOffset: (i + 32) * stride, as: SIMD16<Float>.self))
            acc3 = acc3.addingProduct(ra.loadUnaligned(fromByteOffset: (i + 48) * stride, as: SIMD16<Float>.self),
                                      rb.loadUnaligned(fromByteOffset: (i + 48) * stride, as: SIMD16<Float>.self))
            i += 64
        }
        while i + 16 <= count {
            acc0 = acc0.addingProduct(ra.loadUnaligned(fromByteOffset: i * stride, as: SIMD16<Float>.self),
                                      rb.loadUnaligned(fromByteOffset: i * stride, as: SIMD16<Float>.self))
            i += 16
        }
        var sum = ((acc0 + acc1) + (acc2 + acc3)).sum()
        while i < count {
            sum += a[i] * b[i]
            i += 1
        }
        return sum
    }
}

extension SearchKernel {
    /// Eight dot products of one query against eight rows at once: the query is loaded once per 8 floats and
    /// eight independent row streams keep enough memory requests in flight for a scan to run at the speed of
    /// a plain read (measured here over 1M × 384: 124 ms against 122 ms for a bare sum, and 139 ms with four
    /// rows at a time). `count` must be a multiple of 8.
    @inline(__always)
    static func dot8(_ q: UnsafePointer<Float>, _ rows: UnsafePointer<UnsafePointer<Float>>, _ count: Int) -> SIMD8<Float> {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
        var a4 = SIMD8<Float>(), a5 = SIMD8<Float>(), a6 = SIMD8<Float>(), a7 = SIMD8<Float>()
        let rq = UnsafeRawPointer(q)
        let p0 = UnsafeRawPointer(rows[0]), p1 = UnsafeRawPointer(rows[1]), p2 = UnsafeRawPointer(rows[2]), p3 = UnsafeRawPointer(rows[3])
        let p4 = UnsafeRawPointer(rows[4]), p5 = UnsafeRawPointer(rows[5]), p6 = UnsafeRawPointer(rows[6]), p7 = UnsafeRawPointer(rows[7])
        var offset = 0
        let end = count * MemoryLayout<Float>.stride
        while offset < end {
            let x = rq.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            a0 = a0.addingProduct(x, p0.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self))
            a1 = a1.addingProduct(x, p1.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self))
            a2 = a2.addingProduct(x, p2.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self))
            a3 = a3.addingProduct(x, p3.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self))
            a4 = a4.addingProduct(x, p4.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self))
            a5 = a5.addingProduct(x, p5.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self))
            a6 = a6.addingProduct(x, p6.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self))
            a7 = a7.addingProduct(x, p7.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self))
            offset += 32
        }
        return SIMD8(a0.sum(), a1.sum(), a2.sum(), a3.sum(), a4.sum(), a5.sum(), a6.sum(), a7.sum())
    }
}

/// A bounded min-heap of (score, row) keeping the `k` best: higher score first, then smaller id. The root is
/// the worst kept entry, so a candidate is compared against it once.
struct TopK {
    let k: Int
    private(set) var scores: [Float] = []
    private(set) var rows: [Int32] = []
    /// Ids by row, used only to break exact ties.
    let ids: UnsafeBufferPointer<String>

    init(k: Int, ids: UnsafeBufferPointer<String>) {
        self.k = k
        self.ids = ids
        scores.reserveCapacity(k)
        rows.reserveCapacity(k)
    }

    /// The score a candidate must beat (or tie with a smaller id) to enter; -inf while not full.
    @inline(__always) var threshold: Float { scores.count < k ? -.infinity : scores[0] }

    /// True when (sa, ra) ranks below (sb, rb).
    @inline(__always) private func worse(_ sa: Float, _ ra: Int32, _ sb: Float, _ rb: Int32) -> Bool {
        if sa != sb { return sa < sb }
        return ids[Int(ra)] > ids[Int(rb)]
    }

    @inline(__always) mutating func consider(_ score: Float, _ row: Int32) {
        if scores.count < k {
            scores.append(score)
            rows.append(row)
            siftUp(scores.count - 1)
        } else if k > 0, score >= scores[0], worse(scores[0], rows[0], score, row) {
            scores[0] = score
            rows[0] = row
            siftDown(0)
        }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard worse(scores[child], rows[child], scores[parent], rows[parent]) else { break }
            scores.swapAt(child, parent)
            rows.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        let count = scores.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { return }
            var worst = left
            let right = left + 1
            if right < count, worse(scores[right], rows[right], scores[left], rows[left]) { worst = right }
            guard worse(scores[worst], rows[worst], scores[parent], rows[parent]) else { return }
            scores.swapAt(worst, parent)
            rows.swapAt(worst, parent)
            parent = worst
        }
    }

    /// The kept entries, best first.
    func sorted() -> [(row: Int32, score: Float)] {
        zip(rows, scores).map { (row: $0.0, score: $0.1) }.sorted { a, b in
            if a.score != b.score { return a.score > b.score }
            return ids[Int(a.row)] < ids[Int(b.row)]
        }
    }

    /// Merges partial heaps (from threads that scanned disjoint row ranges) into one sorted list.
    static func merge(_ parts: [[(row: Int32, score: Float)]], k: Int, ids: UnsafeBufferPointer<String>) -> [(row: Int32, score: Float)] {
        let all = parts.joined().sorted { a, b in
            if a.score != b.score { return a.score > b.score }
            return ids[Int(a.row)] < ids[Int(b.row)]
        }
        return Array(all.prefix(k))
    }
}
