import Foundation
import JSONCodec

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The service names an uploaded API description document declares, for the `ServiceName[]` of
/// `POST /api/dropbox/readfiledetails`: an OpenAPI 3 or Swagger 2 document's `info.title` (JSON,
/// or YAML's top-level `info:` block), a WSDL's `<service name="…">` names (WSDL 1.1 and 2.0).
///
/// Bounded and strict: the dropbox already limits the size; JSON goes through the strict
/// `JSONParser` (bounded nesting); XML is refused before parsing when `UntrustedText.xmlRefusal`
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

    /// `info.title` of a JSON document, else of a YAML one.
    static func infoTitle(_ content: [UInt8]) -> String? {
        if let document = try? JSONParser.parse(content), case .object = document {
            return document.member(caseInsensitive: "info")?.member(caseInsensitive: "title")?.stringValue
        }
        guard let text = UntrustedText.string(content) else { return nil }
        return yamlInfoTitle(text)
    }

    /// The `title:` directly under a top-level `info:` of a block-style YAML document (a plain,
    /// single- or double-quoted scalar on the same line); nil for anything else.
    static func yamlInfoTitle(_ text: String) -> String? {
        var inInfo = false
        var childIndent: Int?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = Substring(rawLine)
            let trimmed = line.drop { $0 == " " }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let indent = line.count - trimmed.count
            if indent == 0 {
                if inInfo { return nil }
                inInfo = trimmed.hasPrefix("info:") && trimmed.dropFirst(5).allSatisfy { $0 == " " }
                continue
            }
            guard inInfo else { continue }
            if childIndent == nil { childIndent = indent }
            guard indent == childIndent, trimmed.hasPrefix("title:") else { continue }
            return yamlScalar(trimmed.dropFirst(6))
        }
        return nil
    }

    private static func yamlScalar(_ raw: Substring) -> String? {
        let value = raw.trimmingCharacters(in: .whitespaces)
        if value.count >= 2, let first = value.first, first == "\"" || first == "'" {
            guard value.last == first else { return nil }
            let inner = String(value.dropFirst().dropLast())
            return inner.contains(first) || (first == "\"" && inner.contains("\\")) ? nil : inner
        }
        let plain = value.split(separator: " #", maxSplits: 1).first.map(String.init) ?? value
        let result = plain.trimmingCharacters(in: .whitespaces)
        guard let first = result.first, !"|>&*!%@`[{".contains(first) else { return nil }
        return result
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
