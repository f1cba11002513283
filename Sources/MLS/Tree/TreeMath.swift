/// The position of a leaf among the leaves of a tree: leaf `i` is node `2i`. RFC 9420 §4.
public struct LeafIndex: RawRepresentable, Hashable, Comparable, Sendable {
  public var rawValue: UInt32
  public init(rawValue: UInt32) { self.rawValue = rawValue }
  public init(_ value: UInt32) { rawValue = value }

  /// The node index of this leaf in the array representation. RFC 9420 Appendix C.
  public var nodeIndex: NodeIndex { NodeIndex(rawValue &* 2) }

  public static func < (lhs: LeafIndex, rhs: LeafIndex) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The position of a node in the array representation of a tree. RFC 9420 §4.1, Appendix C.
///
/// Leaves have even indices, parents odd ones; a parent's level is the number of trailing one bits.
public struct NodeIndex: RawRepresentable, Hashable, Comparable, Sendable {
  public var rawValue: UInt32
  public init(rawValue: UInt32) { self.rawValue = rawValue }
  public init(_ value: UInt32) { rawValue = value }

  public var isLeaf: Bool { rawValue & 1 == 0 }

  /// The leaf this node is, when it is a leaf.
  public var leafIndex: LeafIndex? { isLeaf ? LeafIndex(rawValue >> 1) : nil }

  /// The level in the tree: 0 for leaves, k for a parent with k trailing one bits.
  public var level: Int { (~rawValue).trailingZeroBitCount }

  public static func < (lhs: NodeIndex, rhs: NodeIndex) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Arithmetic on left-balanced binary trees in array form. RFC 9420 Appendix C.
///
/// A tree of `leafCount` leaves (a power of two for a ratchet tree, §7.7) has `2n - 1` nodes.
/// Functions that can be asked about a node outside the tree, or a leaf's children, or the root's
/// parent, return nil rather than trapping: indices may come from the wire.
public struct TreeMath: Hashable, Sendable {
  public let leafCount: UInt32

  public init(leafCount: UInt32) {
    self.leafCount = leafCount
  }

  /// The number of nodes: `2n - 1`, or 0 for an empty tree.
  public var nodeCount: UInt32 { leafCount == 0 ? 0 : 2 * (leafCount - 1) + 1 }

  /// The root: the node at level `log2(n)` rounded up, `2^k - 1`. RFC 9420 Appendix C `root`.
  public var root: NodeIndex {
    let width = nodeCount
    guard width > 1 else { return NodeIndex(0) }
    return NodeIndex((UInt32(1) << UInt32(Self.log2(width))) - 1)
  }

  /// Whether `node` is inside the tree.
  public func contains(_ node: NodeIndex) -> Bool { node.rawValue < nodeCount }

  /// Whether `leaf` is inside the tree.
  public func contains(_ leaf: LeafIndex) -> Bool { leaf.rawValue < leafCount }

  /// The left child of a parent node; nil for a leaf.
  public func left(_ node: NodeIndex) -> NodeIndex? {
    let level = node.level
    guard level > 0 else { return nil }
    return NodeIndex(node.rawValue ^ (UInt32(1) << UInt32(level - 1)))
  }

  /// The right child of a parent node; nil for a leaf.
  public func right(_ node: NodeIndex) -> NodeIndex? {
    let level = node.level
    guard level > 0 else { return nil }
    return NodeIndex(node.rawValue ^ (UInt32(3) << UInt32(level - 1)))
  }

  /// The parent of a node in this tree; nil for the root or a node outside the tree.
  public func parent(_ node: NodeIndex) -> NodeIndex? {
    guard contains(node), node != root else { return nil }
    // In a tree whose size is a power of two every node's parent lies inside it; in general we
    // step up from the full-tree parent until we are back inside the tree.
    var candidate = node
    repeat {
      candidate = Self.fullTreeParent(candidate)
    } while !contains(candidate)
    return candidate
  }

  /// The other child of this node's parent; nil for the root.
  public func sibling(_ node: NodeIndex) -> NodeIndex? {
    guard let parent = parent(node), let left = left(parent), let right = right(parent) else {
      return nil
    }
    return node.rawValue < parent.rawValue ? right : left
  }

  /// The direct path of a node: its ancestors from its parent up to and including the root.
  public func directPath(_ node: NodeIndex) -> [NodeIndex] {
    var path: [NodeIndex] = []
    var current = node
    while let next = parent(current) {
      path.append(next)
      current = next
    }
    return path
  }

  /// The copath: the sibling of each node of the direct path, starting with the node's own
  /// sibling, excluding the root. RFC 9420 §4.1.
  public func copath(_ node: NodeIndex) -> [NodeIndex] {
    guard node != root, contains(node) else { return [] }
    var path = [node]
    path.append(contentsOf: directPath(node).dropLast())
    return path.compactMap { sibling($0) }
  }

  /// The lowest common ancestor of two nodes (one of them when it is an ancestor of the other).
  /// RFC 9420 Appendix C `common_ancestor_direct`.
  public func commonAncestor(_ a: NodeIndex, _ b: NodeIndex) -> NodeIndex {
    let levelA = UInt32(a.level + 1)
    let levelB = UInt32(b.level + 1)
    if levelA <= levelB, a.rawValue >> levelB == b.rawValue >> levelB { return b }
    if levelB <= levelA, a.rawValue >> levelA == b.rawValue >> levelA { return a }
    var x = a.rawValue
    var y = b.rawValue
    var shift: UInt32 = 0
    while x != y {
      x >>= 1
      y >>= 1
      shift += 1
    }
    return NodeIndex((x << shift) + (UInt32(1) << (shift - 1)) - 1)
  }

  /// The parent in an infinite tree: flip to the level above, keeping the side.
  private static func fullTreeParent(_ node: NodeIndex) -> NodeIndex {
    let level = node.level
    let bit = UInt32(1) << UInt32(level)
    let up = (node.rawValue | bit) & ~(bit << 1)
    return NodeIndex(up)
  }

  /// floor(log2(x)) for x > 0.
  private static func log2(_ x: UInt32) -> Int {
    x == 0 ? 0 : 31 - x.leadingZeroBitCount
  }
}
