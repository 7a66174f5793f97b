import FuzzSupport

@testable import AkanaDomain

/// libFuzzer entry: any bytes as an uploaded workflow definition: the UTF-8 check the route makes,
/// then the XML reader and the definition checks.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWorkflowDefinition(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let text = UntrustedText.string(bytes) else { return 0 }
    if let definition = try? WorkflowDefinition.parse(text) {
        for step in definition.steps { _ = definition.actions(in: step) }
    }
    return 0
}

/// SwiftPM links an executable target's entry point as `fuzz_workflow_definition_main`; it hands over to libFuzzer.
@_cdecl("fuzz_workflow_definition_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzzWorkflowDefinition)
}
