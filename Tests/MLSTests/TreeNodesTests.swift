import MLSCodec
import MLSCrypto
import Testing

@testable import MLS

/// The chunked copy-on-write node storage and hash cache behind `PublicRatchetTree`: a copy
/// must never see the original's later changes (every staged commit mutates a copy, §12.4.2),
/// and indices across chunk boundaries, growth (§7.7 extend) and truncation (§12.1.3) must
/// behave exactly like one flat array.
@Suite("Chunked tree storage (RFC 9420 §7.7, §7.8, §12.4.2)")
struct TreeNodesTests {
  /// A flat reference list: leaves at even positions, parents at odd ones, some blank.
  static func referenceNodes(_ count: Int) -> [Node?] {
    (0..<count).map { position -> Node? in
      if position % 5 == 3 { return nil }
      if position % 2 == 0 { return .leaf(TreeFixtures.leaf(position)) }
      return .parent(TreeFixtures.parent(position))
    }
  }

  @Test func matchesAFlatArrayAcrossChunkBoundaries() throws {
    let chunk = TreeNodes.chunkSize
    for count in [1, 2, 3, 2 * chunk - 1, 2 * chunk, 2 * chunk + 1, 4 * chunk + 7] {
      let reference = Self.referenceNodes(count)
      let stored = try #require(TreeNodes(reference))
      #expect(stored.count == count)
      #expect(Array(stored) == reference)
      for position in 0..<count {
        #expect(stored.isBlank(at: position) == (reference[position] == nil))
      }
    }
  }

  @Test func rejectsANodeOfTheWrongKindForItsPosition() {
    #expect(TreeNodes([.parent(TreeFixtures.parent(1))]) == nil)
    #expect(TreeNodes([nil, .leaf(TreeFixtures.leaf(1))]) == nil)
    var nodes = TreeNodes()
    nodes.resize(to: 3)
    let leafAtParent = nodes.set(.leaf(TreeFixtures.leaf(1)), at: 1)
    let parentAtLeaf = nodes.set(.parent(TreeFixtures.parent(1)), at: 2)
    #expect(!leafAtParent)
    #expect(!parentAtLeaf)
    #expect(Array(nodes) == [nil, nil, nil])
  }

  @Test func mutatingACopyNeverChangesTheOriginal() throws {
    let count = 6 * TreeNodes.chunkSize + 1
    let reference = Self.referenceNodes(count)
    let original = try #require(TreeNodes(reference))
    var copy = original
    // First and last slot of a chunk, on both the leaf and the parent side.
    let positions = [0, 1, 2 * TreeNodes.chunkSize - 2, 2 * TreeNodes.chunkSize - 1, count - 1]
    for position in positions {
      let node: Node? =
        position % 2 == 0
        ? .leaf(TreeFixtures.leaf(10_000 + position)) : .parent(TreeFixtures.parent(10_000))
      let stored = copy.set(node, at: position)
      #expect(stored)
      #expect(copy[position] == node)
    }
    #expect(Array(original) == reference)
    // And the other way round: the original's later writes stay out of the copy.
    var changed = original
    let copyBefore = Array(copy)
    changed.set(nil, at: 4)
    #expect(Array(copy) == copyBefore)
    #expect(changed[4] == nil)
    #expect(original[4] == reference[4])
  }

  @Test func growsAndShrinksKeepingTheKeptSlots() throws {
    let chunk = TreeNodes.chunkSize
    let reference = Self.referenceNodes(2 * chunk + 3)
    var nodes = try #require(TreeNodes(reference))
    nodes.resize(to: 8 * chunk + 1)
    #expect(nodes.count == 8 * chunk + 1)
    #expect(Array(nodes.prefix(reference.count)) == reference)
    #expect(nodes.dropFirst(reference.count).allSatisfy { $0 == nil })
    nodes.set(.leaf(TreeFixtures.leaf(7)), at: 8 * chunk)
    nodes.resize(to: chunk - 1)
    #expect(Array(nodes) == Array(reference.prefix(chunk - 1)))
    // Slots dropped by a truncation come back blank.
    nodes.resize(to: 8 * chunk + 1)
    #expect(nodes[8 * chunk] == nil)
    #expect(nodes.dropFirst(chunk - 1).allSatisfy { $0 == nil })
    nodes.resize(to: 0)
    #expect(nodes.isEmpty)
  }

  @Test func treeCopiesAreIndependentAndHashesStayCorrect() throws {
    var tree = try TreeHashTests.wideTree(300)
    let originalHash = try tree.rootTreeHash(using: .sha256)
    var copy = tree
    try copy.update(LeafIndex(70), with: TreeFixtures.leaf(999_999))
    try copy.remove(LeafIndex(299))
    let copyHash = try copy.rootTreeHash(using: .sha256)
    // The original still has its nodes and its cached hash.
    #expect(tree.leafNode(at: LeafIndex(70)) == TreeFixtures.leaf(70))
    #expect(tree.leafNode(at: LeafIndex(299)) == TreeFixtures.leaf(299))
    let originalAgain = try tree.rootTreeHash(using: .sha256)
    #expect(originalAgain == originalHash)
    // Both cached hashes equal hashes computed from scratch.
    var freshOriginal = try PublicRatchetTree(tree.wireForm)
    var freshCopy = try PublicRatchetTree(copy.wireForm)
    let recomputedOriginal = try freshOriginal.rootTreeHash(using: .sha256)
    let recomputedCopy = try freshCopy.rootTreeHash(using: .sha256)
    #expect(recomputedOriginal == originalHash)
    #expect(recomputedCopy == copyHash)
    #expect(copyHash != originalHash)
  }

  @Test func truncationAndRegrowthDoNotReuseStaleHashes() throws {
    // 130 members: 256 leaves; removing the last member halves the tree to 128 leaves, and a
    // new member then extends it again, into slots whose old hashes must not come back.
    var tree = try TreeHashTests.wideTree(130)
    _ = try tree.rootTreeHash(using: .sha256)
    try tree.remove(LeafIndex(129))
    try tree.remove(LeafIndex(128))
    #expect(tree.leafCount == 128)
    _ = try tree.rootTreeHash(using: .sha256)
    tree.add(TreeFixtures.leaf(5_000))
    #expect(tree.leafCount == 256)
    let hash = try tree.rootTreeHash(using: .sha256)
    var fresh = try PublicRatchetTree(tree.wireForm)
    let recomputed = try fresh.rootTreeHash(using: .sha256)
    #expect(recomputed == hash)
    // Equal hashes for every node, not only the root.
    for index in 0..<UInt32(tree.nodes.count) {
      let node = NodeIndex(index)
      let cached = try tree.treeHash(of: node, using: .sha256)
      let expected = try fresh.treeHash(of: node, using: .sha256)
      #expect(cached == expected)
    }
  }

  @Test func hashCacheKeepsOneAlgorithmAndResetsForAnother() throws {
    var tree = try TreeHashTests.wideTree(70)
    let sha256 = try tree.rootTreeHash(using: .sha256)
    let sha512 = try tree.rootTreeHash(using: .sha512)
    #expect(sha256.count == 32)
    #expect(sha512.count == 64)
    var fresh = try PublicRatchetTree(tree.wireForm)
    let recomputed = try fresh.rootTreeHash(using: .sha512)
    let back = try tree.rootTreeHash(using: .sha256)
    #expect(recomputed == sha512)
    #expect(back == sha256)
  }

  @Test func shardedCountsCountAndCopyIndependently() {
    var counts = ShardedCounts()
    let keys = (0..<1_000).map {
      [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)]
    }
    for key in keys { counts.increment(key) }
    counts.increment(keys[7])
    let snapshot = counts
    counts.decrement(keys[7])
    counts.decrement(keys[8])
    counts.decrement([0xFF, 0xFF, 0xFF])
    #expect(counts[keys[7]] == 1)
    #expect(counts[keys[8]] == 0)
    #expect(counts[keys[9]] == 1)
    #expect(counts[[0xFF, 0xFF, 0xFF]] == 0)
    // The copy taken before still has the old counts.
    #expect(snapshot[keys[7]] == 2)
    #expect(snapshot[keys[8]] == 1)
    #expect(keys.allSatisfy { snapshot[$0] >= 1 })
  }

  /// The non-blank nodes under `position`, counted by walking the subtree.
  static func walkedCount(_ nodes: TreeNodes, _ position: Int) -> Int {
    let level = (~position).trailingZeroBitCount
    let half = (1 << level) - 1
    let range = (position - half)...(position + half)
    return range.filter { $0 < nodes.count && !nodes.isBlank(at: $0) }.count
  }

  /// Building from a node list counts subtrees in one pass from the leaves up; every count,
  /// beyond the last node too, matches a walk of the subtree.
  @Test(arguments: [1, 3, 5, 7, 69, 131, 2 * TreeNodes.chunkSize + 1])
  func subtreeCountsAfterBulkLoad(count: Int) throws {
    var reference = Self.referenceNodes(count)
    if count > 4 { reference[2] = nil }
    let nodes = try #require(TreeNodes(reference))
    var full = 1
    while full < count { full = 2 * full + 1 }
    for position in 0..<full {
      #expect(nodes.nonBlankCount(inSubtreeOf: position) == Self.walkedCount(nodes, position))
    }
    #expect(nodes.nonBlankCount(inSubtreeOf: (full - 1) / 2) == reference.count { $0 != nil })
  }

  @Test func subtreeCountsFollowWritesGrowthAndTruncation() throws {
    var nodes = try #require(TreeNodes(Self.referenceNodes(2 * TreeNodes.chunkSize + 5)))
    var generator = SystemRandomNumberGenerator()
    func check() {
      for position in 0..<nodes.count {
        #expect(nodes.nonBlankCount(inSubtreeOf: position) == Self.walkedCount(nodes, position))
      }
    }
    nodes.resize(to: 255)
    check()
    for round in 0..<200 {
      let position = Int.random(in: 0..<nodes.count, using: &generator)
      let node: Node? =
        round % 3 == 0
        ? nil
        : position % 2 == 0 ? .leaf(TreeFixtures.leaf(round)) : .parent(TreeFixtures.parent(round))
      nodes.set(node, at: position)
    }
    check()
    let copy = nodes
    nodes.resize(to: 63)
    check()
    nodes.resize(to: 511)
    check()
    #expect(nodes.nonBlankCount(inSubtreeOf: 255) == Self.walkedCount(nodes, 127))
    // The copy kept its own counts.
    for position in 0..<copy.count {
      #expect(copy.nonBlankCount(inSubtreeOf: position) == Self.walkedCount(copy, position))
    }
    #expect(nodes.nonBlankCount(inSubtreeOf: 511) == 0)
  }

  @Test func resolutionSkipsEmptySubtreesAndMatchesTheWalk() throws {
    // 1,000 members in 1,024 leaves, then every leaf from 600 on removed but 700.
    var tree = try TreeHashTests.wideTree(1_000)
    for leaf in (600..<1_000).reversed() where leaf != 700 {
      try tree.remove(LeafIndex(UInt32(leaf)))
    }
    #expect(tree.leafCount == 1_024)
    #expect(tree.resolution(of: tree.root).count == 601)
    #expect(tree.resolution(of: NodeIndex(1_407)) == [LeafIndex(700).nodeIndex])
    #expect(tree.hasEmptyResolution(NodeIndex(1_791)))
    #expect(!tree.hasEmptyResolution(NodeIndex(1_407)))
    #expect(tree.hasEmptyResolution(NodeIndex(5_000)))
    #expect(tree.filteredDirectPath(of: LeafIndex(0)).count == 10)
  }

  /// The address of an array's buffer, to see whether two arrays share storage.
  static func address<Element>(_ array: [Element]) -> UInt {
    array.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
  }

  @Test func equalCapabilityListsShareStorageAndKeepTheirValues() throws {
    // Two members whose capability lists are equal but separately allocated (as decoded).
    var first = TreeFixtures.leaf(1)
    var second = TreeFixtures.leaf(2)
    first.capabilities.cipherSuites = [.x25519Aes128Sha256Ed25519, CipherSuite(rawValue: 0x0A0A)]
    second.capabilities.cipherSuites = Array([first.capabilities.cipherSuites[0]])
    second.capabilities.cipherSuites.append(CipherSuite(rawValue: 0x0A0A))
    #expect(
      Self.address(first.capabilities.cipherSuites)
        != Self.address(second.capabilities.cipherSuites))
    var tree = PublicRatchetTree(firstLeaf: first)
    let index = tree.add(second)
    let stored = try #require(tree.leafNode(at: index))
    let kept = try #require(tree.leafNode(at: LeafIndex(0)))
    #expect(stored == second)
    #expect(kept == first)
    #expect(
      Self.address(stored.capabilities.cipherSuites) == Self.address(kept.capabilities.cipherSuites)
    )
    #expect(
      Self.address(stored.capabilities.credentials) == Self.address(kept.capabilities.credentials))
    // A different list stays its own.
    var third = TreeFixtures.leaf(3)
    third.capabilities.cipherSuites = [.x25519Aes128Sha256Ed25519, CipherSuite(rawValue: 0x1A1A)]
    try tree.update(index, with: third)
    let updated = try #require(tree.leafNode(at: index))
    #expect(updated == third)
    #expect(
      Self.address(updated.capabilities.cipherSuites)
        != Self.address(kept.capabilities.cipherSuites))
    // Trees read from the wire share too.
    let decoded = try PublicRatchetTree(
      RatchetTree(tlsSerialized: try tree.wireForm.tlsSerialized()))
    let leaves = decoded.occupiedLeaves.compactMap { decoded.leafNode(at: $0) }
    #expect(leaves.count == 2)
    #expect(Set(leaves.map { Self.address($0.capabilities.versions) }).count == 1)
  }

  @Test func blankChunksAllocateNothingUntilWritten() throws {
    let chunk = TreeNodes.chunkSize
    var nodes = try #require(TreeNodes([.leaf(TreeFixtures.leaf(0))]))
    nodes.resize(to: 8 * chunk - 1)
    #expect(nodes.allocatedChunks.leaves == 1)
    #expect(nodes.allocatedChunks.parents == 0)
    #expect(nodes.dropFirst().allSatisfy { $0 == nil })
    // A write into a blank chunk, then into the partial last chunk after a shrink.
    nodes.set(.leaf(TreeFixtures.leaf(9)), at: 2 * chunk + 4)
    nodes.set(.parent(TreeFixtures.parent(9)), at: 2 * chunk + 5)
    #expect(nodes.allocatedChunks.leaves == 2)
    #expect(nodes.allocatedChunks.parents == 1)
    #expect(nodes[2 * chunk + 4] == .leaf(TreeFixtures.leaf(9)))
    #expect(nodes[2 * chunk + 5] == .parent(TreeFixtures.parent(9)))
    nodes.resize(to: 2 * chunk + 9)
    nodes.set(.leaf(TreeFixtures.leaf(10)), at: 2 * chunk + 8)
    nodes.resize(to: 4 * chunk + 1)
    #expect(nodes[2 * chunk + 8] == .leaf(TreeFixtures.leaf(10)))
    #expect(nodes[2 * chunk + 10] == nil)
    nodes.set(.leaf(TreeFixtures.leaf(11)), at: 2 * chunk + 62)
    #expect(nodes[2 * chunk + 62] == .leaf(TreeFixtures.leaf(11)))
    // Equality looks at nodes, not at how blank chunks are stored.
    var other = try #require(TreeNodes(Array(nodes)))
    #expect(other == nodes)
    other.set(nil, at: 2 * chunk + 62)
    #expect(other != nodes)
  }
}
