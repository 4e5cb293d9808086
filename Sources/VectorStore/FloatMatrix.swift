#if canImport(Glibc)
import Glibc
#endif

/// A contiguous, row-major Float32 matrix that grows by doubling. Rows are unit vectors, so cosine
/// similarity is a dot product. Owned by one `NamespaceIndex`, mutated only under its write lock.
///
/// Large matrices are 2 MiB-aligned and advised as transparent huge pages: a filtered search touches rows
/// scattered over the whole matrix, and with 4 KiB pages nearly every candidate row costs a TLB miss.
final class FloatMatrix: @unchecked Sendable {
    let dimension: Int
    private(set) var rows = 0
    private(set) var capacity: Int
    private(set) var base: UnsafeMutablePointer<Float>

    init(dimension: Int, capacity: Int = 1024) {
        self.dimension = dimension
        self.capacity = max(capacity, 16)
        base = Self.allocate(floats: self.capacity * dimension)
    }

    deinit { free(base) }

    private static let hugePage = 2 << 20

    /// Memory for `floats` floats; 2 MiB-aligned and advised for huge pages from 4 MiB up.
    private static func allocate(floats: Int) -> UnsafeMutablePointer<Float> {
        let bytes = max(floats * MemoryLayout<Float>.stride, 64)
        var raw: UnsafeMutableRawPointer?
        let alignment = bytes >= 2 * hugePage ? hugePage : 64
        guard posix_memalign(&raw, alignment, bytes) == 0, let raw else {
            fatalError("out of memory allocating a \(bytes)-byte matrix")
        }
        #if os(Linux)
        if alignment == hugePage { _ = madvise(raw, bytes, MADV_HUGEPAGE) }
        #endif
        return raw.bindMemory(to: Float.self, capacity: floats)
    }

    var byteSize: Int { capacity * dimension * MemoryLayout<Float>.stride }

    @inline(__always) func row(_ index: Int) -> UnsafeMutablePointer<Float> { base + index * dimension }

    func reserve(_ wanted: Int) {
        guard wanted > capacity else { return }
        let newBase = Self.allocate(floats: wanted * dimension)
        newBase.update(from: base, count: rows * dimension)
        free(base)
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
