/// Why a ratchet tree could not be built or changed. RFC 9420 §4, §7.7, §12.4.3.3.
///
/// Indices may come from the wire, so every out-of-range or wrong-kind access is an error here
/// rather than a trap.
public enum RatchetTreeError: Error, Equatable, Sendable {
  /// The serialized tree has no nodes: a group always has at least one member.
  case emptyTree
  /// The last serialized node is blank; §12.4.3.3 forbids trailing blank nodes.
  case trailingBlankNode
  /// More nodes than a 32-bit leaf index can address.
  case tooManyNodes(Int)
  /// A leaf node at an odd (parent) position or a parent node at an even (leaf) position.
  case nodeTypeMismatch(NodeIndex)
  /// A leaf index outside the tree.
  case leafOutOfRange(LeafIndex)
  /// A node index outside the tree.
  case nodeOutOfRange(NodeIndex)
  /// An operation needs a member at this leaf, but it is blank.
  case blankLeaf(LeafIndex)
  /// An UpdatePath carries a different number of nodes than the filtered direct path (§7.6).
  case pathLengthMismatch(expected: Int, actual: Int)
}
