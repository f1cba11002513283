import FuzzHarness

/// libFuzzer entry point for FuzzTarget.ratchetTree (see FuzzHarness). Built only by scripts/fuzz.sh.
///
/// Traps on a finding on purpose: libFuzzer records the input as a crash artifact.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  if case .finding(let finding) = FuzzTarget.ratchetTree.run(data, count: size) {
    fatalError(finding.description)
  }
  return 0
}
