import BLAS
import CBLAS
import Dispatch

/// Exact search over the serving matrix. Call under the read lock. Single queries use a SIMD row loop
/// (memory-bound: one pass over the rows); batches use `sgemm` on tiles of rows, feeding each query's heap
/// as a tile's scores come out, so no B × N score matrix is ever built.
extension NamespaceIndex {
    /// Rows per `sgemm` tile: 2,048 × 384 floats is 3 MiB of matrix and, at batch 64, 512 KiB of scores.
    static let tileRows = 2048

    /// Top-k rows for one normalised query, restricted to `candidates` when given.
    func searchOne(_ query: UnsafePointer<Float>, k: Int, candidates: Bitmap?) -> [(row: Int32, score: Float)] {
        ids.withUnsafeBufferPointer { ids in
            var heap = TopK(k: k, ids: ids)
            let d = dimension
            let base = UnsafePointer(matrix.base)
            // Rows are scored eight at a time when the dimension allows it; `pending` collects them.
            let blocked = d % 8 == 0
            let pointers = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: 8)
            defer { pointers.deallocate() }
            var pendingRows = (Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0))
            var pending = 0
            @inline(__always) func single(_ row: Int) {
                let s = SearchKernel.dot(query, base + row * d, d)
                if s >= heap.threshold { heap.consider(s, Int32(row)) }
            }
            @inline(__always) func score(_ row: Int) {
                guard blocked else { return single(row) }
                pointers[pending] = base + row * d
                withUnsafeMutableBytes(of: &pendingRows) { $0.storeBytes(of: Int32(row), toByteOffset: pending * 4, as: Int32.self) }
                pending += 1
                guard pending == 8 else { return }
                pending = 0
                let s = SearchKernel.dot8(query, pointers, d)
                guard s.max() >= heap.threshold else { return }
                withUnsafeBytes(of: pendingRows) { rows in
                    for lane in 0..<8 { heap.consider(s[lane], rows.load(fromByteOffset: lane * 4, as: Int32.self)) }
                }
            }
            if let candidates {
                candidates.forEachRow(score)
            } else {
                for row in 0..<count { score(row) }
            }
            withUnsafeBytes(of: pendingRows) { rows in
                for lane in 0..<pending { single(Int(rows.load(fromByteOffset: lane * 4, as: Int32.self))) }
            }
            return heap.sorted()
        }
    }

    /// Top-k rows for each of `queryCount` normalised queries laid out row-major in `queries`.
    /// - Parameter threads: row ranges scanned in parallel, each with its own heaps, merged at the end.
    func searchBatch(_ queries: UnsafePointer<Float>, queryCount: Int, k: Int, candidates: Bitmap?,
                     threads: Int) -> [[(row: Int32, score: Float)]] {
        let rowList: [Int32]? = candidates?.rows()
        let total = rowList?.count ?? count
        let parts = max(1, min(threads, total / Self.tileRows))
        let chunk = (total + parts - 1) / parts
        var partial = Array(repeating: [[(row: Int32, score: Float)]](), count: parts)
        ids.withUnsafeBufferPointer { ids in
            partial.withUnsafeMutableBufferPointer { partial in
                let out = UnsafeTransfer(partial), shared = UnsafeTransfer((queries, ids))
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    let start = part * chunk
                    let end = min(total, start + chunk)
                    out.value[part] = self.scanRange(shared.value.0, queryCount: queryCount, k: k, ids: shared.value.1,
                                                     range: start..<max(start, end), rowList: rowList)
                }
            }
        }
        if parts == 1 { return partial[0] }
        return ids.withUnsafeBufferPointer { ids in
            (0..<queryCount).map { q in TopK.merge(partial.map { $0[q] }, k: k, ids: ids) }
        }
    }

    private func scanRange(_ queries: UnsafePointer<Float>, queryCount: Int, k: Int, ids: UnsafeBufferPointer<String>,
                           range: Range<Int>, rowList: [Int32]?) -> [[(row: Int32, score: Float)]] {
        let d = dimension
        var heaps = (0..<queryCount).map { _ in TopK(k: k, ids: ids) }
        let tile = Self.tileRows
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: tile * queryCount)
        defer { scores.deallocate() }
        let gathered: UnsafeMutablePointer<Float>? = rowList == nil ? nil : .allocate(capacity: tile * d)
        defer { gathered?.deallocate() }
        var start = range.lowerBound
        while start < range.upperBound {
            let rows = min(tile, range.upperBound - start)
            let tileBase: UnsafePointer<Float>
            if let rowList, let gathered {
                for i in 0..<rows {
                    (gathered + i * d).update(from: matrix.row(Int(rowList[start + i])), count: d)
                }
                tileBase = UnsafePointer(gathered)
            } else {
                tileBase = UnsafePointer(matrix.row(start))
            }
            // scores[q][i] = queries[q] · tile[i]
            BLAS.sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(queryCount), Int32(rows), Int32(d),
                        1, queries, Int32(d), tileBase, Int32(d), 0, scores, Int32(rows))
            for q in 0..<queryCount {
                let line = scores + q * rows
                var threshold = heaps[q].threshold
                for i in 0..<rows where line[i] >= threshold {
                    let row = rowList.map { $0[start + i] } ?? Int32(start + i)
                    heaps[q].consider(line[i], row)
                    threshold = heaps[q].threshold
                }
            }
            start += rows
        }
        return heaps.map { $0.sorted() }
    }
}
