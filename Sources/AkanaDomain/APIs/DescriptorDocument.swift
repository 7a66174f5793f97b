import Foundation
import JSONCodec

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An uploaded API description document, read: what it says of itself (title, first server URL),
/// its operations, and (OpenAPI 3 / Swagger 2) its tree, which `GET …/definition/{Specification}`
/// answers.
public struct DescriptorDocument: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case openAPI3 = "OpenAPI"
        case swagger2 = "Swagger"
        case wsdl = "WSDL"
        /// RAML and WADL documents are stored and answered as uploaded; their operations are not read.
        case unread
    }

    public var kind: Kind
    public var title: String?
    public var serverURL: String?
    public var operations: [APIOperation]
    /// The OpenAPI / Swagger document as a JSON tree (YAML read into the same tree); nil for WSDL.
    public var tree: JSONValue?

    /// Why a document could not be read: answered as the platform words it, "The API definition
    /// could not be read: [reason]".
    public struct Unreadable: Error, Equatable {
        public var reason: String
        init(_ reason: String) { self.reason = reason }
        public var message: String { "The API definition could not be read: [\(reason)]" }
    }

    /// At most this many operations in one document; more is refused, not cut.
    public static let maxOperations = 2_000
    /// The longest path template kept.
    public static let maxPathLength = FieldLimits.websiteAddress
    static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// Reads an uploaded document of `fileType` (`DropboxFile.documentType`). Bounded: JSON through
    /// the strict `JSONParser` (bounded nesting), YAML through `YAMLDocument` (no anchors or
    /// aliases, bounded depth and nodes), XML refused by `UntrustedText.xmlRefusal` before parsing
    /// and nested at most `UntrustedText.maxXMLDepth` levels; at most `maxOperations` operations,
    /// names within `FieldLimits.short`, paths within `maxPathLength`.
    public static func read(fileType: String, content: [UInt8]) throws(Unreadable) -> DescriptorDocument {
        switch fileType {
        case "OpenAPI", "Swagger": return try readOpenAPI(content)
        case "WSDL": return try readWSDL(content)
        case "RAML", "WADL": return DescriptorDocument(kind: .unread, title: nil, serverURL: nil, operations: [], tree: nil)
        default: throw Unreadable("Service Definition parser not found.")
        }
    }

    // MARK: - OpenAPI 3 and Swagger 2

    /// The document's tree: JSON when it parses as a JSON object, else YAML.
    static func tree(_ content: [UInt8]) throws(Unreadable) -> JSONValue {
        if let document = try? JSONParser.parse(content), case .object = document { return document }
        guard let text = UntrustedText.string(content) else { throw Unreadable("the document is not valid UTF-8") }
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\u{FEFF}" }
        if trimmed.hasPrefix("{") { throw Unreadable("the document is not well-formed JSON") }
        do {
            let document = try YAMLDocument.tree(text)
            guard case .object = document else { throw Unreadable("the document is not a mapping") }
            return document
        } catch let refusal as YAMLDocument.Refusal {
            throw Unreadable(refusal.message)
        } catch let unreadable as Unreadable {
            throw unreadable
        } catch {
            throw Unreadable("\(error)")
        }
    }

    static func readOpenAPI(_ content: [UInt8]) throws(Unreadable) -> DescriptorDocument {
        let document = try tree(content)
        let kind: Kind
        if let version = versionText(document["openapi"]), version.hasPrefix("3.") {
            kind = .openAPI3
        } else if versionText(document["swagger"]) == "2.0" {
            kind = .swagger2
        } else {
            throw Unreadable("the document is neither OpenAPI 3 (openapi: 3.x) nor Swagger 2.0 (swagger: \"2.0\")")
        }
        let title = document["info"]?["title"]?.stringValue
        return DescriptorDocument(
            kind: kind, title: title, serverURL: serverURL(document), operations: try operations(document), tree: document)
    }

    /// A version member as text; YAML reads an unquoted `swagger: 2.0` or `openapi: 3.0` as a number.
    static func versionText(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text): return text
        case .number(let number) where number == 2 || number == 3 || number == 3.1: return String(number)
        case .integer(let number) where number == 2 || number == 3: return "\(number).0"
        default: return nil
        }
    }

    /// The first absolute server URL: OpenAPI 3's `servers[0].url`, Swagger 2's
    /// `schemes[0]://host basePath` (https when no scheme is given).
    static func serverURL(_ document: JSONValue) -> String? {
        if let url = document["servers"]?.arrayValue?.first?["url"]?.stringValue, url.hasPrefix("http://") || url.hasPrefix("https://") {
            return url
        }
        if let host = document["host"]?.stringValue, !host.isEmpty {
            let scheme = document["schemes"]?.arrayValue?.first?.stringValue ?? "https"
            return "\(scheme)://\(host)\(document["basePath"]?.stringValue ?? "")"
        }
        return nil
    }

    /// Every path × method, in document order: named by operationId, else "<METHOD> <path>"; a name
    /// already taken gets "_2", "_3"… Description: the operation's description, else its summary.
    static func operations(_ document: JSONValue) throws(Unreadable) -> [APIOperation] {
        guard let paths = document["paths"] else { return [] }
        guard case .object(let pathItems) = paths else { throw Unreadable("paths is not an object") }
        var operations: [APIOperation] = []
        var names = Set<String>()
        for (path, item) in pathItems where !path.hasPrefix("x-") {
            guard path.hasPrefix("/") else { throw Unreadable("the path '\(path.prefix(100))' does not start with /") }
            guard FieldLimits.fits(path, maxPathLength) else { throw Unreadable("a path is longer than \(maxPathLength) characters") }
            guard case .object(let members) = item else { throw Unreadable("the path item \(path) is not an object") }
            for (method, operation) in members where methods.contains(method) {
                guard case .object = operation else { throw Unreadable("\(method) \(path) is not an operation object") }
                guard operations.count < maxOperations else {
                    throw Unreadable("the document has more than \(maxOperations) operations")
                }
                let operationID = operation["operationId"]
                if let operationID, operationID.stringValue == nil, operationID != .null {
                    throw Unreadable("the operationId of \(method) \(path) is not a string")
                }
                let base = operationID?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? "\(method.uppercased()) \(path)"
                let name = unique(base, in: &names)
                guard FieldLimits.fits(name, FieldLimits.short) else {
                    throw Unreadable("the operation name '\(name.prefix(100))…' is longer than \(FieldLimits.short) characters")
                }
                let description = operation["description"]?.stringValue ?? operation["summary"]?.stringValue ?? ""
                operations.append(APIOperation(name: name, method: method.uppercased(), path: path, description: description))
            }
        }
        return operations
    }

    private static func unique(_ base: String, in names: inout Set<String>) -> String {
        var name = base
        var suffix = 2
        while names.contains(name) {
            name = "\(base)_\(suffix)"
            suffix += 1
        }
        names.insert(name)
        return name
    }

    // MARK: - WSDL

    static let wsdl11 = "http://schemas.xmlsoap.org/wsdl/"
    static let wsdl20 = "http://www.w3.org/ns/wsdl"

    /// WSDL 1.1 (`portType/operation`, else `binding/operation`) or 2.0 (`interface/operation`):
    /// the operation names in document order (made unique as REST names are), no method or path;
    /// the title is the first `service` name, the server URL the first `address` of a port or
    /// endpoint (`location` in 1.1, `address` in 2.0) that is an http(s) URL.
    static func readWSDL(_ content: [UInt8]) throws(Unreadable) -> DescriptorDocument {
        if let refusal = UntrustedText.xmlRefusal(content, allowExternalDoctype: false) { throw Unreadable(refusal) }
        let collector = WSDLCollector()
        let parser = XMLParser(data: Data(content))
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = collector
        guard parser.parse(), collector.failure == nil else {
            throw Unreadable(collector.failure ?? "the XML is malformed (line \(parser.lineNumber))")
        }
        guard collector.isWSDL else { throw Unreadable("the document is not a WSDL 1.1 or 2.0 definitions/description") }
        var names = Set<String>()
        let declared = collector.interfaceOperations.isEmpty ? collector.bindingOperations : collector.interfaceOperations
        var operations: [APIOperation] = []
        for declaredName in declared {
            guard operations.count < maxOperations else { throw Unreadable("the document has more than \(maxOperations) operations") }
            let name = unique(declaredName, in: &names)
            guard FieldLimits.fits(name, FieldLimits.short) else {
                throw Unreadable("the operation name '\(name.prefix(100))…' is longer than \(FieldLimits.short) characters")
            }
            operations.append(APIOperation(name: name, method: "", path: "", description: ""))
        }
        return DescriptorDocument(
            kind: .wsdl, title: collector.serviceNames.first, serverURL: collector.address, operations: operations, tree: nil)
    }

    private final class WSDLCollector: NSObject, XMLParserDelegate {
        var isWSDL = false
        var serviceNames: [String] = []
        var interfaceOperations: [String] = []
        var bindingOperations: [String] = []
        var address: String?
        var failure: String?
        /// The WSDL elements enclosing the current one (local names), and the current depth.
        var stack: [String] = []

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String]
        ) {
            guard stack.count < UntrustedText.maxXMLDepth else {
                failure = "elements are nested deeper than \(UntrustedText.maxXMLDepth) levels"
                parser.abortParsing()
                return
            }
            let inWSDL = namespaceURI == DescriptorDocument.wsdl11 || namespaceURI == DescriptorDocument.wsdl20
            if stack.isEmpty { isWSDL = inWSDL && (elementName == "definitions" || elementName == "description") }
            let parent = stack.last
            if inWSDL, stack.count == 1 {
                if elementName == "service", let name = attributes["name"] { serviceNames.append(name) }
            } else if inWSDL, stack.count == 2, elementName == "operation", let name = attributes["name"], !name.isEmpty {
                switch parent {
                case "portType", "interface": interfaceOperations.append(name)
                case "binding": bindingOperations.append(name)
                default: break
                }
            } else if address == nil, stack.count == 3, stack[1] == "service", elementName == "address",
                let url = attributes["location"] ?? attributes["address"], url.hasPrefix("http://") || url.hasPrefix("https://")
            {
                address = url
            } else if address == nil, stack.count == 2, parent == "service", inWSDL, elementName == "endpoint",
                let url = attributes["address"], url.hasPrefix("http://") || url.hasPrefix("https://")
            {
                address = url
            }
            stack.append(inWSDL ? elementName : "")
            if interfaceOperations.count + bindingOperations.count > 2 * DescriptorDocument.maxOperations {
                failure = "the document has more than \(DescriptorDocument.maxOperations) operations"
                parser.abortParsing()
            }
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            if !stack.isEmpty { stack.removeLast() }
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
            if failure == nil { failure = "the XML is malformed (line \(parser.lineNumber))" }
        }
        func parser(_ parser: XMLParser, validationErrorOccurred validationError: any Error) {
            if failure == nil { failure = "the XML is malformed (line \(parser.lineNumber))" }
        }
    }
}
