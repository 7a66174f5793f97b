/// One `name=value` pair of a request's query string, percent-decoded, with `+` decoded as a space.
/// A pair without `=` has an empty value.
public struct HTTPQueryItem: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    public var description: String { "\(name)=\(value)" }
}
