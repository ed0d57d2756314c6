// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "SessionStore",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SessionStore", targets: ["SessionStore"]),
        .library(name: "SessionStoreSQLite", targets: ["SessionStoreSQLite"]),
        .library(name: "SessionStoreServer", targets: ["SessionStoreServer"]),
        .library(name: "SessionStorePostgres", targets: ["SessionStorePostgres"]),
        .executable(name: "session-store", targets: ["session-store"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // The HTTP server only (SessionStoreServer, `session-store serve`): the library builds none of them.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms", from: "1.1.4"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // The PostgreSQL backend only (SessionStorePostgres): the library builds none of it.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Builds the DocC catalog (`swift package generate-documentation`); a plugin, linked into nothing.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(name: "SessionStoreSQLite", dependencies: ["CSQLite"]),
        .executableTarget(name: "EmbedMigrations"),
        .plugin(
            name: "EmbedMigrationsPlugin",
            capability: .buildTool(),
            dependencies: ["EmbedMigrations"],
            path: "Sources/EmbedMigrationsPlugin"
        ),
        .target(
            name: "SessionStore",
            dependencies: ["SessionStoreSQLite", .product(name: "Logging", package: "swift-log")],
            plugins: ["EmbedMigrationsPlugin"]
        ),
        .target(
            name: "SessionStoreServer",
            dependencies: [
                "SessionStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.copy("openapi.json")]
        ),
        .target(
            name: "SessionStorePostgres",
            dependencies: [
                "SessionStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            plugins: ["EmbedMigrationsPlugin"]
        ),
        .executableTarget(
            name: "session-store",
            dependencies: [
                "SessionStore", "SessionStoreSQLite", "SessionStoreServer", "SessionStorePostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "session-store-demo",
            dependencies: ["SessionStore"],
            path: "Examples/Demo"
        ),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .target(name: "HistorySupport", dependencies: ["SessionStore", "TestSupport"], path: "Tests/HistorySupport"),
        .target(
            name: "PostgresTestSupport",
            dependencies: ["TestSupport", .product(name: "PostgresNIO", package: "postgres-nio")],
            path: "Tests/PostgresTestSupport"),
        .executableTarget(name: "StoreAppender", dependencies: ["SessionStore", "SessionStorePostgres"], path: "Tests/StoreAppender"),
        .executableTarget(name: "StoreStreamer", dependencies: ["SessionStore", "TestSupport"], path: "Tests/StoreStreamer"),
        .target(name: "FaultVFS", dependencies: ["CSQLite"], path: "Tests/FaultVFS"),
        .executableTarget(name: "FaultInjector", dependencies: ["SessionStore", "FaultVFS"], path: "Tests/FaultInjector"),
        .testTarget(name: "SessionStoreSQLiteTests", dependencies: ["SessionStoreSQLite", "TestSupport"]),
        .testTarget(
            name: "SessionStoreTests",
            dependencies: ["SessionStore", "SessionStoreSQLite", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "SessionStoreToolTests", dependencies: ["SessionStore", "SessionStoreSQLite", "SessionStorePostgres", "TestSupport", "PostgresTestSupport"]),
        .testTarget(
            name: "SessionStorePostgresTests",
            dependencies: [
                "SessionStorePostgres", "SessionStore", "TestSupport", "PostgresTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]),
        .testTarget(
            name: "ConformanceTests",
            dependencies: [
                "SessionStorePostgres", "SessionStore", "TestSupport", "PostgresTestSupport", "HistorySupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]),
        .testTarget(
            name: "SessionStoreServerTests",
            dependencies: [
                "SessionStoreServer", "SessionStore", "SessionStorePostgres", "TestSupport", "PostgresTestSupport", "HistorySupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
