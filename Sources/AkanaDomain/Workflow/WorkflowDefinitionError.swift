/// Why a workflow definition was refused, with the line of the XML it concerns, so whoever wrote
/// the file by hand can go straight to it.
public struct WorkflowDefinitionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line number (the line on which the offending tag ends), or nil for the whole document.
    public var line: Int?
    public var message: String

    public init(line: Int?, _ message: String) {
        self.line = line
        self.message = message
    }

    public var description: String {
        guard let line else { return message }
        return "line \(line): \(message)"
    }

    /// The fault the API answers an upload with.
    public var domainError: DomainError {
        .badRequest("The workflow definition was refused: \(description)")
    }
}
