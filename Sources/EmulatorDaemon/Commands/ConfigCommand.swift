import AkanaDomain
import ArgumentParser
import JSONCodec

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print every setting: its effective value, its environment variable and what it means.")

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let (configuration, file) = try options.load()
        print("# config file: \(file ?? "none (built-in defaults)")")
        for key in ConfigurationKeys.all {
            print("\(key.key) = \(JSONWriter.string(key.read(configuration)))\n    env \(key.environmentVariable)\n    \(key.help)")
        }
        print(
            "users = \(configuration.users.map { "\($0.email) [\($0.roles.joined(separator: ","))]" }.joined(separator: ", "))\n    config file only"
        )
    }
}
