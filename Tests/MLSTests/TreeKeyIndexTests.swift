import MLSCodec
import MLSCrypto
import Testing

@testable import MLS

/// The key index must always equal a recount of the nodes, whatever the mutation (§7.3 lookups
/// answer from it), and an Add must still take the leftmost blank leaf (§12.1.1).
@Suite("Tree key index and blank-leaf search (RFC 9420 §7.3, §12.1.1)")
struct TreeKeyIndexTests {
  /// Checks every count of the index against the nodes themselves.
  static func expectConsistent(_ tree: PublicRatchetTree) {
    var signatures: [[UInt8]: Int] = [:]
    var leafKeys: [[UInt8]: Int] = [:]
    var allKeys: Set<[UInt8]> = []
    var types: [CredentialType: Int] = [:]
    var supported: [Set<CredentialType>: Int] = [:]
    for node in tree.nodes {
      switch node {
      case .leaf(let leaf):
        signatures[leaf.signatureKey, default: 0] += 1
        leafKeys[leaf.encryptionKey, default: 0] += 1
        types[leaf.credential.credentialType, default: 0] += 1
        supported[Set(leaf.capabilities.credentials), default: 0] += 1
        allKeys.insert(leaf.encryptionKey)
      case .parent(let parent): allKeys.insert(parent.encryptionKey)
      case nil: continue
      }
    }
    for (key, count) in signatures { #expect(tree.keyIndex.leafCount(signatureKey: key) == count) }
    for (key, count) in leafKeys { #expect(tree.keyIndex.leafCount(encryptionKey: key) == count) }
    for key in allKeys { #expect(tree.keyIndex.containsEncryptionKey(key)) }
    #expect(tree.keyIndex.credentialTypes == types)
    #expect(tree.keyIndex.supportedCredentialSets == supported)
  }

  /// A tree read from nodes counts capability lists per distinct list, then as sets: runs,
  /// alternations and reordered lists (one set) all count right.
  @Test func bulkIndexCountsCapabilitySetsAcrossRuns() throws {
    let lists: [[CredentialType]] = [
      [.basic], [.basic], [.basic, .x509], [.basic], [.x509, .basic], [.x509, .basic], [.basic],
    ]
    let nodes = lists.enumerated().flatMap { position, list -> [Node?] in
      var leaf = TreeFixtures.leaf(position)
      leaf.capabilities.credentials = list
      let parent: Node? = position % 3 == 1 ? nil : .parent(TreeFixtures.parent(2 * position + 1))
      return position == lists.count - 1 ? [.leaf(leaf)] : [.leaf(leaf), parent]
    }
    let tree = try PublicRatchetTree(nodes: nodes)
    Self.expectConsistent(tree)
    #expect(tree.keyIndex.supportedCredentialSets == [[.basic]: 4, [.basic, .x509]: 3])
  }

  @Test func indexFollowsAddRemoveUpdateAndPathMerge() throws {
    var tree = try TreeFixtures.tree("LPLPL_L")
    Self.expectConsistent(tree)
    #expect(tree.keyIndex.containsEncryptionKey(TreeFixtures.parent(1).encryptionKey))
    try tree.remove(LeafIndex(3))
    Self.expectConsistent(tree)
    // Removing leaf 3 blanks its direct path (nodes 5 and 3): parent 3's key is gone.
    #expect(!tree.keyIndex.containsEncryptionKey(TreeFixtures.parent(3).encryptionKey))
    #expect(tree.keyIndex.leafCount(signatureKey: TreeFixtures.leaf(6).signatureKey) == 0)
    try tree.update(LeafIndex(0), with: TreeFixtures.leaf(100))
    Self.expectConsistent(tree)
    #expect(tree.keyIndex.leafCount(signatureKey: TreeFixtures.leaf(0).signatureKey) == 0)
    #expect(tree.keyIndex.leafCount(signatureKey: TreeFixtures.leaf(100).signatureKey) == 1)
    _ = try tree.mergePath(
      from: LeafIndex(1), encryptionKeys: [[0xAA, 1], [0xAA, 3]], using: .sha256)
    Self.expectConsistent(tree)
    #expect(tree.keyIndex.containsEncryptionKey([0xAA, 1]))
    #expect(tree.keyIndex.containsEncryptionKey([0xAA, 3]))
    #expect(!tree.keyIndex.containsEncryptionKey(TreeFixtures.parent(1).encryptionKey))
  }

  /// A tree large enough to build its storage and key index on two cores gets the same nodes
  /// and counts as one built from a single member up, and as its own wire form.
  @Test func largeTreeBuiltInParallelMatchesTheSequentialBuild() throws {
    let leaves = PublicRatchetTree.parallelBuildThreshold / 2 + 3
    var grown = PublicRatchetTree(firstLeaf: TreeFixtures.leaf(0))
    for seed in 1..<leaves { grown.add(TreeFixtures.leaf(seed)) }
    let wire = grown.wireForm
    #expect(wire.nodes.count >= PublicRatchetTree.parallelBuildThreshold)
    let built = try PublicRatchetTree(wire)
    #expect(built == grown)
    #expect(built.wireForm == wire)
    Self.expectConsistent(built)
    #expect(built.keyIndex.supportedCredentialSets == grown.keyIndex.supportedCredentialSets)
    #expect(built.keyIndex.leafCount(signatureKey: TreeFixtures.leaf(leaves - 1).signatureKey) == 1)
  }

  /// The in-place key read answers as the leaf itself, blank and out-of-range leaves included.
  @Test func leafEncryptionKeyMatchesTheLeaf() throws {
    var tree = try TreeFixtures.tree("LPLPL_L")
    try tree.remove(LeafIndex(1))
    for raw in UInt32(0)..<UInt32(tree.leafCount + 2) {
      let leaf = LeafIndex(raw)
      #expect(tree.leafEncryptionKey(at: leaf) == tree.leafNode(at: leaf)?.encryptionKey)
    }
    #expect(tree.leafEncryptionKey(at: LeafIndex(1)) == nil)
    #expect(tree.leafEncryptionKey(at: LeafIndex(0)) == TreeFixtures.leaf(0).encryptionKey)
    #expect(tree.leafEncryptionKey(at: LeafIndex(UInt32.max)) == nil)
  }

  @Test func addTakesLeftmostBlankLeafAfterRemovals() throws {
    var tree = PublicRatchetTree(firstLeaf: TreeFixtures.leaf(0))
    for seed in 1..<6 { tree.add(TreeFixtures.leaf(seed)) }
    #expect(tree.leafCount == 8)
    try tree.remove(LeafIndex(3))
    try tree.remove(LeafIndex(1))
    #expect(tree.add(TreeFixtures.leaf(10)) == LeafIndex(1))
    #expect(tree.add(TreeFixtures.leaf(11)) == LeafIndex(3))
    #expect(tree.add(TreeFixtures.leaf(12)) == LeafIndex(6))
    // Removing the last leaves truncates; the next Add fills the first blank leaf again.
    try tree.remove(LeafIndex(6))
    try tree.remove(LeafIndex(5))
    try tree.remove(LeafIndex(4))
    #expect(tree.leafCount == 4)
    #expect(tree.add(TreeFixtures.leaf(13)) == LeafIndex(4))
    #expect(tree.leafCount == 8)
    Self.expectConsistent(tree)
    #expect(tree.keyIndex.leafCount(signatureKey: TreeFixtures.leaf(5).signatureKey) == 0)
  }
}
