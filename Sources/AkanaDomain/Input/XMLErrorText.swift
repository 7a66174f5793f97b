/// Plain words for the XML parser's error codes, shared by the request-body and workflow readers.
public enum XMLErrorText {
    /// libxml2's error numbers (which XMLParser.ErrorCode mirrors) for the mistakes people make when
    /// editing XML by hand.
    public static func describe(code: Int) -> String {
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
