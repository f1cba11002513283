import MLSCodec

/// The public state of a group's ratchet tree. RFC 9420 §4, §7.
///
/// (`RatchetTree` in Messages/ is the unchecked wire syntax; this is the checked, navigable tree.)
///
/// Optional nodes in the array layout of Appendix C: leaf `i` at `2i`, parents at odd indices,
/// always `2n - 1` nodes for `n` a power of two (§7.7: the tree is full). They are stored in
/// copy-on-write chunks (`TreeNodes`), so the copy every staged commit makes shares all but the
/// chunks it changes.
/// Trailing blank nodes exist only in memory; the wire form omits them (§12.4.3.3).
///
/// Tree hashes are cached per node; every mutation clears the cache along the changed nodes'
/// direct paths only, so re-hashing after a change costs O(log n) hashes (§7.8).
public struct PublicRatchetTree: Sendable {
  /// The nodes, blank ones nil. `nodes.count == 2 * leafCount - 1`.
  public private(set) var nodes: TreeNodes
  /// Per-node tree hashes for one hash algorithm; see TreeHash.swift.
  var hashCache: TreeHashCache
  /// Key and credential counts of the nodes, for O(1) validation lookups; see TreeKeyIndex.
  private(set) var keyIndex = TreeKeyIndex()
  /// Every leaf below this index is occupied, so the search for a blank leaf starts here
  /// (an Add must not scan the whole tree, §12.1.1).
  private var firstBlankLeafCandidate = 0
  /// Shared storage for the capability lists members repeat (memory only; see the type).
  private var interner = CapabilityInterner()

  /// A one-member tree, as created with a new group. RFC 9420 §11.
  public init(firstLeaf: LeafNode) {
    nodes = TreeNodes()
    nodes.resize(to: 1)
    nodes.set(.leaf(interner.intern(firstLeaf)), at: 0)
    hashCache = TreeHashCache(nodeCount: 1)
    keyIndex.insert(.leaf(firstLeaf))
  }

  /// A tree from its nodes in array order, extended with blank nodes to a full tree.
  ///
  /// RFC 9420 §12.4.3.3: the last node must be non-blank; leaves sit at even positions and
  /// parents at odd ones.
  public init(nodes given: [Node?]) throws(RatchetTreeError) {
    guard let last = given.last else { throw .emptyTree }
    guard last != nil else { throw .trailingBlankNode }
    guard given.count <= Int(UInt32.max) else { throw .tooManyNodes(given.count) }
    for (index, node) in given.enumerated() {
      switch node {
      case .leaf where index % 2 == 1, .parent where index % 2 == 0:
        throw .nodeTypeMismatch(NodeIndex(UInt32(index)))
      default: continue
      }
    }
    var leafCount = 1
    while 2 * leafCount - 1 < given.count { leafCount *= 2 }
    let fullCount = 2 * leafCount - 1
    // The node storage and the key index are built from the same nodes and independently: on
    // two cores for a large tree (a Welcome's), which halves this part of a join.
    let (stored, index) = Parallel.both(
      inParallel: given.count >= Self.parallelBuildThreshold,
      { () -> (TreeNodes?, CapabilityInterner) in
        var interner = CapabilityInterner()
        let shared = given.map { node -> Node? in
          guard case .leaf(let leaf) = node else { return node }
          return .leaf(interner.intern(leaf))
        }
        guard var padded = TreeNodes(shared) else { return (nil, interner) }
        padded.resize(to: fullCount)
        return (padded, interner)
      },
      { () -> TreeKeyIndex in
        var index = TreeKeyIndex()
        index.insert(contentsOf: given)
        return index
      })
    guard let padded = stored.0 else { throw .nodeTypeMismatch(NodeIndex(0)) }
    interner = stored.1
    nodes = padded
    hashCache = TreeHashCache(nodeCount: padded.count)
    keyIndex = index
  }

  /// Node counts from which `init(nodes:)` builds its storage and key index on two cores; below
  /// it, handing work to another thread costs more than it saves.
  static let parallelBuildThreshold = 512

  /// The number of leaves (blank or not), a power of two.
  public var leafCount: UInt32 { UInt32((nodes.count + 1) / 2) }

  /// Index arithmetic for this tree's size. RFC 9420 Appendix C.
  public var math: TreeMath { TreeMath(leafCount: leafCount) }

  /// The root node's index.
  public var root: NodeIndex { math.root }

  // MARK: Access

  /// The node at `index`, or nil when it is blank or outside the tree.
  public func node(at index: NodeIndex) -> Node? {
    guard index.rawValue < nodes.count else { return nil }
    return nodes[Int(index.rawValue)]
  }

  /// The leaf node at `leaf`, or nil when blank or outside the tree.
  ///
  /// The range check comes first: from 2^31 up, doubling a leaf index into a node index wraps,
  /// and a wire index such as a GroupInfo `signer` would otherwise name a real member.
  public func leafNode(at leaf: LeafIndex) -> LeafNode? {
    guard leaf.rawValue < leafCount else { return nil }
    return nodes.leaf(Int(leaf.rawValue))
  }

  /// The encryption key of the leaf at `leaf`, without copying the rest of the leaf out of the
  /// tree; nil when blank or outside the tree.
  func leafEncryptionKey(at leaf: LeafIndex) -> [UInt8]? {
    guard leaf.rawValue < leafCount else { return nil }
    return nodes.leafEncryptionKey(Int(leaf.rawValue))
  }

  /// The parent node at `index`, or nil when blank, a leaf, or outside the tree.
  public func parentNode(at index: NodeIndex) -> ParentNode? {
    guard !index.isLeaf, index.rawValue < nodes.count else { return nil }
    return nodes.parent(at: Int(index.rawValue))
  }

  /// Whether the node is blank (nodes outside the tree count as blank).
  public func isBlank(_ index: NodeIndex) -> Bool {
    guard index.rawValue < nodes.count else { return true }
    return nodes.isBlank(at: Int(index.rawValue))
  }

  /// The HPKE public key held at a node, if it is not blank.
  public func encryptionKey(at index: NodeIndex) -> [UInt8]? {
    switch node(at: index) {
    case .leaf(let leaf): leaf.encryptionKey
    case .parent(let parent): parent.encryptionKey
    case nil: nil
    }
  }

  /// The indices of the non-blank leaves, left to right.
  public var occupiedLeaves: [LeafIndex] {
    stride(from: 0, to: nodes.count, by: 2).compactMap { index in
      nodes.isBlank(at: index) ? nil : LeafIndex(UInt32(index / 2))
    }
  }

  // MARK: Paths (RFC 9420 §4.1)

  /// The resolution of a node: the non-blank nodes that cover its subtree, left first. §4.1.1.
  ///
  /// A non-blank node resolves to itself followed by its unmerged leaves; a blank leaf to
  /// nothing; a blank parent to its children's resolutions, left then right.
  public func resolution(of index: NodeIndex) -> [NodeIndex] {
    var result: [NodeIndex] = []
    appendResolution(of: index, to: &result)
    return result
  }

  /// Skips subtrees without a non-blank node, so the cost is O(log N) per node of the result.
  private func appendResolution(of index: NodeIndex, to result: inout [NodeIndex]) {
    guard !hasEmptyResolution(index) else { return }
    if index.isLeaf {
      result.append(index)
    } else if let parent = parentNode(at: index) {
      result.append(index)
      result.append(contentsOf: parent.unmergedLeaves.map(\.nodeIndex))
    } else {
      guard let left = math.left(index), let right = math.right(index) else { return }
      appendResolution(of: left, to: &result)
      appendResolution(of: right, to: &result)
    }
  }

  /// Whether a node's resolution is empty: no non-blank node in its subtree. §4.1.2.
  ///
  /// O(1): the node storage keeps a count of non-blank nodes per subtree.
  public func hasEmptyResolution(_ index: NodeIndex) -> Bool {
    guard index.rawValue < nodes.count else { return true }
    return nodes.nonBlankCount(inSubtreeOf: Int(index.rawValue)) == 0
  }

  /// The direct path of a leaf paired with the copath child of each node, leaf to root. §4.1.2.
  public func directPathWithCopath(of leaf: LeafIndex) -> [(
    parent: NodeIndex, copathChild: NodeIndex
  )] {
    let math = math
    var pairs: [(parent: NodeIndex, copathChild: NodeIndex)] = []
    var current = leaf.nodeIndex
    while let parent = math.parent(current), let sibling = math.sibling(current) {
      pairs.append((parent, sibling))
      current = parent
    }
    return pairs
  }

  /// The filtered direct path of a leaf, each with its copath child, leaf to root. §4.1.2.
  ///
  /// Nodes whose copath child has an empty resolution are dropped: encrypting to them would
  /// reach nobody the non-copath child does not already reach.
  public func filteredDirectPathWithCopath(of leaf: LeafIndex) -> [(
    parent: NodeIndex, copathChild: NodeIndex
  )] {
    directPathWithCopath(of: leaf).filter { !hasEmptyResolution($0.copathChild) }
  }

  /// The filtered direct path of a leaf, leaf to root. RFC 9420 §4.1.2.
  public func filteredDirectPath(of leaf: LeafIndex) -> [NodeIndex] {
    filteredDirectPathWithCopath(of: leaf).map(\.parent)
  }

  // MARK: Mutation (RFC 9420 §7.7, §12.1)

  /// Sets (or blanks) one node and clears the cached hashes that depend on it.
  mutating func setNode(_ node: Node?, at index: NodeIndex) throws(RatchetTreeError) {
    guard index.rawValue < nodes.count else { throw .nodeOutOfRange(index) }
    switch node {
    case .leaf where !index.isLeaf, .parent where index.isLeaf: throw .nodeTypeMismatch(index)
    default: break
    }
    var node = node
    if case .leaf(let leaf) = node { node = .leaf(interner.intern(leaf)) }
    let old = nodes[Int(index.rawValue)]
    // mergePath sets each new parent twice (key, then parent hash, §7.9): a parent replaced by
    // one with the same key leaves the key counts as they are.
    if case .parent(let before) = old, case .parent(let after) = node,
      before.encryptionKey == after.encryptionKey
    {
      // Same key: nothing to recount.
    } else {
      keyIndex.remove(old)
      keyIndex.insert(node)
    }
    nodes.set(node, at: Int(index.rawValue))
    if node == nil, index.rawValue % 2 == 0 {
      firstBlankLeafCandidate = min(firstBlankLeafCandidate, Int(index.rawValue / 2))
    }
    hashCache.invalidate(index, math: math)
  }

  /// Blanks every parent on the direct path of `leaf`. RFC 9420 §7.5, §12.1.2, §12.1.3.
  public mutating func blankDirectPath(of leaf: LeafIndex) throws(RatchetTreeError) {
    guard math.contains(leaf) else { throw .leafOutOfRange(leaf) }
    for parent in math.directPath(leaf.nodeIndex) {
      guard !nodes.isBlank(at: Int(parent.rawValue)) else { continue }
      keyIndex.remove(nodes[Int(parent.rawValue)])
      nodes.set(nil, at: Int(parent.rawValue))
    }
    hashCache.invalidate(leaf.nodeIndex, math: math)
  }

  /// Adds a member at the leftmost blank leaf, extending the tree when none is blank.
  /// RFC 9420 §12.1.1, §7.7.
  ///
  /// The new leaf becomes unmerged at every non-blank parent above it: it does not know their
  /// private keys.
  @discardableResult
  public mutating func add(_ leaf: LeafNode) -> LeafIndex {
    let index: LeafIndex
    let start = 2 * firstBlankLeafCandidate
    if let blank = stride(from: start, to: nodes.count, by: 2).first(where: { isBlankSlot($0) }) {
      index = LeafIndex(UInt32(blank / 2))
    } else {
      index = LeafIndex(leafCount)
      extend()
    }
    let math = math
    for parent in math.directPath(index.nodeIndex) {
      guard var value = nodes.parent(at: Int(parent.rawValue)) else { continue }
      let position = value.unmergedLeaves.firstIndex { $0 > index } ?? value.unmergedLeaves.count
      value.unmergedLeaves.insert(index, at: position)
      nodes.set(.parent(value), at: Int(parent.rawValue))
    }
    nodes.set(.leaf(interner.intern(leaf)), at: Int(index.nodeIndex.rawValue))
    keyIndex.insert(.leaf(leaf))
    firstBlankLeafCandidate = Int(index.rawValue) + 1
    hashCache.invalidate(index.nodeIndex, math: math)
    return index
  }

  /// Replaces a member's leaf and blanks its direct path. RFC 9420 §12.1.2.
  public mutating func update(_ leaf: LeafIndex, with leafNode: LeafNode) throws(RatchetTreeError) {
    guard math.contains(leaf) else { throw .leafOutOfRange(leaf) }
    guard !isBlank(leaf.nodeIndex) else { throw .blankLeaf(leaf) }
    try blankDirectPath(of: leaf)
    try setNode(.leaf(leafNode), at: leaf.nodeIndex)
  }

  /// Removes a member: blanks its leaf and direct path, then truncates. RFC 9420 §12.1.3, §7.7.
  public mutating func remove(_ leaf: LeafIndex) throws(RatchetTreeError) {
    guard math.contains(leaf) else { throw .leafOutOfRange(leaf) }
    guard !isBlank(leaf.nodeIndex) else { throw .blankLeaf(leaf) }
    try blankDirectPath(of: leaf)
    try setNode(nil, at: leaf.nodeIndex)
    truncate()
  }

  /// Whether the slot at `position` is blank, without copying the node out (a copy retains
  /// every array the node owns).
  private func isBlankSlot(_ position: Int) -> Bool {
    nodes.isBlank(at: position)
  }

  /// Doubles the tree: the old tree becomes the left subtree of a new blank root. §7.7.
  mutating func extend() {
    let added = nodes.count + 1
    nodes.resize(to: nodes.count + added)
    hashCache.extend(by: added)
  }

  /// Halves the tree while its right half has no member. RFC 9420 §7.7, §12.1.3.
  ///
  /// Keeps 2^d leaves for the smallest d with 2^d above the rightmost non-blank leaf.
  mutating func truncate() {
    var lastOccupied = 0
    for index in stride(from: nodes.count - 1, through: 0, by: -2)
    where !nodes.isBlank(at: index) {
      lastOccupied = index / 2
      break
    }
    var leafCount = Int(self.leafCount)
    while leafCount > 1, leafCount / 2 > lastOccupied { leafCount /= 2 }
    let count = 2 * leafCount - 1
    guard count < nodes.count else { return }
    for node in nodes[count...] { keyIndex.remove(node) }
    nodes.resize(to: count)
    firstBlankLeafCandidate = min(firstBlankLeafCandidate, leafCount)
    hashCache.truncate(to: count)
  }
}

extension PublicRatchetTree: Equatable {
  /// Trees are equal when their nodes are; cached hashes do not count.
  public static func == (lhs: PublicRatchetTree, rhs: PublicRatchetTree) -> Bool {
    lhs.nodes == rhs.nodes
  }
}

extension PublicRatchetTree: TLSCodable {
  /// A tree from its wire form, checked and padded as RFC 9420 §12.4.3.3 requires.
  public init(_ wire: RatchetTree) throws(RatchetTreeError) {
    try self.init(nodes: wire.nodes)
  }

  /// The wire form: nodes in array order without trailing blank nodes. RFC 9420 §12.4.3.3.
  public var wireForm: RatchetTree {
    let end = (nodes.lastIndex { $0 != nil } ?? -1) + 1
    return RatchetTree(nodes: Array(nodes[..<end]))
  }

  /// Writes `optional<Node> ratchet_tree<V>` without trailing blank nodes. RFC 9420 §12.4.3.3.
  public func encode(to writer: inout TLSWriter) throws {
    try wireForm.encode(to: &writer)
  }

  /// Reads `optional<Node> ratchet_tree<V>` and checks its shape. RFC 9420 §12.4.3.3.
  public init(from reader: inout TLSReader) throws {
    try self.init(RatchetTree(from: &reader))
  }
}
