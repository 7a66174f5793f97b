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
    /// Entity declarations and internal DTD subsets are refused before parsing, and elements nest at
    /// most `UntrustedText.maxXMLDepth` levels, so the tree (and every walk over it, its teardown
    /// included) is never deeper than that.
    static func parseDocument(_ text: String) throws(WorkflowDefinitionError) -> WorkflowXMLElement {
        let bytes = Array(text.utf8)
        if let refusal = UntrustedText.xmlRefusal(bytes, allowExternalDoctype: true) {
            throw WorkflowDefinitionError(line: nil, refusal)
        }
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        let builder = TreeBuilder()
        parser.delegate = builder
        let succeeded = parser.parse()
        if let tooDeep = builder.tooDeep {
            throw WorkflowDefinitionError(line: tooDeep, "elements are nested deeper than \(UntrustedText.maxXMLDepth) levels")
        }
        if let failure = builder.failure {
            throw WorkflowDefinitionError(
                line: failure.line, "the XML is not well-formed: \(XMLErrorText.describe(code: failure.code)) (column \(failure.column))")
        }
        if !succeeded, let error = parser.parserError {
            throw WorkflowDefinitionError(
                line: parser.lineNumber, "the XML is not well-formed: \(XMLErrorText.describe(code: (error as NSError).code))")
        }
        guard let root = builder.root else {
            throw WorkflowDefinitionError(line: nil, "the document is empty; expected a <workflow> element")
        }
        return root
    }
}

/// Collects elements into a tree and remembers the first error with its position.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    var root: WorkflowXMLElement?
    var failure: (code: Int, line: Int, column: Int)?
    /// The line of the first element nested too deep.
    var tooDeep: Int?
    private var stack: [WorkflowXMLElement] = []

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName: String?, attributes: [String: String] = [:]
    ) {
        guard tooDeep == nil else { return }
        guard stack.count < UntrustedText.maxXMLDepth else {
            tooDeep = parser.lineNumber
            parser.abortParsing()
            return
        }
        stack.append(WorkflowXMLElement(name: elementName, attributes: attributes, line: parser.lineNumber))
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        guard tooDeep == nil, let element = stack.popLast() else { return }
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

    func parser(_ parser: XMLParser, foundCDATA cdataBlock: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: cdataBlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        if failure == nil { failure = ((parseError as NSError).code, parser.lineNumber, parser.columnNumber) }
    }

    func parser(_ parser: XMLParser, validationErrorOccurred validationError: any Error) {
        if failure == nil { failure = ((validationError as NSError).code, parser.lineNumber, parser.columnNumber) }
    }
}
