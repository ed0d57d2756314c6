// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "SessionStore",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SessionStore", targets: ["SessionStore"]),
        .library(name: "SessionStoreSQLite", targets: ["SessionStoreSQLite"]),
        .executable(name: "session-store", targets: ["session-store"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
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
        .executableTarget(
            name: "session-store",
            dependencies: ["SessionStore", "SessionStoreSQLite", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "session-store-demo",
            dependencies: ["SessionStore"],
            path: "Examples/Demo"
        ),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .executableTarget(name: "StoreAppender", dependencies: ["SessionStore"], path: "Tests/StoreAppender"),
        .executableTarget(name: "StoreStreamer", dependencies: ["SessionStore", "TestSupport"], path: "Tests/StoreStreamer"),
        .target(name: "FaultVFS", dependencies: ["CSQLite"], path: "Tests/FaultVFS"),
        .executableTarget(name: "FaultInjector", dependencies: ["SessionStore", "FaultVFS"], path: "Tests/FaultInjector"),
        .testTarget(name: "SessionStoreSQLiteTests", dependencies: ["SessionStoreSQLite", "TestSupport"]),
        .testTarget(
            name: "SessionStoreTests",
            dependencies: ["SessionStore", "SessionStoreSQLite", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "SessionStoreToolTests", dependencies: ["SessionStore", "SessionStoreSQLite", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
