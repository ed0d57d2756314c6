// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "SessionStore",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SessionStore", targets: ["SessionStore"]),
        .library(name: "SQLite", targets: ["SQLite"]),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(name: "SQLite", dependencies: ["CSQLite"]),
        .executableTarget(name: "EmbedMigrations"),
        .plugin(
            name: "EmbedMigrationsPlugin",
            capability: .buildTool(),
            dependencies: ["EmbedMigrations"],
            path: "Sources/EmbedMigrationsPlugin"
        ),
        .target(
            name: "SessionStore",
            dependencies: ["SQLite"],
            plugins: ["EmbedMigrationsPlugin"]
        ),
        .executableTarget(
            name: "session-store-demo",
            dependencies: ["SessionStore"],
            path: "Examples/Demo"
        ),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite", "TestSupport"]),
        .testTarget(name: "SessionStoreTests", dependencies: ["SessionStore", "SQLite", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
