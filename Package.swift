// swift-tools-version:6.0
import PackageDescription

/// Settings shared by every Swift target: Swift 6 language mode (the tools-version default) plus
/// `ExistentialAny` (SE-0335) so every existential is spelled `any P`.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "akana-emulator",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "akana-emulator", targets: ["akana-emulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),  // LogHandler.log(event:)
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),  // GET /_emulator/metrics
    ],
    targets: [
        // SQLite's C API, linked from the system (Debian: libsqlite3-dev).
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        // OpenSSL's libcrypto, linked from the system (Debian: libssl-dev): PBKDF2, HMAC-SHA256, RAND_bytes.
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", providers: [.apt(["libssl-dev"])]),
        // Linux's epoll, eventfd and accept4 declarations (the C library; nothing to install).
        .systemLibrary(name: "CEpoll", path: "Sources/CEpoll"),
        // glibc's mallopt (the C library; nothing to install): the daemon limits malloc arenas.
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        // Generic work scheduling: a bounded worker pool and a deadline monitor (no HTTP, no SQL).
        .target(name: "WorkQueues", swiftSettings: swiftSettings),
        // A generic SQLite layer: connections, cached statements, writer queue + reader pool, migrator.
        .target(name: "SQLiteStore", dependencies: ["CSQLite"], swiftSettings: swiftSettings),
        // A generic HTTP/1.1 server on non-blocking sockets and Dispatch-hosted epoll loops.
        .target(name: "DispatchHTTP", dependencies: ["CEpoll", .product(name: "Logging", package: "swift-log")],
                swiftSettings: swiftSettings),
        // The Akana domain: resources, repositories, the schema (Migrations/ embedded at build time).
        .target(name: "AkanaDomain", dependencies: ["SQLiteStore", "CCrypto", "WorkQueues"], swiftSettings: swiftSettings,
                plugins: ["EmbedMigrationsPlugin"]),
        // The Akana REST API: routes, content negotiation, faults, auth.
        .target(name: "AkanaAPI", dependencies: ["AkanaDomain", "DispatchHTTP", "SQLiteStore", "WorkQueues",
                                                 .product(name: "Logging", package: "swift-log"),
                                                 .product(name: "Prometheus", package: "swift-prometheus")],
                swiftSettings: swiftSettings),
        // Configuration, CLI commands and the daemon's lifecycle (signals, shutdown).
        .target(name: "EmulatorDaemon", dependencies: [
            "AkanaAPI", "CMalloc", "AkanaDomain", "DispatchHTTP", "SQLiteStore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: swiftSettings),
        // The thin executable.
        .executableTarget(name: "akana-emulator", dependencies: ["EmulatorDaemon"], swiftSettings: swiftSettings),

        // Build-time tool + plugin that embed Migrations/*.sql into the binary.
        .executableTarget(name: "embed-migrations", swiftSettings: swiftSettings),
        .plugin(name: "EmbedMigrationsPlugin", capability: .buildTool(), dependencies: ["embed-migrations"],
                path: "Sources/EmbedMigrationsPlugin"),

        .testTarget(name: "WorkQueuesTests", dependencies: ["WorkQueues"], swiftSettings: swiftSettings),
        .testTarget(name: "SQLiteStoreTests", dependencies: ["SQLiteStore"], swiftSettings: swiftSettings),
        .testTarget(name: "DispatchHTTPTests", dependencies: ["DispatchHTTP", .product(name: "Logging", package: "swift-log")],
                    swiftSettings: swiftSettings),
        .testTarget(name: "AkanaDomainTests", dependencies: ["AkanaDomain", "SQLiteStore"], swiftSettings: swiftSettings),
        .testTarget(name: "AkanaAPITests", dependencies: ["AkanaAPI", "AkanaDomain", "DispatchHTTP", "SQLiteStore"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "EmulatorDaemonTests", dependencies: ["EmulatorDaemon", "akana-emulator", "SQLiteStore", "AkanaDomain"],
                    swiftSettings: swiftSettings),
    ]
)
