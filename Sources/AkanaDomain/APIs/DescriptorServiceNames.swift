import Foundation
import JSONCodec

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The service names an uploaded API description document declares, for the `ServiceName[]` of
/// `POST /api/dropbox/readfiledetails`: an OpenAPI 3 or Swagger 2 document's `info.title` (JSON
/// or YAML), a WSDL's `<service name="…">` names (WSDL 1.1 and 2.0).
///
/// Bounded and strict: the dropbox already limits the size; JSON goes through the strict
/// `JSONParser` (bounded nesting), YAML through `YAMLDocument` (no anchors or aliases); XML is refused before parsing when `UntrustedText.xmlRefusal`
/// refuses it (no entities, no DOCTYPE, no processing instructions), elements nest at most
/// `UntrustedText.maxXMLDepth` levels, and at most `maxNames` names are kept. A malformed
/// document gives no names, never an error.
public enum DescriptorServiceNames {
    public static let maxNames = 100

    public static func names(fileType: String, content: [UInt8]) -> [String] {
        let names: [String]
        switch fileType {
        case "OpenAPI", "Swagger": names = infoTitle(content).map { [$0] } ?? []
        case "WSDL": names = wsdlServiceNames(content)
        default: names = []
        }
        return Array(names.filter { !$0.isEmpty && $0.count <= FieldLimits.short }.prefix(maxNames))
    }

    /// `info.title` of a JSON document, else of a YAML one (read by `DescriptorDocument.tree`:
    /// Yams, with no anchors or aliases and bounded depth and size).
    static func infoTitle(_ content: [UInt8]) -> String? {
        (try? DescriptorDocument.tree(content))?["info"]?["title"]?.stringValue
    }

    /// The `name` of each `service` element in the WSDL 1.1 or 2.0 namespace, in document order.
    static func wsdlServiceNames(_ content: [UInt8]) -> [String] {
        guard UntrustedText.xmlRefusal(content, allowExternalDoctype: false) == nil else { return [] }
        let collector = WSDLServiceCollector()
        let parser = XMLParser(data: Data(content))
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = collector
        guard parser.parse(), !collector.failed else { return [] }
        return collector.names
    }

    private final class WSDLServiceCollector: NSObject, XMLParserDelegate {
        static let namespaces: Set<String> = ["http://schemas.xmlsoap.org/wsdl/", "http://www.w3.org/ns/wsdl"]
        var names: [String] = []
        var depth = 0
        var failed = false

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String]
        ) {
            depth += 1
            if depth > UntrustedText.maxXMLDepth {
                failed = true
                parser.abortParsing()
                return
            }
            if elementName == "service", let namespace = namespaceURI, Self.namespaces.contains(namespace),
                let name = attributes["name"], names.count < DescriptorServiceNames.maxNames
            {
                names.append(name)
            }
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            depth -= 1
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) { failed = true }
        func parser(_ parser: XMLParser, validationErrorOccurred validationError: any Error) { failed = true }
    }
}
