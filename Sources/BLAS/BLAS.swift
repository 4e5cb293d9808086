@preconcurrency import CBLAS
import Foundation

/// OpenBLAS, loaded at run time with the right kernel for this CPU.
///
/// Debian's OpenBLAS 0.3.21 chooses its kernels once, when the library is loaded, and does not recognise
/// recent Intel CPUs (Sapphire Rapids here): it falls back to the SSE3 "Prescott" kernels, whose sgemm is 4×
/// slower than the AVX-512 ones (measured here: 19.6 vs 79 GFLOP/s). So the library is not linked; the first
/// use sets `OPENBLAS_CORETYPE` (only when the user has not set it) from the CPU's flags, then `dlopen`s it.
/// Calls from many threads are fine: each call uses one BLAS thread and we parallelise across calls.
public enum BLAS {
    public struct LoadError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// The loaded library, or the reason it could not be loaded.
    nonisolated(unsafe) private static let library: Result<cblasshim_library, LoadError> = load()

    /// Names tried in order; `RAGCTL_BLAS_LIBRARY` (read once, here, because this must happen before any
    /// configuration is loaded) may name another file.
    static let candidates = ["libopenblas.so.0", "libopenblas.so", "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
                             "/usr/lib/aarch64-linux-gnu/libopenblas.so.0", "libblas.so.3"]

    /// Loads the library now; call at start-up to turn a missing OpenBLAS into a clear error.
    public static func load() throws {
        _ = try library.get()
    }

    /// The kernel OpenBLAS runs (e.g. "SkylakeX", "Haswell", "Prescott").
    public static var coreName: String {
        guard case .success(let lib) = library, let name = lib.corename?() else { return "unknown" }
        return String(cString: name)
    }

    /// Row-major C = alpha · op(A) · op(B) + beta · C, with the cblas_sgemm argument list.
    @inline(__always)
    public static func sgemm(_ order: CBLAS_ORDER, _ transA: CBLAS_TRANSPOSE, _ transB: CBLAS_TRANSPOSE,
                             _ m: Int32, _ n: Int32, _ k: Int32, _ alpha: Float,
                             _ a: UnsafePointer<Float>?, _ lda: Int32, _ b: UnsafePointer<Float>?, _ ldb: Int32,
                             _ beta: Float, _ c: UnsafeMutablePointer<Float>?, _ ldc: Int32) {
        loaded.sgemm!(order, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    @inline(__always)
    public static func sgemv(_ order: CBLAS_ORDER, _ trans: CBLAS_TRANSPOSE, _ m: Int32, _ n: Int32, _ alpha: Float,
                             _ a: UnsafePointer<Float>?, _ lda: Int32, _ x: UnsafePointer<Float>?, _ incX: Int32,
                             _ beta: Float, _ y: UnsafeMutablePointer<Float>?, _ incY: Int32) {
        loaded.sgemv!(order, trans, m, n, alpha, a, lda, x, incX, beta, y, incY)
    }

    @inline(__always)
    public static func sdot(_ n: Int32, _ x: UnsafePointer<Float>?, _ incX: Int32, _ y: UnsafePointer<Float>?, _ incY: Int32) -> Float {
        loaded.sdot!(n, x, incX, y, incY)
    }

    @inline(__always)
    public static func snrm2(_ n: Int32, _ x: UnsafePointer<Float>?, _ incX: Int32) -> Float {
        loaded.snrm2!(n, x, incX)
    }

    @inline(__always)
    public static func sscal(_ n: Int32, _ alpha: Float, _ x: UnsafeMutablePointer<Float>?, _ incX: Int32) {
        loaded.sscal!(n, alpha, x, incX)
    }

    /// Sets the threads OpenBLAS uses inside one call (we keep 1 and parallelise across calls).
    public static func setThreads(_ count: Int) {
        loaded.set_num_threads?(Int32(count))
    }

    private static var loaded: cblasshim_library {
        guard case .success(let lib) = library else {
            fatalError("OpenBLAS is not available; call BLAS.load() at start-up to report it")
        }
        return lib
    }

    private static func load() -> Result<cblasshim_library, LoadError> {
        if getenv("OPENBLAS_CORETYPE") == nil, let core = preferredCoreType() {
            setenv("OPENBLAS_CORETYPE", core, 0)
        }
        var tried: [String] = []
        var names = candidates
        if let custom = getenv("RAGCTL_BLAS_LIBRARY") { names.insert(String(cString: custom), at: 0) }
        for name in names {
            let lib = cblasshim_open(name)
            if lib.handle != nil, lib.sgemm != nil, lib.sgemv != nil, lib.sdot != nil, lib.snrm2 != nil, lib.sscal != nil {
                // Parallelism is ours (across queries and batches); BLAS threads inside a call only contend.
                lib.set_num_threads?(1)
                return .success(lib)
            }
            tried.append("\(name): \(lib.handle == nil ? String(cString: cblasshim_dlerror()) : "missing cblas_sgemm, sgemv, sdot, snrm2 or sscal")")
        }
        return .failure(LoadError(message: "cannot load OpenBLAS (install libopenblas-dev): " + tried.joined(separator: "; ")))
    }

    /// The best kernel family this CPU supports, from /proc/cpuinfo; nil leaves OpenBLAS's own detection.
    static func preferredCoreType() -> String? {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flagsLine = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return nil }
        let flags = Set(flagsLine.split(separator: " ").map(String.init))
        if ["avx512f", "avx512bw", "avx512vl", "avx512dq"].allSatisfy(flags.contains) { return "SKYLAKEX" }
        if ["avx2", "fma"].allSatisfy(flags.contains) { return "HASWELL" }
        return nil
    }
}
