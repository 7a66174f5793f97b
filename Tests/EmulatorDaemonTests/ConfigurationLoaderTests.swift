import Foundation
import Testing

@testable import EmulatorDaemon

@Suite struct ConfigurationLoaderTests {
    func writeConfig(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("akana-config-\(UUID().uuidString).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func builtInDefaultsWithoutAnyFile() throws {
        let (configuration, file) = try ConfigurationLoader(environment: [:], configPath: nil).load()
        #expect(file == nil || file == ConfigurationLoader.defaultConfigPath)
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.database == "akana-emulator.sqlite")
        #expect(configuration.tenant == "acmepaymentscorp")
        #expect(configuration.users.map(\.email) == ["administrator@acmepaymentscorp.com", "jane@acmepaymentscorp.com"])
    }

    @Test func eventLoopsDefaultToOnePerCoreButOne() throws {
        #expect(EmulatorConfiguration.defaultEventLoops(cores: 1) == 1)
        #expect(EmulatorConfiguration.defaultEventLoops(cores: 2) == 1)
        #expect(EmulatorConfiguration.defaultEventLoops(cores: 8) == 7)
        var configuration = EmulatorConfiguration()
        #expect(
            configuration.httpServerConfiguration().eventLoopCount
                == max(1, ProcessInfo.processInfo.activeProcessorCount - 1))
        configuration.eventLoops = 3
        #expect(configuration.httpServerConfiguration().eventLoopCount == 3)
    }

    @Test func theShippedConfigFileStatesTheDefaults() throws {
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/akana-emulator.json").path
        let (configuration, _) = try ConfigurationLoader(environment: [:], configPath: shipped).load()
        #expect(configuration == EmulatorConfiguration())
    }

    @Test func precedenceIsFlagsThenEnvironmentThenFileThenDefaults() throws {
        let path = try writeConfig(#"{"port": 9000, "database": "file.sqlite", "logLevel": "debug", "limits": {"maxBodyBytes": 2048}}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let environment = ["AKANA_EMULATOR_PORT": "9100", "AKANA_EMULATOR_DATABASE": "env.sqlite", "PATH": "/bin"]
        let (configuration, file) = try ConfigurationLoader(environment: environment, flags: ["port": "9200"], configPath: path).load()
        #expect(file == path)
        #expect(configuration.port == 9200)  // flag
        #expect(configuration.database == "env.sqlite")  // environment over file
        #expect(configuration.logLevel == .debug)  // file
        #expect(configuration.maxBodyBytes == 2048)  // nested file key
        #expect(configuration.maxHeaderBytes == 65_536)  // default
    }

    @Test func memorySettingsReachTheDatabaseAndTheDaemon() throws {
        let path = try writeConfig(
            #"{"databaseReaderCacheKilobytes": 256, "databaseWriterCacheKilobytes": 4096, "memory": {"releaseStartupPages": false}}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (configuration, _) = try ConfigurationLoader(environment: [:], configPath: path).load()
        #expect(configuration.releaseStartupPages == false)
        let database = configuration.databaseConfiguration()
        #expect(database.readerCacheKiB == 256)
        #expect(database.writerCacheKiB == 4096)
        #expect(
            ConfigurationKeys.named("databaseReaderCacheKilobytes")?.environmentVariable == "AKANA_EMULATOR_DATABASE_READER_CACHE_KILOBYTES"
        )
        #expect(ConfigurationKeys.named("memory.releaseStartupPages")?.environmentVariable == "AKANA_EMULATOR_MEMORY_RELEASE_STARTUP_PAGES")
        let defaults = EmulatorConfiguration()
        #expect(defaults.releaseStartupPages)
        #expect(defaults.databaseConfiguration().readerCacheKiB == 512)
        #expect(defaults.databaseConfiguration().writerCacheKiB == 1024)
    }

    @Test func configFileFromTheEnvironment() throws {
        let path = try writeConfig(#"{"tenant": "globex"}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (configuration, _) = try ConfigurationLoader(environment: ["AKANA_EMULATOR_CONFIG": path]).load()
        #expect(configuration.tenant == "globex")
    }

    @Test func environmentVariableNamesFollowTheKeys() {
        #expect(ConfigurationKeys.named("limits.maxBodyBytes")?.environmentVariable == "AKANA_EMULATOR_LIMITS_MAX_BODY_BYTES")
        #expect(ConfigurationKeys.named("csrf.readRequests")?.environmentVariable == "AKANA_EMULATOR_CSRF_READ_REQUESTS")
        #expect(ConfigurationKeys.named("port")?.environmentVariable == "AKANA_EMULATOR_PORT")
    }

    @Test(arguments: [
        (#"{"prot": 1}"#, "unknown key \"prot\""),
        (#"{"limits": {"maxBodyByte": 1}}"#, "unknown key \"limits.maxBodyByte\""),
        (#"{"port": 70000}"#, "port must be a whole number from 0 to 65535"),
        (#"{"durability": "sometimes"}"#, "durability must be"),
        (#"{"durability": "off"}"#, "durability must be"),  // OFF exists for scratch databases only
        (#"{"csrf": {"readRequests": "yes please"}}"#, "csrf.readRequests must be true or false"),
        (#"{"users": [{"email": "x@y.z"}]}"#, "users[0].password is required"),
        (#"{"users": [{"email": "x@y.z", "password": "p", "roles": ["King"]}]}"#, "unknown role \"King\""),
        (#"{"tenants": [{"fedmemberid": "globex"}]}"#, "tenants[0].hosts is required"),
        (#"{"tenant": "bad tenant"}"#, "tenant: must be letters"),
        ("{ not json", "is not valid JSON")
    ])
    func badFilesNameTheKey(text: String, message: String) throws {
        let path = try writeConfig(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect { try ConfigurationLoader(environment: [:], configPath: path).load() } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func theGatewayTakesAFreePortWhenThePortalDoesUnlessItsPortIsSet() throws {
        #expect(try ConfigurationLoader(environment: [:], configPath: nil).load().0.gatewayPort == 8081)
        #expect(try ConfigurationLoader(environment: [:], flags: ["port": "0"], configPath: nil).load().0.gatewayPort == 0)
        let set = try ConfigurationLoader(environment: ["AKANA_EMULATOR_GATEWAY_PORT": "9081"], flags: ["port": "0"], configPath: nil)
        #expect(try set.load().0.gatewayPort == 9081)
    }

    @Test func theClientsVariablesAreNotTheDaemons() throws {
        let environment = ["AKANA_EMULATOR_BINARY": "/usr/local/bin/akana-emulator", "AKANA_EMULATOR_URL": "http://127.0.0.1:8080"]
        let (configuration, _) = try ConfigurationLoader(environment: environment, configPath: nil).load()
        #expect(configuration.port == EmulatorConfiguration().port)
    }

    @Test func badEnvironmentNamesTheVariable() {
        #expect { try ConfigurationLoader(environment: ["AKANA_EMULATOR_PORTT": "1"]).load() } throws: {
            "\($0)".contains("AKANA_EMULATOR_PORTT")
        }
        #expect { try ConfigurationLoader(environment: ["AKANA_EMULATOR_PORT": "eighty"]).load() } throws: {
            "\($0)".contains("AKANA_EMULATOR_PORT") && "\($0)".contains("'eighty'")
        }
        #expect { try ConfigurationLoader(environment: [:], configPath: "/nonexistent/config.json").load() } throws: {
            "\($0)".contains("does not exist")
        }
    }

    @Test func usersAndTenantsFromTheFile() throws {
        let path = try writeConfig(
            """
            {
              // a second tenant
              "tenants": [{"fedmemberid": "globex", "hosts": ["globex.localhost"], "csrf": {"readRequests": true}}],
              "users": [
                {"email": "boss@globex.com", "password": "pw", "roles": ["BusinessAdmin"], "tenant": "globex"},
              ],
            }
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (configuration, _) = try ConfigurationLoader(environment: [:], configPath: path).load()
        #expect(configuration.users.count == 1)
        #expect(configuration.seedUsers().first?.tenant == "globex")
        let directory = configuration.tenantDirectory()
        #expect(directory.tenant(forHost: "globex.localhost:8080").fedmemberid == "globex")
        #expect(directory.tenant(forHost: "globex.localhost:8080").readRequestCSRF)
        #expect(directory.tenant(forHost: "127.0.0.1:8080").fedmemberid == "acmepaymentscorp")
    }

    @Test func userOfAnUnknownTenantIsRefused() throws {
        let path = try writeConfig(#"{"users": [{"email": "a@b.c", "password": "p", "tenant": "nowhere"}]}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect { try ConfigurationLoader(environment: [:], configPath: path).load() } throws: { "\($0)".contains("nowhere") }
    }
}
