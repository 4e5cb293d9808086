import BLAS
import CBLAS

/// Element-wise and row-wise kernels of the encoder that are not matrix products.
///
/// Written as plain scalar loops over raw pointers without reductions in the loop body, so that
/// LLVM auto-vectorises them in release builds (AVX2 with `-march=x86-64-v3`) while staying cheap
/// in debug builds; reductions (sums, dot products) go to BLAS.
enum Kernels {
    /// `x ← LayerNorm(x + bias + residual)` written to `residual`, row by row (`rows × width`).
    ///
    /// `x` is scratch (overwritten). `ones` must hold at least `width` ones.
    static func residualLayerNorm(
        _ x: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, residual: UnsafeMutablePointer<Float>,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, rows: Int, width: Int, epsilon: Float,
        ones: UnsafePointer<Float>
    ) {
        for r in 0..<rows {
            let xr = x + r * width
            let hr = residual + r * width
            for c in 0..<width { xr[c] = xr[c] + bias[c] + hr[c] }
            normalize(xr, into: hr, gamma: gamma, beta: beta, width: width, epsilon: epsilon, ones: ones)
        }
    }

    /// In-place LayerNorm of each row of `x` (`rows × width`).
    static func layerNorm(
        _ x: UnsafeMutablePointer<Float>, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
        rows: Int, width: Int, epsilon: Float, ones: UnsafePointer<Float>
    ) {
        for r in 0..<rows {
            let xr = x + r * width
            normalize(xr, into: xr, gamma: gamma, beta: beta, width: width, epsilon: epsilon, ones: ones)
        }
    }

    /// `dst = (src - mean) / sqrt(var + eps) * gamma + beta` for one row; `src` is modified.
    @inline(__always)
    private static func normalize(
        _ src: UnsafeMutablePointer<Float>, into dst: UnsafeMutablePointer<Float>,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, width: Int, epsilon: Float,
        ones: UnsafePointer<Float>
    ) {
        let n = Int32(width)
        let mean = BLAS.sdot(n, src, 1, ones, 1) / Float(width)
        for c in 0..<width { src[c] -= mean }
        let variance = BLAS.sdot(n, src, 1, src, 1) / Float(width)
        let scale = 1 / (variance + epsilon).squareRoot()
        for c in 0..<width { dst[c] = src[c] * scale * gamma[c] + beta[c] }
    }

    /// `x ← GELU(x + bias)` with the exact (erf) GELU, for a `rows × width` matrix.
    static func biasGELU(_ x: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, rows: Int, width: Int) {
        for r in 0..<rows {
            let xr = x + r * width
            for c in 0..<width {
                let v = xr[c] + bias[c]
                xr[c] = 0.5 * v * (1 + erf(v * 0.70710678118654752))
            }
        }
    }

    /// Softmax of each row of `s` (`rows × width`), in place.
    static func softmaxRows(_ s: UnsafeMutablePointer<Float>, rows: Int, width: Int, ones: UnsafePointer<Float>) {
        for r in 0..<rows {
            let p = s + r * width
            let m = maximum(p, count: width)
            for c in 0..<width { p[c] = exp(p[c] - m) }
            let inverse = 1 / BLAS.sdot(Int32(width), p, 1, ones, 1)
            for c in 0..<width { p[c] *= inverse }
        }
    }

    /// Largest of `count` (≥ 1) floats; eight independent lanes so the loop vectorises.
    @inline(__always)
    static func maximum(_ p: UnsafePointer<Float>, count: Int) -> Float {
        var m0 = p[0], m1 = p[0], m2 = p[0], m3 = p[0], m4 = p[0], m5 = p[0], m6 = p[0], m7 = p[0]
        var i = 0
        while i + 8 <= count {
            m0 = p[i] > m0 ? p[i] : m0
            m1 = p[i + 1] > m1 ? p[i + 1] : m1
            m2 = p[i + 2] > m2 ? p[i + 2] : m2
            m3 = p[i + 3] > m3 ? p[i + 3] : m3
            m4 = p[i + 4] > m4 ? p[i + 4] : m4
            m5 = p[i + 5] > m5 ? p[i + 5] : m5
            m6 = p[i + 6] > m6 ? p[i + 6] : m6
            m7 = p[i + 7] > m7 ? p[i + 7] : m7
            i += 8
        }
        while i < count {
            m0 = p[i] > m0 ? p[i] : m0
            i += 1
        }
        m0 = m1 > m0 ? m1 : m0; m2 = m3 > m2 ? m3 : m2; m4 = m5 > m4 ? m5 : m4; m6 = m7 > m6 ? m7 : m6
        m0 = m2 > m0 ? m2 : m0; m4 = m6 > m4 ? m6 : m4
        return m4 > m0 ? m4 : m0
    }

    /// `e^x` for x ≤ 0 (softmax after max subtraction), Cephes `expf` polynomial, ≈1 ulp.
    /// Branch-free so that loops calling it vectorise.
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        let clamped = x < -87.0 ? -87.0 : (x > 88.0 ? 88.0 : x)
        let k = (clamped * 1.44269504088896341 + 0.5).rounded(.down)
        var r = clamped - k * 0.693359375
        r = r + k * 2.12194440e-4
        var y: Float = 1.9875691500e-4
        y = y * r + 1.3981999507e-3
        y = y * r + 8.3334519073e-3
        y = y * r + 4.1665795894e-2
        y = y * r + 1.6666665459e-1
        y = y * r + 5.0000001201e-1
        y = y * r * r + r + 1
        let scale = Float(bitPattern: UInt32(truncatingIfNeeded: Int32(k) + 127) << 23)
        return y * scale
    }

    /// Error function, the rational approximation Eigen and XLA use for float (clamped to ±4),
    /// accurate to a few ulp. Branch-free so that loops calling it vectorise.
    @inline(__always)
    static func erf(_ x: Float) -> Float {
        let v = x < -4 ? -4 : (x > 4 ? 4 : x)
        let x2 = v * v
        var p: Float = -2.72614225801306e-10
        p = p * x2 + 2.77068142495902e-08
        p = p * x2 + -2.10102402082508e-06
        p = p * x2 + -5.69250639462346e-05
        p = p * x2 + -7.34990630326855e-04
        p = p * x2 + -2.95459980854025e-03
        p = p * x2 + -1.60960333262415e-02
        var q: Float = -1.45660718464996e-05
        q = q * x2 + -2.13374055278905e-04
        q = q * x2 + -1.68282697438203e-03
        q = q * x2 + -7.37332916720468e-03
        q = q * x2 + -1.42647390514189e-02
        return v * p / q
    }
}
