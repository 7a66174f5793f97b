import AkanaDomain
import JSONCodec
import Logging
import SQLiteStore

/// One documented setting: its key in the config file (`limits.maxBodyBytes`), its environment
/// variable (`AKANA_EMULATOR_LIMITS_MAX_BODY_BYTES`), what it means, and how a value is applied.
public struct ConfigurationKey: Sendable {
    public let key: String
    public let help: String
    /// Applies a value given as JSON (config file) or as text (environment, flags: `.string`).
    let apply: @Sendable (inout EmulatorConfiguration, JSONValue) throws(ConfigurationError) -> Void
    /// The current value, for `akana-emulator config`.
    let read: @Sendable (EmulatorConfiguration) -> JSONValue

    public var environmentVariable: String {
        var name = "AKANA_EMULATOR_"
        for character in key {
            if character == "." {
                name += "_"
            } else if character.isUppercase {
                name += "_" + String(character)
            } else {
                name += character.uppercased()
            }
        }
        return name
    }

    static func string(
        _ key: String, _ help: String, _ path: WritableKeyPath<EmulatorConfiguration, String>,
        validate: (@Sendable (String) -> String?)? = nil
    ) -> ConfigurationKey {
        // Key paths are immutable; sharing one across threads is safe.
        nonisolated(unsafe) let path = path
        return ConfigurationKey(
            key: key, help: help,
            apply: { configuration, value throws(ConfigurationError) in
                guard let text = value.stringValue else { throw ConfigurationError("\(key) must be a string, not \(value.typeName)") }
                if let problem = validate?(text) { throw ConfigurationError("\(key): \(problem)") }
                configuration[keyPath: path] = text
            }, read: { .string($0[keyPath: path]) })
    }

    static func integer(
        _ key: String, _ help: String, _ path: WritableKeyPath<EmulatorConfiguration, Int>,
        range: ClosedRange<Int>
    ) -> ConfigurationKey {
        // Key paths are immutable; sharing one across threads is safe.
        nonisolated(unsafe) let path = path
        return ConfigurationKey(
            key: key, help: help,
            apply: { configuration, value throws(ConfigurationError) in
                let number: Int64?
                if case .string(let text) = value { number = Int64(text) } else { number = value.intValue }
                guard let number, let integer = Int(exactly: number), range.contains(integer) else {
                    throw ConfigurationError(
                        "\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(Self.show(value))")
                }
                configuration[keyPath: path] = integer
            }, read: { .integer(Int64($0[keyPath: path])) })
    }

    static func seconds(
        _ key: String, _ help: String, _ path: WritableKeyPath<EmulatorConfiguration, Double>,
        range: ClosedRange<Double>
    ) -> ConfigurationKey {
        // Key paths are immutable; sharing one across threads is safe.
        nonisolated(unsafe) let path = path
        return ConfigurationKey(
            key: key, help: help,
            apply: { configuration, value throws(ConfigurationError) in
                let number: Double?
                if case .string(let text) = value { number = Double(text) } else { number = value.doubleValue }
                guard let number, number.isFinite, range.contains(number) else {
                    throw ConfigurationError(
                        "\(key) must be a number of seconds from \(range.lowerBound) to \(range.upperBound), not \(Self.show(value))")
                }
                configuration[keyPath: path] = number
            }, read: { .number($0[keyPath: path]) })
    }

    static func boolean(_ key: String, _ help: String, _ path: WritableKeyPath<EmulatorConfiguration, Bool>) -> ConfigurationKey {
        // Key paths are immutable; sharing one across threads is safe.
        nonisolated(unsafe) let path = path
        return ConfigurationKey(
            key: key, help: help,
            apply: { configuration, value throws(ConfigurationError) in
                switch value {
                case .bool(let flag): configuration[keyPath: path] = flag
                case .string(let text) where ["true", "1", "yes", "on"].contains(text.lowercased()): configuration[keyPath: path] = true
                case .string(let text) where ["false", "0", "no", "off"].contains(text.lowercased()): configuration[keyPath: path] = false
                default: throw ConfigurationError("\(key) must be true or false, not \(Self.show(value))")
                }
            }, read: { .bool($0[keyPath: path]) })
    }

    static func show(_ value: JSONValue) -> String {
        if case .string(let text) = value { return "'\(text)'" }
        return JSONWriter.string(value)
    }
}
