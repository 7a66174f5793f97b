import AkanaDomain
import Foundation

#if canImport(FoundationXML)
    import FoundationXML
    import JSONCodec
#endif

/// Reads an XML request body into the same tree a JSON body gives: the root element's children
/// become members (repeated names become arrays), leaf elements become strings (character data
/// and CDATA sections, trimmed). So
/// `<Action><ActionName>x</ActionName><Comments>a</Comments><Comments>b</Comments></Action>` reads
/// like `{"ActionName":"x","Comments":["a","b"]}`.
///
/// Strict and bounded: the body must be valid UTF-8 and well-formed (any parser error, a truncated
/// document or content after the root element is refused); `<!DOCTYPE` and `<!ENTITY` are refused
/// before parsing (no entity expansion, no external fetches); elements nest at most
/// `UntrustedText.maxXMLDepth` levels; building the tree is linear in the number of elements.
enum XMLBodyParser {
    struct Failure: Error { var message: String }

    static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        if let refusal = UntrustedText.xmlRefusal(bytes, allowExternalDoctype: false) { throw Failure(message: refusal) }
        let delegate = TreeBuilder()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        let succeeded = parser.parse()
        if let failure = delegate.failure { throw Failure(message: failure) }
        guard succeeded, let root = delegate.root else {
            let line = parser.lineNumber
            throw Failure(message: "line \(line): \(parser.parserError.map { "\($0.localizedDescription)" } ?? "not well-formed XML")")
        }
        guard delegate.closedRoot else { throw Failure(message: "the document ends before its root element is closed") }
        return root
    }

    private final class TreeBuilder: NSObject, XMLParserDelegate {
        private final class Node {
            var children: [(String, Node)] = []
            var text = ""
            /// Depth is at most `UntrustedText.maxXMLDepth`, so this recursion is bounded.
            var value: JSONValue {
                if children.isEmpty { return .string(text.trimmingCharacters(in: .whitespacesAndNewlines)) }
                var order: [String] = []
                var groups: [String: [JSONValue]] = [:]
                for (name, child) in children {
                    if groups[name] == nil { order.append(name) }
                    groups[name, default: []].append(child.value)
                }
                return .object(
                    order.map { name in
                        let values = groups[name] ?? []
                        return (name, values.count == 1 ? values[0] : .array(values))
                    })
            }
        }

        private var stack: [Node] = []
        private var top: Node?
        private(set) var failure: String?
        private(set) var closedRoot = false
        var root: JSONValue? { top?.value }

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            guard failure == nil else { return }
            guard stack.count < UntrustedText.maxXMLDepth else {
                failure = "line \(parser.lineNumber): elements are nested deeper than \(UntrustedText.maxXMLDepth) levels"
                parser.abortParsing()
                return
            }
            if stack.isEmpty, top != nil {
                failure = "line \(parser.lineNumber): extra content after the root element"
                parser.abortParsing()
                return
            }
            let node = Node()
            let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
            if let parent = stack.last { parent.children.append((local, node)) } else { top = node }
            stack.append(node)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            guard failure == nil, !stack.isEmpty else { return }
            stack.removeLast()
            if stack.isEmpty { closedRoot = true }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }

        func parser(_ parser: XMLParser, foundCDATA cdataBlock: Data) {
            guard let node = stack.last else { return }
            guard let text = UntrustedText.string(cdataBlock) else {
                failure = "line \(parser.lineNumber): a CDATA section is not valid UTF-8"
                parser.abortParsing()
                return
            }
            node.text += text
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
            if failure == nil {
                failure =
                    "line \(parser.lineNumber), column \(parser.columnNumber): \(XMLErrorText.describe(code: (parseError as NSError).code))"
            }
        }

        func parser(_ parser: XMLParser, validationErrorOccurred validationError: any Error) {
            if failure == nil {
                failure =
                    "line \(parser.lineNumber), column \(parser.columnNumber): \(XMLErrorText.describe(code: (validationError as NSError).code))"
            }
        }
    }
}
