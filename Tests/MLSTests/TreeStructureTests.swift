import MLSCodec
import Testing

@testable import MLS

@Suite("Ratchet tree structure (RFC 9420 §4, §7.7, §12.4.3.3)")
struct TreeStructureTests {
  /// RFC 9420 Figure 10: A B _ D E F _ H with X (node 3) holding unmerged B and Y (node 9).
  @Test func resolutionMatchesFigure10() throws {
    let tree = try TreeFixtures.tree("L_LP__L_LPL___L", unmerged: [3: [1]])
    #expect(tree.resolution(of: NodeIndex(3)).map(\.rawValue) == [3, 2])
    #expect(tree.resolution(of: NodeIndex(4)).isEmpty)
    #expect(tree.resolution(of: NodeIndex(12)).isEmpty)
    #expect(tree.resolution(of: NodeIndex(7)).map(\.rawValue) == [3, 2, 9, 14])
  }

  /// RFC 9420 Figure 11 and Table 2: filtered direct paths.
  @Test func filteredDirectPathMatchesTable2() throws {
    // nodes: A T B U _ V _ W E X F Y G Z _
    let tree = try TreeFixtures.tree("LPL____PLPLPL")
    #expect(tree.leafCount == 8)
    #expect(tree.filteredDirectPath(of: LeafIndex(0)).map(\.rawValue) == [1, 7])
    #expect(tree.filteredDirectPath(of: LeafIndex(1)).map(\.rawValue) == [1, 7])
    #expect(tree.filteredDirectPath(of: LeafIndex(4)).map(\.rawValue) == [9, 11, 7])
    #expect(tree.filteredDirectPath(of: LeafIndex(6)).map(\.rawValue) == [11, 7])
    let copath = tree.directPathWithCopath(of: LeafIndex(6)).map(\.copathChild.rawValue)
    #expect(copath == [14, 9, 3])
  }

  @Test func decodingPadsToFullTree() throws {
    let tree = try TreeFixtures.tree("LPL_L")
    #expect(tree.nodes.count == 7)
    #expect(tree.leafCount == 4)
    #expect(tree.root == NodeIndex(3))
    #expect(tree.occupiedLeaves.map(\.rawValue) == [0, 1, 2])
  }

  @Test func encodingOmitsTrailingBlanksAndRoundTrips() throws {
    let tree = try TreeFixtures.tree("LPL_L")
    let bytes = try tree.tlsSerialized()
    let decoded = try PublicRatchetTree(tlsSerialized: bytes)
    #expect(decoded == tree)
    var reader = TLSReader(bytes)
    let entries: [Node?] = try reader.readVector { try $0.readOptional(of: Node.self) }
    #expect(entries.count == 5)
  }

  @Test func rejectsEmptyTree() {
    #expect(throws: RatchetTreeError.emptyTree) { try PublicRatchetTree(nodes: []) }
    #expect(throws: RatchetTreeError.emptyTree) { try PublicRatchetTree(tlsSerialized: [0x00]) }
  }

  @Test func rejectsTrailingBlank() {
    #expect(throws: RatchetTreeError.trailingBlankNode) {
      try PublicRatchetTree(nodes: [.leaf(TreeFixtures.leaf(0)), nil])
    }
  }

  @Test func rejectsNodeInWrongPosition() {
    let leaf = Node.leaf(TreeFixtures.leaf(0))
    let parent = Node.parent(TreeFixtures.parent(1))
    #expect(throws: RatchetTreeError.nodeTypeMismatch(NodeIndex(1))) {
      try PublicRatchetTree(nodes: [leaf, leaf, leaf])
    }
    #expect(throws: RatchetTreeError.nodeTypeMismatch(NodeIndex(2))) {
      try PublicRatchetTree(nodes: [leaf, parent, parent])
    }
  }

  @Test func addFillsLeftmostBlankThenExtends() throws {
    var tree = try TreeFixtures.tree("L_____L", unmerged: [:])
    #expect(tree.add(TreeFixtures.leaf(100)) == LeafIndex(1))
    #expect(tree.add(TreeFixtures.leaf(101)) == LeafIndex(2))
    #expect(tree.leafCount == 4)
    #expect(tree.add(TreeFixtures.leaf(102)) == LeafIndex(4))
    #expect(tree.leafCount == 8)
    #expect(tree.nodes.count == 15)
    #expect(tree.leafNode(at: LeafIndex(4)) == TreeFixtures.leaf(102))
  }

  @Test func addMarksLeafUnmergedInNonBlankAncestors() throws {
    var tree = try TreeFixtures.tree("L_LP_PL")
    // Node 1 is blank, nodes 3 (root) and 5 are parents; leaf 2 (node 4) is blank.
    let added = tree.add(TreeFixtures.leaf(200))
    #expect(added == LeafIndex(2))
    #expect(tree.parentNode(at: NodeIndex(5))?.unmergedLeaves == [LeafIndex(2)])
    #expect(tree.parentNode(at: NodeIndex(3))?.unmergedLeaves == [LeafIndex(2)])
    #expect(tree.isBlank(NodeIndex(1)))
  }

  @Test func addKeepsUnmergedLeavesSorted() throws {
    var tree = try TreeFixtures.tree("L__PL_L", unmerged: [3: [2]])
    #expect(tree.add(TreeFixtures.leaf(300)) == LeafIndex(1))
    #expect(tree.parentNode(at: NodeIndex(3))?.unmergedLeaves == [LeafIndex(1), LeafIndex(2)])
  }

  @Test func updateReplacesLeafAndBlanksDirectPath() throws {
    var tree = try TreeFixtures.tree("LPLPLPL")
    try tree.update(LeafIndex(2), with: TreeFixtures.leaf(400))
    #expect(tree.leafNode(at: LeafIndex(2)) == TreeFixtures.leaf(400))
    #expect(tree.isBlank(NodeIndex(5)))
    #expect(tree.isBlank(NodeIndex(3)))
    #expect(!tree.isBlank(NodeIndex(1)))
    #expect(throws: RatchetTreeError.leafOutOfRange(LeafIndex(9))) {
      try tree.update(LeafIndex(9), with: TreeFixtures.leaf(1))
    }
  }

  @Test func removeBlanksAndTruncates() throws {
    var tree = try TreeFixtures.tree("LPLPL_____L")
    #expect(tree.leafCount == 8)
    try tree.remove(LeafIndex(5))
    #expect(tree.leafCount == 4)
    #expect(tree.nodes.count == 7)
    #expect(!tree.isBlank(NodeIndex(3)))
    try tree.remove(LeafIndex(2))
    #expect(tree.leafCount == 2)
    #expect(tree.parentNode(at: NodeIndex(1)) != nil)
    try tree.remove(LeafIndex(1))
    #expect(tree.leafCount == 1)
    #expect(tree.nodes.count == 1)
    #expect(throws: RatchetTreeError.leafOutOfRange(LeafIndex(1))) {
      try tree.remove(LeafIndex(1))
    }
  }

  @Test func removeRejectsBlankLeaf() throws {
    var tree = try TreeFixtures.tree("L_____L")
    #expect(throws: RatchetTreeError.blankLeaf(LeafIndex(1))) {
      try tree.remove(LeafIndex(1))
    }
  }

  @Test func removeRejectsOutOfRange() throws {
    var tree = try TreeFixtures.tree("LPL")
    #expect(throws: RatchetTreeError.leafOutOfRange(LeafIndex(2))) {
      try tree.remove(LeafIndex(2))
    }
  }
}
