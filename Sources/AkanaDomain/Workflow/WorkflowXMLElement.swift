import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML element with the line it was found on. The definition reader works on this small
/// tree instead of on parser callbacks so it can check references (steps, common actions) in any
/// order and still name the line of the element at fault.
struct WorkflowXMLElement: Sendable {
    var name: String
    var attributes: [String: String]
    var children: [WorkflowXMLElement] = []
    /// The concatenated character data directly inside the element, untrimmed.
    var text: String = ""
    /// The line on which the start tag ends (what XMLParser reports).
    var line: Int

    /// The attribute's value with surrounding whitespace removed; nil when absent or blank.
    func attribute(_ name: String) -> String? {
        guard let value = attributes[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    var trimmedText: String { text.trimmingCharacters(in: .whitespacesAndNewlines) }

    func children(named name: String) -> [WorkflowXMLElement] { children.filter { $0.name == name } }

    /// Parses a whole document. XMLParser on Linux may report success after a fatal error, so the
    /// first error seen by the delegate decides; external entities are never fetched (the DOCTYPE of
    /// a platform export names the OSWorkflow DTD URL, which must not cause a network access).
    static func parseDocument(_ text: String) throws(WorkflowDefinitionError) -> WorkflowXMLElement {
        let parser = XMLParser(data: Data(text.utf8))
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        let builder = TreeBuilder()
        parser.delegate = builder
        let succeeded = parser.parse()
        if let failure = builder.failure {
            throw WorkflowDefinitionError(line: failure.line, "the XML is not well-formed: \(Self.describe(code: failure.code)) (column \(failure.column))")
        }
        if !succeeded, let error = parser.parserError {
            throw WorkflowDefinitionError(line: parser.lineNumber, "the XML is not well-formed: \(Self.describe(code: (error as NSError).code))")
        }
        guard let root = builder.root else {
            throw WorkflowDefinitionError(line: nil, "the document is empty; expected a <workflow> element")
        }
        return root
    }

    /// libxml2's error numbers (which XMLParser.ErrorCode mirrors) for the mistakes people make when
    /// editing XML by hand.
    private static func describe(code: Int) -> String {
        switch code {
        case 4: return "no root element (a '<' was expected)"
        case 5: return "extra content after the root element, or the document ends too early"
        case 9: return "an invalid character"
        case 23: return "an entity reference is missing its ';'"
        case 26, 27: return "an undeclared entity (escape a literal '&' as &amp;)"
        case 38: return "a '<' inside an attribute value (escape it as &lt;)"
        case 39: return "an attribute value is not quoted"
        case 40: return "an attribute value is not closed"
        case 41: return "an attribute without a value"
        case 42: return "an attribute is repeated on one element"
        case 45: return "a comment is not closed"
        case 65: return "a space is required here"
        case 68: return "a name was expected (escape a literal '&' as &amp; and '<' as &lt;)"
        case 73: return "a '>' was expected"
        case 76: return "an end tag does not match its start tag"
        case 77: return "a tag is not closed"
        case 80: return "'--' inside a comment"
        default: return "parser error \(code)"
        }
    }
}

/// Collects elements into a tree and remembers the first error with its position.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    var root: WorkflowXMLElement?
    var failure: (code: Int, line: Int, column: Int)?
    private var stack: [WorkflowXMLElement] = []

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        stack.append(WorkflowXMLElement(name: elementName, attributes: attributes, line: parser.lineNumber))
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        guard let element = stack.popLast() else { return }
        if stack.isEmpty {
            if root == nil { root = element }
        } else {
            stack[stack.count - 1].children.append(element)
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        if failure == nil { failure = ((parseError as NSError).code, parser.lineNumber, parser.columnNumber) }
    }

    func parser(_ parser: XMLParser, validationErrorOccurred validationError: any Error) {
        if failure == nil { failure = ((validationError as NSError).code, parser.lineNumber, parser.columnNumber) }
    }
}
