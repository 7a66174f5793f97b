/// The Action object of every execute-action operation: `ActionName` and `Comments` (decoded from
/// a JSON or XML body at the edge, in AkanaAPI).
public struct WorkflowActionInput: Sendable, Equatable {
    public var name: String
    public var comments: [String]

    public init(name: String, comments: [String]) {
        self.name = name
        self.comments = comments
    }
}
