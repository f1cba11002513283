import MLSCodec
import MLSCrypto
import Testing

@testable import MLS

@Suite("Tree hash cache and parent hashes (RFC 9420 §7.8, §7.9)")
struct TreeHashTests {
  /// A tree of `count` synthetic members and no parent keys.
  static func wideTree(_ count: Int) throws -> PublicRatchetTree {
    var nodes: [Node?] = []
    nodes.reserveCapacity(2 * count)
    for index in 0..<count {
      if index > 0 { nodes.append(nil) }
      nodes.append(.leaf(TreeFixtures.leaf(index)))
    }
    return try PublicRatchetTree(nodes: nodes)
  }

  @Test func updatingOneLeafOfFiftyThousandRehashesOnlyItsDirectPath() throws {
    var tree = try Self.wideTree(50_000)
    #expect(tree.leafCount == 65_536)
    let before = try tree.rootTreeHash(using: .sha256)
    // The first computation hashes every node once.
    #expect(tree.hashCache.computations == tree.nodes.count)

    let changed = LeafIndex(31_337)
    try tree.update(changed, with: TreeFixtures.leaf(1_000_000))
    let start = tree.hashCache.computations
    let after = try tree.rootTreeHash(using: .sha256)
    let pathLength = tree.math.directPath(changed.nodeIndex).count
    #expect(pathLength == 16)
    // The path's parents, the leaf, and its sibling leaf (leaf hashes are not cached).
    #expect(tree.hashCache.computations - start == pathLength + 2)
    #expect(after != before)

    // The cached result equals a computation from scratch.
    var fresh = try PublicRatchetTree(tree.wireForm)
    #expect(try fresh.rootTreeHash(using: .sha256) == after)

    // Asking again costs nothing.
    let again = tree.hashCache.computations
    _ = try tree.rootTreeHash(using: .sha256)
    #expect(tree.hashCache.computations == again)
  }

  @Test func extendingAndTruncatingKeepTheCacheCorrect() throws {
    var tree = try Self.wideTree(4)
    _ = try tree.rootTreeHash(using: .sha256)
    tree.add(TreeFixtures.leaf(50))
    #expect(tree.leafCount == 8)
    let extended = try tree.rootTreeHash(using: .sha256)
    var fresh = try PublicRatchetTree(tree.wireForm)
    #expect(try fresh.rootTreeHash(using: .sha256) == extended)

    try tree.remove(LeafIndex(4))
    #expect(tree.leafCount == 4)
    let truncated = try tree.rootTreeHash(using: .sha256)
    var original = try Self.wideTree(4)
    #expect(try original.rootTreeHash(using: .sha256) == truncated)
  }

  @Test func cacheIsPerHashAlgorithm() throws {
    var tree = try Self.wideTree(3)
    let sha256 = try tree.rootTreeHash(using: .sha256)
    let sha512 = try tree.rootTreeHash(using: .sha512)
    #expect(sha256.count == 32)
    #expect(sha512.count == 64)
    #expect(try tree.rootTreeHash(using: .sha256) == sha256)
  }

  /// Builds a 4-member tree where member 0 committed: parents 1 and 3 hold its path keys.
  static func committedTree() throws -> PublicRatchetTree {
    var tree = try wideTree(4)
    let parentHash = try tree.mergePath(
      from: LeafIndex(0), encryptionKeys: [[0xA1], [0xA3]], using: .sha256)
    guard var leaf = tree.leafNode(at: LeafIndex(0)) else {
      throw RatchetTreeError.blankLeaf(LeafIndex(0))
    }
    leaf.source = .commit(parentHash: parentHash)
    try tree.setNode(.leaf(leaf), at: NodeIndex(0))
    return tree
  }

  @Test func mergedPathIsParentHashValid() throws {
    var tree = try Self.committedTree()
    #expect(tree.parentNode(at: NodeIndex(3))?.parentHash == [])
    let topHash = try tree.parentHash(of: NodeIndex(3), copathChild: NodeIndex(5), using: .sha256)
    #expect(tree.parentNode(at: NodeIndex(1))?.parentHash == topHash)
    try tree.verifyParentHashes(using: .sha256)
  }

  @Test func mergePathRejectsWrongKeyCount() throws {
    var tree = try Self.wideTree(4)
    #expect(throws: RatchetTreeError.pathLengthMismatch(expected: 2, actual: 1)) {
      try tree.mergePath(from: LeafIndex(0), encryptionKeys: [[1]], using: .sha256)
    }
  }

  @Test func tamperedParentHashIsRejected() throws {
    var tree = try Self.committedTree()
    guard var parent = tree.parentNode(at: NodeIndex(1)) else {
      throw RatchetTreeError.nodeOutOfRange(NodeIndex(1))
    }
    parent.parentHash[0] ^= 1
    try tree.setNode(.parent(parent), at: NodeIndex(1))
    // Node 1 no longer matches node 3, and leaf 0 no longer matches node 1.
    #expect(throws: TreeValidationError.parentHashNotValid(NodeIndex(1))) {
      try tree.verifyParentHashes(using: .sha256)
    }
  }

  @Test func tamperedParentKeyIsRejected() throws {
    var tree = try Self.committedTree()
    guard var parent = tree.parentNode(at: NodeIndex(3)) else {
      throw RatchetTreeError.nodeOutOfRange(NodeIndex(3))
    }
    parent.encryptionKey = [0xFF]
    try tree.setNode(.parent(parent), at: NodeIndex(3))
    // Node 1's parent hash no longer matches the root's new key.
    #expect(throws: TreeValidationError.parentHashNotValid(NodeIndex(3))) {
      try tree.verifyParentHashes(using: .sha256)
    }
  }

  @Test func parentWithoutChainIsRejected() throws {
    var tree = try Self.wideTree(4)
    try tree.setNode(.parent(TreeFixtures.parent(5)), at: NodeIndex(5))
    #expect(throws: TreeValidationError.parentHashNotValid(NodeIndex(5))) {
      try tree.verifyParentHashes(using: .sha256)
    }
  }

  @Test func unmergedLeafAddedAfterCommitKeepsChainValid() throws {
    var tree = try Self.committedTree()
    try tree.remove(LeafIndex(3))
    #expect(tree.parentNode(at: NodeIndex(3)) == nil)
    // Removing leaf 3 blanked the root; re-commit from leaf 0, then add a member at leaf 3.
    let parentHash = try tree.mergePath(
      from: LeafIndex(0), encryptionKeys: [[0xB1], [0xB3]], using: .sha256)
    guard var leaf = tree.leafNode(at: LeafIndex(0)) else {
      throw RatchetTreeError.blankLeaf(LeafIndex(0))
    }
    leaf.source = .commit(parentHash: parentHash)
    try tree.setNode(.leaf(leaf), at: NodeIndex(0))
    #expect(tree.add(TreeFixtures.leaf(77)) == LeafIndex(3))
    #expect(tree.parentNode(at: NodeIndex(3))?.unmergedLeaves == [LeafIndex(3)])
    try tree.verifyParentHashes(using: .sha256)
    try tree.verifyUnmergedLeaves()
  }
}
