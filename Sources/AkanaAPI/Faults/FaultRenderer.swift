import AkanaDomain
import DispatchHTTP
import JSONCodec

/// Renders an `APIError` as an Akana fault in the form the client accepts: JSON
/// (`{"faultcode":"Client","faultstring":"…"}`), XML (`<fault><faultcode>…</faultcode><faultstring>…</faultstring></fault>`)
/// or plain text (the fault string). JSON when the client accepts none of them.
public enum FaultRenderer {
    public static func response(for error: APIError, accept: String?) -> HTTPResponse {
        let choice =
            ContentNegotiation.choose(accept: accept, offers: [.json, .xml, .text])
            ?? ContentNegotiation.Choice(representation: .json, contentType: "application/json")
        var headers = error.headers
        headers.set("Content-Type", choice.contentType)
        let body: [UInt8]
        switch choice.representation {
        case .json:
            body = JSONWriter.bytes(.object([("faultcode", .string(error.faultCode)), ("faultstring", .string(error.message))]))
        case .xml:
            body = XMLWriter.document(
                root: "fault",
                value: .object([
                    ("faultcode", .string(error.faultCode)), ("faultstring", .string(error.message))
                ]))
        case .text:
            body = Array(error.message.utf8)
        }
        return HTTPResponse(status: error.status, headers: headers, body: body)
    }
}
