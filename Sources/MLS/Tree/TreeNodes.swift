/// The nodes of a ratchet tree in array order (RFC 9420 Appendix C), stored in copy-on-write
/// chunks.
///
/// Every staged commit works on a copy of the tree (§12.4.2: a rejected commit must leave the
/// group unchanged). With one flat array, the first write to that copy duplicates all 2N nodes
/// and retains every array they own, which made each commit O(N). Here the nodes live in chunks
/// of `chunkSize` slots, each its own array: a copy shares them all, and a write duplicates only
/// the chunk it lands in (plus the small outer array of chunk references), so a path change costs
/// O(log N) chunk copies and N / chunkSize reference copies.
///
/// Leaves and parents are kept in separate chunks: a `ParentNode?` slot is a fraction of the
/// size of a `LeafNode?` one, and half the slots are parents.
///
/// Each parent also keeps the number of non-blank nodes in its subtree, so "is this subtree
/// empty" (§4.1.2 filtered direct paths, §4.1.1 resolutions) is answered in O(1) instead of by
/// walking every blank node below it; a write updates the counts of its O(log N) ancestors.
public struct TreeNodes: RandomAccessCollection, Sendable {
  public typealias Element = Node?
  public typealias Index = Int

  /// Slots per chunk, leaves and parents alike (so a chunk pair covers 2 x 32 nodes).
  static let chunkShift = 5
  public static let chunkSize = 1 << chunkShift
  static let chunkMask = chunkSize - 1

  /// Leaf `i` is at `leafChunks[i >> chunkShift][i & chunkMask]`; every chunk is full except
  /// possibly the last. A chunk never written is an empty array: all blank, nothing allocated
  /// (the padding of a tree to a power of two is mostly such chunks).
  private var leafChunks: [[LeafNode?]] = []
  /// Parent `2i + 1` is slot `i`, chunked the same way.
  private var parentChunks: [[ParentNode?]] = []
  /// The number of nodes, `2 * leaves - 1` (or 0).
  public private(set) var count = 0
  /// For parent slot `i` (node `2i + 1`): the non-blank nodes in its subtree, itself included.
  /// Kept over the smallest full tree holding `count` nodes (`fullCount` nodes), so every
  /// in-range node has all its ancestors here.
  private var subtreeCounts: [[UInt32]] = []
  /// `2^k - 1` for the smallest such value >= `count`, or 0.
  private var fullCount = 0

  /// An empty node list.
  public init() {}

  /// The given nodes in order; `nil` when a leaf sits at an odd index or a parent at an even one.
  ///
  /// The subtree counts are computed once, bottom up, after every node is stored: counting each
  /// node into its O(log N) ancestors as it is stored made this O(N log N).
  init?(_ nodes: some Collection<Node?>) {
    resize(to: nodes.count)
    for (position, node) in nodes.enumerated() where node != nil {
      guard set(node, at: position, counting: false) else { return nil }
    }
    recountSubtrees()
  }

  /// Sets every parent's subtree count from its children's, level by level from the leaves
  /// up, so each count reads children already done.
  private mutating func recountSubtrees() {
    var level = 1
    while (1 << level) - 1 < fullCount {
      let half = 1 << (level - 1)
      var position = (1 << level) - 1
      while position < fullCount {
        let own = position < count && !isBlank(at: position) ? 1 : 0
        let below =
          nonBlankCount(inSubtreeOf: position - half) + nonBlankCount(inSubtreeOf: position + half)
        let slot = position >> 1
        subtreeCounts[slot >> Self.chunkShift][slot & Self.chunkMask] = UInt32(
          clamping: own + below)
        position += 1 << (level + 1)
      }
      level += 1
    }
  }

  public var startIndex: Int { 0 }
  public var endIndex: Int { count }

  public subscript(position: Int) -> Node? {
    let slot = position >> 1
    let chunk = slot >> Self.chunkShift
    let offset = slot & Self.chunkMask
    if position & 1 == 0 {
      guard offset < leafChunks[chunk].count, let leaf = leafChunks[chunk][offset] else {
        return nil
      }
      return .leaf(leaf)
    }
    guard offset < parentChunks[chunk].count, let parent = parentChunks[chunk][offset] else {
      return nil
    }
    return .parent(parent)
  }

  /// Whether the slot is blank, without copying the node out (a copy retains every array the
  /// node owns).
  func isBlank(at position: Int) -> Bool {
    let slot = position >> 1
    let chunk = slot >> Self.chunkShift
    let offset = slot & Self.chunkMask
    if position & 1 == 0 {
      guard offset < leafChunks[chunk].count else { return true }
      if case .none = leafChunks[chunk][offset] { return true }
      return false
    }
    guard offset < parentChunks[chunk].count else { return true }
    if case .none = parentChunks[chunk][offset] { return true }
    return false
  }

  /// The leaf at a leaf slot (node `2 * leaf`), if any.
  func leaf(_ leaf: Int) -> LeafNode? {
    let offset = leaf & Self.chunkMask
    let chunk = leaf >> Self.chunkShift
    guard offset < leafChunks[chunk].count else { return nil }
    return leafChunks[chunk][offset]
  }

  /// The encryption key of the leaf at a leaf slot, if any, read in place.
  func leafEncryptionKey(_ leaf: Int) -> [UInt8]? {
    let offset = leaf & Self.chunkMask
    let chunk = leaf >> Self.chunkShift
    guard offset < leafChunks[chunk].count else { return nil }
    return leafChunks[chunk][offset]?.encryptionKey
  }

  /// The parent at node `position` (odd), if any.
  func parent(at position: Int) -> ParentNode? {
    let slot = position >> 1
    let offset = slot & Self.chunkMask
    let chunk = slot >> Self.chunkShift
    guard offset < parentChunks[chunk].count else { return nil }
    return parentChunks[chunk][offset]
  }

  /// How many chunks hold storage (the others are blank and allocate nothing), for memory
  /// accounting.
  public var allocatedChunks: (leaves: Int, parents: Int) {
    (leafChunks.count(where: { !$0.isEmpty }), parentChunks.count(where: { !$0.isEmpty }))
  }

  /// The slots chunk `chunk` spans when there are `slots` in all.
  private static func length(ofChunk chunk: Int, slots: Int) -> Int {
    Swift.min(chunkSize, slots - chunk * chunkSize)
  }

  /// How many non-blank nodes the subtree under `position` holds (0 outside the tree).
  func nonBlankCount(inSubtreeOf position: Int) -> Int {
    guard position >= 0, position < fullCount else { return 0 }
    if position & 1 == 0 { return position < count && !isBlank(at: position) ? 1 : 0 }
    let slot = position >> 1
    return Int(subtreeCounts[slot >> Self.chunkShift][slot & Self.chunkMask])
  }

  /// Adds `delta` to the subtree count of `position` (when a parent) and of every ancestor.
  private mutating func adjustCounts(from position: Int, by delta: Int) {
    var node = position
    var level = (~node).trailingZeroBitCount
    if level > 0 { addCount(delta, atParent: node) }
    while true {
      // The parent in the unbounded left-balanced tree (Appendix C): a left child sits
      // 2^level below its parent, a right child 2^level above.
      let parent = (node >> (level + 1)) & 1 == 0 ? node + (1 << level) : node - (1 << level)
      guard parent < fullCount else { return }
      addCount(delta, atParent: parent)
      node = parent
      level += 1
    }
  }

  private mutating func addCount(_ delta: Int, atParent position: Int) {
    let slot = position >> 1
    let chunk = slot >> Self.chunkShift
    let offset = slot & Self.chunkMask
    let updated = Int(subtreeCounts[chunk][offset]) + delta
    subtreeCounts[chunk][offset] = UInt32(clamping: updated)
  }

  /// Stores a node; only the chunks holding `position` (and its ancestors' counts, when it
  /// turns blank or non-blank) are copied when shared. Returns false (and changes nothing)
  /// when the node's kind does not match the position's.
  ///
  /// `counting: false` leaves the subtree counts stale (for a bulk load that recounts after).
  @discardableResult
  mutating func set(_ node: Node?, at position: Int, counting: Bool = true) -> Bool {
    let slot = position >> 1
    let chunk = slot >> Self.chunkShift
    let offset = slot & Self.chunkMask
    switch node {
    case .leaf where position & 1 == 1, .parent where position & 1 == 0: return false
    default: break
    }
    let delta = (node == nil ? 0 : 1) - (isBlank(at: position) ? 0 : 1)
    if counting, delta != 0 { adjustCounts(from: position, by: delta) }
    switch node {
    case .leaf(let leaf):
      guard position & 1 == 0 else { return false }
      if leafChunks[chunk].isEmpty {
        let length = Self.length(ofChunk: chunk, slots: (count + 1) / 2)
        leafChunks[chunk] = Array(repeating: nil, count: length)
      }
      leafChunks[chunk][offset] = leaf
    case .parent(let parent):
      guard position & 1 == 1 else { return false }
      if parentChunks[chunk].isEmpty {
        let length = Self.length(ofChunk: chunk, slots: count / 2)
        parentChunks[chunk] = Array(repeating: nil, count: length)
      }
      parentChunks[chunk][offset] = parent
    case nil:
      if position & 1 == 0 {
        if offset < leafChunks[chunk].count { leafChunks[chunk][offset] = nil }
      } else {
        if offset < parentChunks[chunk].count { parentChunks[chunk][offset] = nil }
      }
    }
    return true
  }

  /// Grows with blank nodes or drops trailing nodes until there are `newCount`.
  mutating func resize(to newCount: Int) {
    let target = Swift.max(newCount, 0)
    // Dropped nodes leave the subtree counts first.
    var position = count - 1
    while position >= target {
      if !isBlank(at: position) { set(nil, at: position) }
      position -= 1
    }
    var full = 0
    while full < target { full = 2 * full + 1 }
    while fullCount < full {
      // Doubling: the old full tree becomes the left subtree of a new root at `fullCount`,
      // whose new right subtree is blank.
      let below = nonBlankCount(inSubtreeOf: (fullCount - 1) / 2)
      let root = fullCount
      fullCount = 2 * fullCount + 1
      Self.resize(&subtreeCounts, slots: fullCount / 2, blank: 0)
      if root & 1 == 1 { addCount(below, atParent: root) }
    }
    if fullCount > full {
      // Halving: what is left is a full subtree, whose counts are unchanged.
      fullCount = full
      Self.resize(&subtreeCounts, slots: fullCount / 2, blank: 0)
    }
    Self.resize(&leafChunks, slots: (target + 1) / 2, blank: nil, lazy: true)
    Self.resize(&parentChunks, slots: target / 2, blank: nil, lazy: true)
    count = target
  }

  /// Makes `chunks` hold exactly `slots` slots: full chunks, then one partial chunk. Kept
  /// slots keep their values; new ones are blank.
  ///
  /// `lazy`: new chunks are left empty (all blank), and so is an empty last chunk.
  private static func resize<Value>(
    _ chunks: inout [[Value]], slots: Int, blank: Value, lazy: Bool = false
  ) {
    let needed = (slots + chunkMask) >> chunkShift
    if chunks.count > needed { chunks.removeLast(chunks.count - needed) }
    if let last = chunks.indices.last, !(lazy && chunks[last].isEmpty) {
      let wanted = Swift.min(chunkSize, slots - last * chunkSize)
      let have = chunks[last].count
      if have < wanted {
        chunks[last].append(contentsOf: repeatElement(blank, count: wanted - have))
      } else if have > wanted {
        chunks[last].removeLast(have - wanted)
      }
    }
    while chunks.count < needed {
      let wanted = Swift.min(chunkSize, slots - chunks.count * chunkSize)
      chunks.append(lazy ? [] : Array(repeating: blank, count: wanted))
    }
  }
}

extension TreeNodes: Equatable {
  /// Node by node: a blank chunk may be stored empty or as blank slots.
  public static func == (lhs: TreeNodes, rhs: TreeNodes) -> Bool {
    lhs.count == rhs.count && lhs.elementsEqual(rhs)
  }
}
