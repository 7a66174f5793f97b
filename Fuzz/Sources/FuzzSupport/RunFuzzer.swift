/// What every libFuzzer harness shares: the hand-over from the executable's entry point to
/// libFuzzer's driver. Each harness's `@_cdecl("fuzz_<name>_main")` calls `runFuzzer` with its
/// `LLVMFuzzerTestOneInput`.

/// One fuzz input: the bytes and their count; answers 0.
public typealias FuzzTarget = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

/// Hands the process over to libFuzzer, which calls `target` with each input until it stops.
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, _ target: FuzzTarget) -> CInt {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&count, &arguments, target)
}

/// libFuzzer's driver (compiler-rt's FuzzerInterface.h).
// swift-format-ignore: AlwaysUseLowerCamelCase
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: FuzzTarget
) -> CInt
