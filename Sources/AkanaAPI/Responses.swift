import AkanaDomain
import DispatchHTTP
import JSONCodec

/// Builders for the response shapes the platform uses.
public enum Responses {
    /// A resource in the negotiated form (JSON or XML, `root` naming the XML element).
    public static func representation(
        _ value: JSONValue, root: String, choice: ContentNegotiation.Choice,
        status: HTTPStatus = .ok, headers: HTTPHeaders = [:]
    ) -> HTTPResponse {
        var headers = headers
        headers.set("Content-Type", choice.contentType)
        let body: [UInt8]
        switch choice.representation {
        case .json, .text: body = JSONWriter.bytes(value)
        case .xml: body = XMLWriter.document(root: root, value: value)
        }
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    /// `text/plain`: what every action and update operation answers (an id or a workflow status).
    public static func text(_ text: String, status: HTTPStatus = .ok, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var headers = headers
        headers.set("Content-Type", "text/plain")
        return HTTPResponse(status: status, headers: headers, body: Array(text.utf8))
    }
}
