import Foundation
import MLS
import MLSCodec
import MLSCrypto

/// tree-operations.json: applying Add, Update and Remove proposals to a tree. RFC 9420 §12.1.1-
/// §12.1.3, §7.7, §7.8.
enum TreeOperationsVectors {
  struct Case: Decodable {
    let cipher_suite: UInt16
    let tree_before: HexBytes
    let proposal: HexBytes
    let proposal_sender: UInt32
    let tree_hash_before: HexBytes
    let tree_after: HexBytes
    let tree_hash_after: HexBytes
  }

  static func run(_ data: Data) throws -> [CaseOutcome] {
    runCases(try decodeCases(Case.self, from: data)) { testCase in
      let provider = try CipherSuiteProvider(CipherSuite(rawValue: testCase.cipher_suite))
      var tree = try PublicRatchetTree(tlsSerialized: testCase.tree_before.bytes)
      let before = try tree.rootTreeHash(using: provider.hash)
      try expectBytes(before, testCase.tree_hash_before.bytes, "tree_hash_before")
      switch try Proposal(tlsSerialized: testCase.proposal.bytes) {
      case .add(let add):
        tree.add(add.keyPackage.leafNode)
      case .update(let update):
        try tree.update(LeafIndex(testCase.proposal_sender), with: update.leafNode)
      case .remove(let remove):
        try tree.remove(remove.removed)
      default:
        return .failed("proposal type not add, update or remove")
      }
      try expectBytes(try tree.tlsSerialized(), testCase.tree_after.bytes, "tree_after")
      let after = try tree.rootTreeHash(using: provider.hash)
      try expectBytes(after, testCase.tree_hash_after.bytes, "tree_hash_after")
      return .passed
    }
  }
}
