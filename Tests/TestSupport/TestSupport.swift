import Foundation

/// A temporary directory removed when the value is released.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init(_ label: String = "ragtest") {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/\(label)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    public func file(_ name: String) -> String { "\(path)/\(name)" }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// SplitMix64: a small, seedable generator so test data is the same on every run.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal sample (Box–Muller).
    public mutating func gaussian() -> Float {
        let u1 = max(Double.random(in: 0..<1, using: &self), 1e-300)
        let u2 = Double.random(in: 0..<1, using: &self)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
    }
}

/// Synthetic vectors for oracle tests and benchmarks.
public enum SyntheticVectors {
    /// `count` i.i.d. Gaussian vectors.
    public static func random(count: Int, dimension: Int, seed: UInt64) -> [[Float]] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in (0..<dimension).map { _ in rng.gaussian() } }
    }

    /// `count` vectors around `clusters` random centres with noise `spread`: many near-ties, like real
    /// embeddings.
    public static func clustered(count: Int, dimension: Int, clusters: Int, spread: Float = 0.3, seed: UInt64) -> [[Float]] {
        var rng = SeededGenerator(seed: seed)
        let centres = (0..<clusters).map { _ in (0..<dimension).map { _ in rng.gaussian() } }
        return (0..<count).map { i in
            let centre = centres[i % clusters]
            return centre.map { $0 + spread * rng.gaussian() }
        }
    }

    public static func normalised(_ v: [Float]) -> [Float] {
        let norm = v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        return v.map { Float(Double($0) / norm) }
    }

    /// Cosine similarity in double precision: the oracle's arithmetic.
    public static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0, na = 0.0, nb = 0.0
        for i in a.indices {
            dot += Double(a[i]) * Double(b[i])
            na += Double(a[i]) * Double(a[i])
            nb += Double(b[i]) * Double(b[i])
        }
        return dot / (na.squareRoot() * nb.squareRoot())
    }
}

/// Where the repository and its sibling `shared/` folder are, from a test file's `#filePath`.
public enum RepositoryPaths {
    public static func root(from filePath: String = #filePath) -> URL {
        var url = URL(fileURLWithPath: filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }

    public static func shared(from filePath: String = #filePath) -> URL {
        root(from: filePath).deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// The directory holding built products (`ragctl`) for the running test build.
    public static func productsDirectory() -> URL {
        let bundle = Bundle.main.bundleURL
        if FileManager.default.fileExists(atPath: bundle.appendingPathComponent("ragctl").path) { return bundle }
        let parent = bundle.deletingLastPathComponent()
        return parent
    }
}
