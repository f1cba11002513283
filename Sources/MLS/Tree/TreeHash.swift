import MLSCodec
import MLSCrypto

/// Cached tree hashes, one slot per parent node. RFC 9420 §7.8.
///
/// Leaf hashes are not kept: one costs a single hash of the leaf, and after a change only the
/// changed leaf and its sibling are hashed again, while keeping them would cost a hash per
/// leaf of memory (the tree is padded to a power of two, so about 1.6 hashes per member).
///
/// A slot is cleared whenever the node or anything below it changes; since a node's hash depends
/// only on its subtree, clearing a changed node and its direct path keeps every other slot valid.
///
/// Stored flat and chunked, like `TreeNodes`: each chunk of `chunkSize` nodes keeps one byte
/// buffer (hash length x `chunkSize`, allocated on the first write) and a validity bitmap. A copy
/// of the tree shares every chunk; clearing a slot touches only the bitmap, and a write copies one
/// chunk's buffer. One `[UInt8]` per node would cost an array header per hash and a retain per
/// node whenever the cache is copied.
struct TreeHashCache: Sendable {
  /// Parent slots per chunk (one bit each in `HashChunk.valid`); parent `2i + 1` is slot `i`.
  static let chunkShift = 6
  static let chunkSize = 1 << chunkShift

  struct HashChunk: Sendable {
    /// Bit `i` set: slot `i` of `bytes` holds a valid hash.
    var valid: UInt64 = 0
    /// `chunkSize` hashes of `hashLength` bytes, or empty before the first write.
    var bytes: [UInt8] = []
  }

  var algorithm: HashAlgorithm?
  /// The output length of `algorithm`; every stored hash has it.
  private var hashLength = 0
  private(set) var chunks: [HashChunk]
  private(set) var nodeCount: Int
  /// Parent slots: `nodeCount / 2`.
  private var slotCount: Int { nodeCount / 2 }
  /// How many node hashes were computed (a testing hook for the O(log n) update cost).
  var computations = 0

  init(nodeCount: Int) {
    self.nodeCount = nodeCount
    chunks = Array(repeating: HashChunk(), count: Self.chunks(for: nodeCount / 2))
  }

  private static func chunks(for slots: Int) -> Int {
    (slots + chunkSize - 1) >> chunkShift
  }

  /// The cached hash of a parent node, if valid (never for a leaf).
  subscript(node: Int) -> [UInt8]? {
    guard node >= 0, node < nodeCount, node & 1 == 1 else { return nil }
    let slot = node >> 1
    let chunk = chunks[slot >> Self.chunkShift]
    let offset = slot & (Self.chunkSize - 1)
    guard chunk.valid & (1 << UInt64(offset)) != 0 else { return nil }
    let start = offset * hashLength
    return Array(chunk.bytes[start..<start + hashLength])
  }

  /// Stores a parent's hash. Leaves, and hashes of another length than the algorithm's, are
  /// not cached.
  mutating func store(_ hash: [UInt8], at node: Int) {
    guard node >= 0, node < nodeCount, node & 1 == 1, hash.count == hashLength, hashLength > 0
    else { return }
    let slot = node >> 1
    let index = slot >> Self.chunkShift
    let offset = slot & (Self.chunkSize - 1)
    if chunks[index].bytes.isEmpty {
      chunks[index].bytes = Array(repeating: 0, count: hashLength * Self.chunkSize)
    }
    let start = offset * hashLength
    chunks[index].bytes.replaceSubrange(start..<start + hashLength, with: hash)
    chunks[index].valid |= 1 << UInt64(offset)
  }

  /// Clears one slot.
  private mutating func clear(_ node: Int) {
    guard node >= 0, node < nodeCount, node & 1 == 1 else { return }
    let slot = node >> 1
    let bit: UInt64 = 1 << UInt64(slot & (Self.chunkSize - 1))
    let index = slot >> Self.chunkShift
    if chunks[index].valid & bit != 0 { chunks[index].valid &= ~bit }
  }

  /// Clears the slot of `node` and of every node on its direct path.
  mutating func invalidate(_ node: NodeIndex, math: TreeMath) {
    guard node.rawValue < nodeCount else { return }
    clear(Int(node.rawValue))
    for parent in math.directPath(node) { clear(Int(parent.rawValue)) }
  }

  /// Adds empty slots for the new right half and root; the old nodes keep their indices and
  /// subtrees, so their hashes stay valid.
  mutating func extend(by count: Int) {
    resize(to: nodeCount + count)
  }

  /// Drops the slots of the removed right half and root.
  mutating func truncate(to count: Int) {
    resize(to: count)
  }

  private mutating func resize(to count: Int) {
    let target = max(count, 0)
    let needed = Self.chunks(for: target / 2)
    if chunks.count > needed { chunks.removeLast(chunks.count - needed) }
    // Slots past the new end in the last chunk must not survive a later growth.
    if target < nodeCount, let last = chunks.indices.last {
      let kept = target / 2 - last * Self.chunkSize
      if kept < Self.chunkSize { chunks[last].valid &= (UInt64(1) << UInt64(kept)) - 1 }
    }
    while chunks.count < needed { chunks.append(HashChunk()) }
    nodeCount = target
  }

  /// Starts over for another hash algorithm.
  mutating func reset(for algorithm: HashAlgorithm) {
    self.algorithm = algorithm
    hashLength = algorithm.outputLength
    chunks = Array(repeating: HashChunk(), count: chunks.count)
  }
}

/// Node-type codes used in tree hash inputs. RFC 9420 §7.8.
enum NodeTypeCode {
  static let leaf: UInt8 = 1
  static let parent: UInt8 = 2
}

extension PublicRatchetTree {
  /// The leaves under a node, as a range of leaf indices. RFC 9420 Appendix C.
  func leafRange(under index: NodeIndex) -> ClosedRange<UInt32> {
    let halfWidth = (UInt32(1) << UInt32(index.level)) - 1
    let first = (index.rawValue - halfWidth) / 2
    let last = (index.rawValue + halfWidth) / 2
    return first...last
  }

  /// Whether `node` lies in the subtree under `ancestor` (or is it).
  func isInSubtree(_ node: NodeIndex, of ancestor: NodeIndex) -> Bool {
    let halfWidth = (UInt32(1) << UInt32(ancestor.level)) - 1
    return node.rawValue >= ancestor.rawValue - halfWidth
      && node.rawValue <= ancestor.rawValue + halfWidth
  }

  /// The tree hash of a node, from the cache when it is valid. RFC 9420 §7.8.
  public mutating func treeHash(of index: NodeIndex, using algorithm: HashAlgorithm) throws
    -> [UInt8]
  {
    guard index.rawValue < nodes.count else { throw RatchetTreeError.nodeOutOfRange(index) }
    if hashCache.algorithm != algorithm { hashCache.reset(for: algorithm) }
    return try cachedTreeHash(of: index, using: algorithm)
  }

  /// The tree hash of the root. RFC 9420 §7.8.
  public mutating func rootTreeHash(using algorithm: HashAlgorithm) throws -> [UInt8] {
    try treeHash(of: root, using: algorithm)
  }

  private mutating func cachedTreeHash(of index: NodeIndex, using algorithm: HashAlgorithm) throws
    -> [UInt8]
  {
    if let cached = hashCache[Int(index.rawValue)] { return cached }
    var writer = TLSWriter()
    if let leaf = index.leafIndex {
      writer.write(NodeTypeCode.leaf)
      writer.write(leaf.rawValue)
      try writer.writeOptional(leafNode(at: leaf))
    } else {
      guard let left = math.left(index), let right = math.right(index) else {
        throw RatchetTreeError.nodeOutOfRange(index)
      }
      let leftHash = try cachedTreeHash(of: left, using: algorithm)
      let rightHash = try cachedTreeHash(of: right, using: algorithm)
      writer.write(NodeTypeCode.parent)
      try writer.writeOptional(parentNode(at: index))
      try writer.writeOpaque(leftHash)
      try writer.writeOpaque(rightHash)
    }
    let digest = try Digest.hash(algorithm, writer.bytes)
    hashCache.store(digest, at: Int(index.rawValue))
    hashCache.computations += 1
    return digest
  }

  /// The tree hash of a node in the tree where the `excluded` leaves are blanked and dropped
  /// from every unmerged-leaves list: the "original sibling tree hash" of RFC 9420 §7.9.
  ///
  /// Subtrees holding no excluded leaf are unchanged, so their cached hashes are reused.
  mutating func originalTreeHash(
    of index: NodeIndex, excluding excluded: [LeafIndex], using algorithm: HashAlgorithm
  ) throws -> [UInt8] {
    try originalTreeHash(of: index, excludingSorted: excluded.sorted()[...], using: algorithm)
  }

  /// `excluded` is sorted, so the part under each subtree is one binary-searched slice and a
  /// hostile list costs O(log k) per blank node visited rather than O(k).
  private mutating func originalTreeHash(
    of index: NodeIndex, excludingSorted excluded: ArraySlice<LeafIndex>,
    using algorithm: HashAlgorithm
  ) throws -> [UInt8] {
    let range = leafRange(under: index)
    let lower = Self.partitionPoint(excluded) { $0.rawValue < range.lowerBound }
    let upper = Self.partitionPoint(excluded) { $0.rawValue <= range.upperBound }
    let inside = excluded[lower..<max(lower, upper)]
    if inside.isEmpty { return try treeHash(of: index, using: algorithm) }
    var writer = TLSWriter()
    if let leaf = index.leafIndex {
      // The only leaf here is excluded: hash it as blank.
      writer.write(NodeTypeCode.leaf)
      writer.write(leaf.rawValue)
      writer.write(UInt8(0))
    } else {
      guard let left = math.left(index), let right = math.right(index) else {
        throw RatchetTreeError.nodeOutOfRange(index)
      }
      let leftHash = try originalTreeHash(of: left, excludingSorted: inside, using: algorithm)
      let rightHash = try originalTreeHash(of: right, excludingSorted: inside, using: algorithm)
      var parent = parentNode(at: index)
      if let unmerged = parent?.unmergedLeaves, !unmerged.isEmpty {
        let dropped = Set(inside)
        parent?.unmergedLeaves = unmerged.filter { !dropped.contains($0) }
      }
      writer.write(NodeTypeCode.parent)
      try writer.writeOptional(parent)
      try writer.writeOpaque(leftHash)
      try writer.writeOpaque(rightHash)
    }
    return try Digest.hash(algorithm, writer.bytes)
  }

  /// The first position in a slice partitioned by `isBefore` where it no longer holds.
  private static func partitionPoint(
    _ slice: ArraySlice<LeafIndex>, _ isBefore: (LeafIndex) -> Bool
  ) -> Int {
    var low = slice.startIndex
    var high = slice.endIndex
    while low < high {
      let middle = low + (high - low) / 2
      if isBefore(slice[middle]) { low = middle + 1 } else { high = middle }
    }
    return low
  }

  /// The parent hash of a non-blank parent with the given copath child. RFC 9420 §7.9.
  ///
  /// Hashes `ParentHashInput { encryption_key, parent_hash, original_sibling_tree_hash }`.
  public mutating func parentHash(
    of index: NodeIndex, copathChild: NodeIndex, using algorithm: HashAlgorithm
  ) throws -> [UInt8] {
    guard let parent = parentNode(at: index) else {
      throw RatchetTreeError.nodeOutOfRange(index)
    }
    let siblingHash = try originalTreeHash(
      of: copathChild, excluding: parent.unmergedLeaves, using: algorithm)
    var writer = TLSWriter()
    try writer.writeOpaque(parent.encryptionKey)
    try writer.writeOpaque(parent.parentHash)
    try writer.writeOpaque(siblingHash)
    return try Digest.hash(algorithm, writer.bytes)
  }

  /// The parent_hash a node carries: a parent's field, or a commit-sourced leaf's. §7.9.1.
  func storedParentHash(at index: NodeIndex) -> [UInt8]? {
    switch node(at: index) {
    case .parent(let parent): parent.parentHash
    case .leaf(let leaf):
      leaf.source.parentHash
    case nil: nil
    }
  }
}

extension PublicRatchetTree {
  /// Installs new public keys along a member's filtered direct path and links them with parent
  /// hashes. RFC 9420 §7.5 (steps 1-3), §7.9.
  ///
  /// Blanks the direct path, sets each filtered-direct-path node to a fresh `ParentNode` with the
  /// given key (in leaf-to-root order) and no unmerged leaves, then fills parent hashes from the
  /// root down: the top node gets an empty one, each lower node the parent hash of the node above
  /// it with that node's copath child. Returns the parent hash the member's new leaf must carry.
  /// The leaf itself is not changed.
  public mutating func mergePath(
    from leaf: LeafIndex, encryptionKeys: [[UInt8]], using algorithm: HashAlgorithm
  ) throws -> [UInt8] {
    let path = filteredDirectPathWithCopath(of: leaf)
    guard path.count == encryptionKeys.count else {
      throw RatchetTreeError.pathLengthMismatch(expected: path.count, actual: encryptionKeys.count)
    }
    try blankDirectPath(of: leaf)
    for (step, key) in zip(path, encryptionKeys) {
      let node = ParentNode(encryptionKey: key, parentHash: [], unmergedLeaves: [])
      try setNode(.parent(node), at: step.parent)
    }
    var aboveHash: [UInt8] = []
    for step in path.reversed() {
      guard var node = parentNode(at: step.parent) else {
        throw RatchetTreeError.nodeOutOfRange(step.parent)
      }
      node.parentHash = aboveHash
      try setNode(.parent(node), at: step.parent)
      aboveHash = try parentHash(of: step.parent, copathChild: step.copathChild, using: algorithm)
    }
    return aboveHash
  }
}
