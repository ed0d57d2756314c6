// swift-tools-version: 6.1
import PackageDescription

// Benchmarks live in a package of their own, so that the library gains no dependency from them.
let package = Package(
    name: "SessionStoreBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "SessionStore", path: ".."),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .target(name: "RawC", linkerSettings: [.linkedLibrary("sqlite3")]),
        .executableTarget(
            name: "session-store-bench",
            dependencies: [
                "RawC",
                .product(name: "SessionStore", package: "SessionStore"),
                .product(name: "SessionStoreSQLite", package: "SessionStore"),
                .product(name: "SessionStorePostgres", package: "SessionStore"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
