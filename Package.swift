// swift-tools-version:6.0
import PackageDescription

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `AKANA_FUZZ=1` (set only by `Fuzz/run.sh`, which builds into its own `--scratch-path .build-fuzz`)
/// instruments the library targets for libFuzzer and AddressSanitizer and adds the `fuzz-*`
/// harness executables. Without it the manifest has neither: plain `swift build`/`swift test`
/// never see a fuzz target or libFuzzer's `main`.
let fuzzing = getenv("AKANA_FUZZ").map { String(cString: $0) == "1" } ?? false

/// Settings shared by every Swift target: Swift 6 language mode (the tools-version default) plus
/// `ExistentialAny` (SE-0335) so every existential is spelled `any P`.
let plainSwiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]
/// Release builds compile against the static Swift runtime and Foundation (see the `akana-emulator`
/// target): the objects then name the static libraries' own dependencies for the linker. Not for the
/// fuzz build, whose sanitizer runtimes link against the shared ones.
let staticStdlib: [SwiftSetting] = fuzzing ? [] : [.unsafeFlags(["-static-stdlib"], .when(configuration: .release))]
let swiftSettings: [SwiftSetting] =
    plainSwiftSettings + staticStdlib + (fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address", "-enable-testing"])] : [])

/// The libFuzzer harnesses (Fuzz/Sources/<name>/), each reaching the parser it fuzzes through
/// `@testable import`.
let fuzzHarnesses: [(name: String, dependencies: [Target.Dependency])] = [
    ("fuzz-http-decoder", ["DispatchHTTP"]),
    ("fuzz-json", ["JSONCodec"]),
    ("fuzz-xml-body", ["AkanaAPI", "AkanaDomain", "JSONCodec"]),
    ("fuzz-workflow-definition", ["AkanaDomain"]),
    ("fuzz-multipart", ["AkanaAPI"]),
    ("fuzz-cookies", ["AkanaAPI", "AkanaDomain", "DispatchHTTP"]),
    ("fuzz-descriptor", ["AkanaDomain"]),
    ("fuzz-operations", ["AkanaDomain"]),
    ("fuzz-package", ["AkanaDomain", "SQLiteStore"]),
    ("fuzz-zip", ["AkanaDomain"]),
    ("fuzz-gateway-credentials", ["AkanaAPI", "AkanaDomain", "DispatchHTTP"])
]
let fuzzTargets: [Target] =
    fuzzing
    ? [
        // What the harnesses share: the hand-over to libFuzzer's driver.
        .target(name: "FuzzSupport", path: "Fuzz/Sources/FuzzSupport", swiftSettings: swiftSettings)
    ]
        + fuzzHarnesses.map { harness in
            .executableTarget(
                name: harness.name, dependencies: harness.dependencies + ["FuzzSupport"], path: "Fuzz/Sources/\(harness.name)",
                swiftSettings: swiftSettings + [.unsafeFlags(["-parse-as-library"])],
                linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address"])])
        } : []

let package = Package(
    name: "akana-emulator",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "akana-emulator", targets: ["akana-emulator"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),  // LogHandler.log(event:)
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),  // GET /_emulator/metrics
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),  // YAML API descriptors (OpenAPI/Swagger)
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20")  // ZIP content uploads and API packages
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
        // Hex digits, percent-decoding and UTF-8 validation: the one implementation every target shares.
        .target(name: "ByteCodecs", swiftSettings: swiftSettings),
        // JSON as an ordered tree: the parser (strict but forgiving) and the writer.
        .target(name: "JSONCodec", dependencies: ["ByteCodecs"], swiftSettings: swiftSettings),
        // A generic SQLite layer: connections, cached statements, writer queue + reader pool, migrator.
        .target(name: "SQLiteStore", dependencies: ["CSQLite"], swiftSettings: swiftSettings),
        // A generic HTTP/1.1 server on non-blocking sockets and Dispatch-hosted epoll loops.
        .target(
            name: "DispatchHTTP", dependencies: ["ByteCodecs", "CEpoll", "WorkQueues", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        // The Akana domain: resources, repositories, the schema (Migrations/ embedded at build time).
        .target(
            name: "AkanaDomain",
            dependencies: [
                "ByteCodecs", "JSONCodec", "SQLiteStore", "CCrypto", "WorkQueues", .product(name: "Yams", package: "Yams"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation")
            ],
            swiftSettings: swiftSettings, plugins: ["EmbedMigrationsPlugin"]),
        // The emulator's own machinery: request journal, undo log and checkpoints, snapshots, faults, clock mode, state browser, reset.
        .target(name: "EmulatorMachinery", dependencies: ["AkanaDomain", "JSONCodec", "SQLiteStore"], swiftSettings: swiftSettings),
        // The Akana REST API: routes, content negotiation, faults, auth.
        .target(
            name: "AkanaAPI",
            dependencies: [
                "AkanaDomain", "EmulatorMachinery", "JSONCodec", "DispatchHTTP", "SQLiteStore",
                "WorkQueues",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus")
            ],
            swiftSettings: swiftSettings),
        // Configuration, CLI commands and the daemon's lifecycle (signals, shutdown).
        .target(
            name: "EmulatorDaemon",
            dependencies: [
                "AkanaAPI", "CMalloc", "AkanaDomain", "EmulatorMachinery", "JSONCodec", "DispatchHTTP", "SQLiteStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log")
            ], swiftSettings: swiftSettings),
        // The thin executable.
        // Release builds link the Swift runtime and Foundation statically: only the pages the daemon
        // runs are resident (VmHWM under load 47.6 → 37.2 MB), and the binary runs without a Swift toolchain.
        // `-z now` binds every symbol at load instead of at its first call: the dynamic linker's
        // look-ups through the symbol tables of the executable and each library then happen during
        // startup, whose pages the daemon releases once listening (memory.releaseStartupPages),
        // instead of while serving (1.6 MB less resident under bench.py).
        // Blocks SIGTERM/SIGINT at load time, before main (the executable's own: see early_signals.c).
        .target(name: "CEarlySignals", path: "Sources/CEarlySignals"),
        .executableTarget(
            name: "akana-emulator", dependencies: ["EmulatorDaemon", "CEarlySignals"], swiftSettings: swiftSettings,
            linkerSettings: fuzzing
                ? []
                : [
                    .unsafeFlags(
                        ["-static-stdlib", "-Xlinker", "-z", "-Xlinker", "now"],
                        .when(configuration: .release))
                ]),

        // Build-time tool + plugin that embed Migrations/*.sql into the binary.
        .executableTarget(name: "embed-migrations", swiftSettings: plainSwiftSettings),  // a build tool: never instrumented
        .plugin(
            name: "EmbedMigrationsPlugin", capability: .buildTool(), dependencies: ["embed-migrations"],
            path: "Sources/EmbedMigrationsPlugin"),

        // What the test targets share: one raw-socket HTTP client, temporary directories and databases,
        // tmpfs mounts. Generic (no Akana target), so the low-level test targets can use it too.
        .target(name: "TestSupport", dependencies: ["SQLiteStore"], path: "Tests/TestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "WorkQueuesTests", dependencies: ["WorkQueues"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SQLiteStoreTests", dependencies: ["SQLiteStore", "CSQLite", "CCrypto", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "ByteCodecsTests", dependencies: ["ByteCodecs"], swiftSettings: swiftSettings),
        .testTarget(name: "JSONCodecTests", dependencies: ["JSONCodec"], swiftSettings: swiftSettings),
        .testTarget(
            name: "DispatchHTTPTests", dependencies: ["DispatchHTTP", "TestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "AkanaDomainTests", dependencies: ["AkanaDomain", "EmulatorMachinery", "JSONCodec", "SQLiteStore", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "AkanaAPITests",
            dependencies: [
                "AkanaAPI", "AkanaDomain", "EmulatorMachinery", "JSONCodec", "DispatchHTTP",
                "SQLiteStore", "TestSupport"
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "EmulatorDaemonTests",
            dependencies: [
                "EmulatorDaemon", "akana-emulator", "SQLiteStore", "AkanaDomain",
                "EmulatorMachinery", "JSONCodec", "TestSupport"
            ],
            swiftSettings: swiftSettings)
    ] + fuzzTargets
)
