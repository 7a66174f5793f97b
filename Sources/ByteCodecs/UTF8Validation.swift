/// Where UTF-8 goes wrong, the one implementation every parser of untrusted bytes shares (the
/// JSON parser, and `UntrustedText` before XML and form bodies).
public enum UTF8Validation {
    /// The byte offset of the first invalid UTF-8 sequence (strict: no overlong forms, no
    /// surrogates), or nil when `bytes` is valid. Inlinable, so it is specialised for the caller's
    /// collection.
    @inlinable
    public static func firstInvalidOffset(_ bytes: some Collection<UInt8>) -> Int? {
        if String(validating: bytes, as: UTF8.self) != nil { return nil }
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .error: return offset
            case .emptyInput: return nil
            }
        }
    }
}
