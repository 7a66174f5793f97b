import AkanaDomain
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads an XML request body into the same tree a JSON body gives: the root element's children
/// become members (repeated names become arrays), leaf elements become strings. So
/// `<Action><ActionName>x</ActionName><Comments>a</Comments><Comments>b</Comments></Action>` reads
/// like `{"ActionName":"x","Comments":["a","b"]}`. DTDs and external entities are not resolved.
enum XMLBodyParser {
    struct Failure: Error { var message: String }

    static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        let delegate = TreeBuilder()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        guard parser.parse(), let root = delegate.root else {
            let line = parser.lineNumber
            throw Failure(message: "line \(line): \(parser.parserError.map { "\($0.localizedDescription)" } ?? "not well-formed XML")")
        }
        return root
    }

    private final class TreeBuilder: NSObject, XMLParserDelegate {
        private final class Node {
            var children: [(String, Node)] = []
            var text = ""
            var value: JSONValue {
                if children.isEmpty { return .string(text.trimmingCharacters(in: .whitespacesAndNewlines)) }
                var members: [(String, JSONValue)] = []
                for (name, child) in children {
                    if let index = members.firstIndex(where: { $0.0 == name }) {
                        if case .array(let existing) = members[index].1 {
                            members[index].1 = .array(existing + [child.value])
                        } else {
                            members[index].1 = .array([members[index].1, child.value])
                        }
                    } else {
                        members.append((name, child.value))
                    }
                }
                return .object(members)
            }
        }

        private var stack: [Node] = []
        private var top: Node?
        var root: JSONValue? { top?.value }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            let node = Node()
            let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
            if let parent = stack.last { parent.children.append((local, node)) } else { top = node }
            stack.append(node)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            stack.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }
    }
}
