// swift-tools-version:6.1
import PackageDescription

/// Release builds get the optimiser flags the search kernel and the encoder depend on: without
/// `-march=x86-64-v3` Swift compiles for SSE2 and `SIMD16<Float>` code runs 13× slower.
let kernelSettings: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-Xcc", "-march=x86-64-v3"], .when(platforms: [.linux], configuration: .release)),
]

let package = Package(
    name: "ragengine",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ragctl", targets: ["ragctl"]),
        .library(name: "VectorStore", targets: ["VectorStore"]),
        .library(name: "Ingest", targets: ["Ingest"]),
        .library(name: "Retrieval", targets: ["Retrieval"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "4.5.2"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/vapor/jwt-kit", exact: "5.8.0"),
    ],
    targets: [
        // C shims: system libraries with typed wrappers for what Swift cannot import.
        // CBLAS gives only cblas.h's types: the BLAS target loads OpenBLAS at run time (see Sources/BLAS/BLAS.swift).
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        // Storage and clients: know nothing of documents, HTTP routes or embedders' meaning.
        .target(name: "BLAS", dependencies: ["CBLAS"]),
        .target(name: "VectorStore", dependencies: ["BLAS", "CSQLite", .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: kernelSettings),
        .target(name: "CurlHTTP", dependencies: ["CCurl"]),
        .target(name: "MiniLM", dependencies: ["BLAS"], swiftSettings: kernelSettings),

        // Application layers.
        .target(name: "Ingest", dependencies: ["VectorStore", "CurlHTTP", "MiniLM",
                                               .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Retrieval", dependencies: ["Ingest", "VectorStore", "CurlHTTP",
                                                  .product(name: "Metrics", package: "swift-metrics")]),
        // The HTTP API: Hummingbird routes over the Retrieval and Ingest libraries (which never import it).
        .target(name: "Server", dependencies: [
            "Retrieval", "Ingest", "VectorStore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .executableTarget(name: "ragctl", dependencies: [
            "Server", "Retrieval", "Ingest", "VectorStore", "MiniLM", "BLAS", "CurlHTTP",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: kernelSettings),

        // Tests: one target per module, shared helpers in TestSupport.
        .target(name: "TestSupport", dependencies: ["VectorStore"], path: "Tests/TestSupport", exclude: ["scripted_upstream.py"]),
        .testTarget(name: "VectorStoreTests", dependencies: ["VectorStore", "TestSupport", "ragctl"]),
        .testTarget(name: "CurlHTTPTests", dependencies: ["CurlHTTP", "TestSupport"]),
        .testTarget(name: "MiniLMTests", dependencies: ["MiniLM", "TestSupport"]),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "TestSupport"]),
        .testTarget(name: "RetrievalTests", dependencies: ["Retrieval", "TestSupport", "Ingest", "VectorStore",
                                                           .product(name: "Metrics", package: "swift-metrics")]),
        .testTarget(name: "ragctlTests", dependencies: ["ragctl", "TestSupport", "Ingest", "VectorStore", "Server"]),
        .testTarget(name: "ServerTests", dependencies: ["Server", "ragctl", "TestSupport", "CurlHTTP", "Retrieval", "Ingest", "VectorStore",
                                                        .product(name: "JWTKit", package: "jwt-kit"),
                                                        .product(name: "CryptoExtras", package: "swift-crypto")]),
    ]
)
