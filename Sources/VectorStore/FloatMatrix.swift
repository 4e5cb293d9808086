/// A contiguous, row-major Float32 matrix that grows by doubling. Rows are unit vectors, so cosine
/// similarity is a dot product. Owned by one `NamespaceIndex`, mutated only under its write lock.
final class FloatMatrix: @unchecked Sendable {
    let dimension: Int
    private(set) var rows = 0
    private(set) var capacity: Int
    private(set) var base: UnsafeMutablePointer<Float>

    init(dimension: Int, capacity: Int = 1024) {
        self.dimension = dimension
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity * dimension)
    }

    deinit { base.deallocate() }

    var byteSize: Int { capacity * dimension * MemoryLayout<Float>.stride }

    @inline(__always) func row(_ index: Int) -> UnsafeMutablePointer<Float> { base + index * dimension }

    func reserve(_ wanted: Int) {
        guard wanted > capacity else { return }
        let newBase = UnsafeMutablePointer<Float>.allocate(capacity: wanted * dimension)
        newBase.update(from: base, count: rows * dimension)
        base.deallocate()
        base = newBase
        capacity = wanted
    }

    /// Appends a row copied from `source` (`dimension` floats).
    func append(_ source: UnsafePointer<Float>) {
        if rows == capacity { reserve(capacity * 2) }
        row(rows).update(from: source, count: dimension)
        rows += 1
    }

    func set(_ index: Int, from source: UnsafePointer<Float>) {
        row(index).update(from: source, count: dimension)
    }

    /// Swap-remove: moves the last row into `index` and shrinks by one.
    func moveLast(to index: Int) {
        if index != rows - 1 { row(index).update(from: row(rows - 1), count: dimension) }
        rows -= 1
    }

    func vector(at index: Int) -> [Float] {
        Array(UnsafeBufferPointer(start: row(index), count: dimension))
    }
}
