import FuzzSupport

@testable import JSONCodec

/// libFuzzer entry: any bytes through the JSON parser (strict and with comments); a parsed value
/// must survive a write and re-parse unchanged.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let value = try? JSONParser.parse(bytes) {
        let written = JSONWriter.bytes(value)
        guard let again = try? JSONParser.parse(written), again == value || value.containsDouble else {
            fatalError("JSON round trip changed the value")
        }
    }
    _ = try? JSONParser.parse(bytes, options: .init(allowComments: true))
    return 0
}

extension JSONValue {
    /// Numbers that do not round-trip exactly through text (a double's shortest form may differ).
    var containsDouble: Bool {
        switch self {
        case .number: return true
        case .array(let items): return items.contains { $0.containsDouble }
        case .object(let members): return members.contains { $0.1.containsDouble }
        default: return false
        }
    }
}

/// SwiftPM links an executable target's entry point as `fuzz_json_main`; it hands over to libFuzzer.
@_cdecl("fuzz_json_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzzJSON)
}
