import Foundation
import MLS
import MLSCodec
import MLSCrypto

/// tree-validation.json: resolutions, tree hashes, parent hashes and leaf signatures of received
/// trees. RFC 9420 §4.1.1, §7.8, §7.9.2, §7.3.
enum TreeValidationVectors {
  struct Case: Decodable {
    let cipher_suite: UInt16
    let tree: HexBytes
    let group_id: HexBytes
    let resolutions: [[UInt32]]
    let tree_hashes: [HexBytes]
  }

  static func run(_ data: Data) throws -> [CaseOutcome] {
    runCases(try decodeCases(Case.self, from: data)) { testCase in
      let provider = try CipherSuiteProvider(CipherSuite(rawValue: testCase.cipher_suite))
      let algorithm = provider.hash
      var tree = try PublicRatchetTree(tlsSerialized: testCase.tree.bytes)
      // NOTES.md trap 7: the arrays cover the full padded tree.
      try expect(testCase.resolutions.count == tree.nodes.count, "resolutions count")
      try expect(testCase.tree_hashes.count == tree.nodes.count, "tree_hashes count")
      for index in 0..<tree.nodes.count {
        let node = NodeIndex(UInt32(index))
        let resolution = tree.resolution(of: node).map(\.rawValue)
        try expect(resolution == testCase.resolutions[index], "resolutions[\(index)]")
        let hash = try tree.treeHash(of: node, using: algorithm)
        try expectBytes(hash, testCase.tree_hashes[index].bytes, "tree_hashes[\(index)]")
      }
      try tree.validate(
        groupID: testCase.group_id.bytes,
        expectedTreeHash: testCase.tree_hashes[Int(tree.root.rawValue)].bytes,
        provider: provider)
      return .passed
    }
  }
}
