import Foundation
import MLSConformance
import Testing

/// The package root, found from this file's path (Tests/ConformanceTests/<file>).
let packageRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// How many cases each official file holds (NOTES.md); the HPKE file holds RFC 9180's 128.
let expectedCaseCounts: [String: Int] = [
  "tree-math.json": 10, "deserialization.json": 14, "crypto-basics.json": 7,
  "secret-tree.json": 21, "key-schedule.json": 7, "psk_secret.json": 77,
  "transcript-hashes.json": 7, "message-protection.json": 7, "messages.json": 300,
  "tree-validation.json": 98, "tree-operations.json": 5, "treekem.json": 77, "welcome.json": 7,
  "passive-client-welcome.json": 56, "passive-client-handling-commit.json": 91,
  "passive-client-random.json": 1, "test-vectors.json": 128,
]

let mlsVectorFolder = VectorLocator.mlsVectors(packageRoot: packageRoot)
let hpkeVectorFile = VectorLocator.hpkeVectors(packageRoot: packageRoot)

/// The vector files this build runs, located on disk.
func recognisedVectorFiles() -> [URL] {
  Conformance.recognisedFiles.compactMap { name in
    if name == "test-vectors.json" { return hpkeVectorFile }
    return mlsVectorFolder?.appendingPathComponent(name)
  }
}

@Suite("Official vectors")
struct OfficialVectorTests {
  @Test("vectors are present when CI=true")
  func vectorsPresentUnderCI() {
    guard VectorLocator.vectorsRequired else { return }
    #expect(mlsVectorFolder != nil, "RFC 9420 vectors missing: set MLS_TEST_VECTORS")
    #expect(hpkeVectorFile != nil, "RFC 9180 vectors missing: set MLS_HPKE_VECTORS")
  }

  @Test(
    "every case of a recognised file passes",
    .enabled(if: mlsVectorFolder != nil, "official vectors not found (MLS_TEST_VECTORS)"),
    arguments: recognisedVectorFiles())
  func fileRunsClean(_ file: URL) {
    let report = Conformance.run(file: file)
    for outcome in report.outcomes where outcome != .passed {
      Issue.record("\(file.lastPathComponent): \(outcome)")
    }
    #expect(report.passed == expectedCaseCounts[file.lastPathComponent])
  }
}
