import MLSCodec
import Testing

@testable import MLS

@Suite("Received-tree validation rules (RFC 9420 §7.3, §12.4.3.1)")
struct TreeValidationTests {
  @Test func consistentUnmergedLeavesPass() throws {
    // Leaf 1 unmerged at node 1 and at the root 3.
    let tree = try TreeFixtures.tree("LPLPL_L", unmerged: [1: [1], 3: [1, 2]])
    try tree.verifyUnmergedLeaves()
  }

  @Test func unsortedUnmergedLeavesRejected() throws {
    let tree = try TreeFixtures.tree("LPLPL_L", unmerged: [3: [2, 1], 1: [1]])
    #expect(throws: TreeValidationError.unmergedLeavesNotSorted(NodeIndex(3))) {
      try tree.verifyUnmergedLeaves()
    }
  }

  @Test func duplicateUnmergedLeafRejected() throws {
    let tree = try TreeFixtures.tree("LPLPL_L", unmerged: [3: [2, 2]])
    #expect(throws: TreeValidationError.unmergedLeavesNotSorted(NodeIndex(3))) {
      try tree.verifyUnmergedLeaves()
    }
  }

  @Test func unmergedLeafOutsideSubtreeRejected() throws {
    let tree = try TreeFixtures.tree("LPLPL_L", unmerged: [1: [2]])
    #expect(
      throws: TreeValidationError.unmergedLeafNotDescendant(
        parent: NodeIndex(1), leaf: LeafIndex(2))
    ) {
      try tree.verifyUnmergedLeaves()
    }
  }

  @Test func unmergedLeafOutsideTreeRejected() throws {
    let tree = try TreeFixtures.tree("LPLPL_L", unmerged: [3: [9]])
    #expect(
      throws: TreeValidationError.unmergedLeafNotDescendant(
        parent: NodeIndex(3), leaf: LeafIndex(9))
    ) {
      try tree.verifyUnmergedLeaves()
    }
  }

  @Test func blankUnmergedLeafRejected() throws {
    let tree = try TreeFixtures.tree("LPLP__L", unmerged: [3: [2]])
    #expect(throws: TreeValidationError.unmergedLeafBlank(parent: NodeIndex(3), leaf: LeafIndex(2)))
    {
      try tree.verifyUnmergedLeaves()
    }
  }

  @Test func unmergedLeafMissingInIntermediateNodeRejected() throws {
    // Leaf 1 is unmerged at the root but node 1, non-blank, between them does not list it.
    let tree = try TreeFixtures.tree("LPLPL_L", unmerged: [3: [1]])
    #expect(
      throws: TreeValidationError.unmergedLeafMissingBelow(
        parent: NodeIndex(3), leaf: LeafIndex(1), node: NodeIndex(1))
    ) {
      try tree.verifyUnmergedLeaves()
    }
  }

  @Test func uniqueKeysPass() throws {
    try TreeFixtures.tree("LPLPL_L").verifyUniqueKeys()
  }

  @Test func duplicateEncryptionKeyRejected() throws {
    var leaf = TreeFixtures.leaf(2)
    leaf.encryptionKey = TreeFixtures.leaf(0).encryptionKey
    let tree = try PublicRatchetTree(nodes: [.leaf(TreeFixtures.leaf(0)), nil, .leaf(leaf)])
    #expect(throws: TreeValidationError.duplicateEncryptionKey(NodeIndex(2))) {
      try tree.verifyUniqueKeys()
    }
  }

  @Test func parentKeyEqualToLeafKeyRejected() throws {
    var parent = TreeFixtures.parent(1)
    parent.encryptionKey = TreeFixtures.leaf(0).encryptionKey
    let tree = try PublicRatchetTree(nodes: [
      .leaf(TreeFixtures.leaf(0)), .parent(parent), .leaf(TreeFixtures.leaf(2)),
    ])
    #expect(throws: TreeValidationError.duplicateEncryptionKey(NodeIndex(1))) {
      try tree.verifyUniqueKeys()
    }
  }

  @Test func duplicateSignatureKeyRejected() throws {
    var leaf = TreeFixtures.leaf(4)
    leaf.signatureKey = TreeFixtures.leaf(0).signatureKey
    let tree = try PublicRatchetTree(nodes: [
      .leaf(TreeFixtures.leaf(0)), nil, .leaf(TreeFixtures.leaf(2)), nil, .leaf(leaf),
    ])
    #expect(throws: TreeValidationError.duplicateSignatureKey(LeafIndex(2))) {
      try tree.verifyUniqueKeys()
    }
  }
}
