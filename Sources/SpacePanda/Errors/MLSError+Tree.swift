import MLS
import MLSCrypto

extension MLSError {
  /// RFC 9420 §7.8: a ratchet tree that cannot be a valid tree.
  public init(_ error: RatchetTreeError) {
    switch error {
    case .emptyTree:
      self = .invalidTree("tree is empty")
    case .trailingBlankNode:
      self = .invalidTree("tree ends with a blank node")
    case .tooManyNodes(let count):
      self = .invalidTree("\(count) nodes exceed the limit")
    case .nodeTypeMismatch(let node):
      self = .invalidTree("node \(node.rawValue) has the wrong type for its position")
    case .leafOutOfRange(let leaf):
      self = .invalidTree("leaf \(leaf.rawValue) outside the tree")
    case .nodeOutOfRange(let node):
      self = .invalidTree("node \(node.rawValue) outside the tree")
    case .blankLeaf(let leaf):
      self = .invalidTree("leaf \(leaf.rawValue) is blank")
    case .pathLengthMismatch(let expected, let actual):
      self = .invalidTree("path of \(actual) nodes, expected \(expected)")
    }
  }

  /// RFC 9420 §12.4.3.1: a received tree failed validation (parent hashes, signatures,
  /// unmerged leaves, tree hash).
  public init(_ error: TreeValidationError) {
    switch error {
    case .parentHashNotValid(let node):
      self = .invalidTree("parent hash of node \(node.rawValue) not valid")
    case .leafSignatureInvalid(let leaf):
      self = .invalidTree("signature of leaf \(leaf.rawValue) did not verify")
    case .duplicateEncryptionKey(let node):
      self = .invalidTree("encryption key of node \(node.rawValue) repeated")
    case .duplicateSignatureKey(let leaf):
      self = .invalidTree("signature key of leaf \(leaf.rawValue) repeated")
    case .unmergedLeavesNotSorted(let node):
      self = .invalidTree("unmerged leaves of node \(node.rawValue) not sorted")
    case .unmergedLeafNotDescendant(let parent, let leaf):
      self = .invalidTree("unmerged leaf \(leaf.rawValue) not below node \(parent.rawValue)")
    case .unmergedLeafBlank(let parent, let leaf):
      self = .invalidTree("unmerged leaf \(leaf.rawValue) of node \(parent.rawValue) is blank")
    case .unmergedLeafMissingBelow(let parent, let leaf, let node):
      self = .invalidTree(
        "unmerged leaf \(leaf.rawValue) of node \(parent.rawValue) missing at node \(node.rawValue)"
      )
    case .treeHashMismatch:
      self = .invalidTree("tree hash does not match the group context")
    case .cryptoFailure(let what):
      self = .cryptoError(what)
    }
  }

  /// RFC 9420 §7.6, §12.4.2: an UpdatePath in a commit could not be applied.
  public init(_ error: TreeKEMError) {
    switch error {
    case .leafNodeSourceNotCommit:
      self = .invalidCommit("path leaf node source is not commit")
    case .parentHashMismatch:
      self = .invalidCommit("path parent hash does not match")
    case .pathLengthMismatch(let expected, let actual):
      self = .invalidCommit("path of \(actual) nodes, expected \(expected)")
    case .invalidSender(let leaf):
      self = .invalidCommit("leaf \(leaf.rawValue) cannot send a path")
    case .receiverIsSender:
      self = .invalidCommit("receiver is the committer")
    case .receiverNotCovered(let leaf):
      self = .invalidCommit("leaf \(leaf.rawValue) not covered by the path")
    case .ciphertextCountMismatch(let node, let expected, let actual):
      self = .invalidCommit(
        "node \(node.rawValue) has \(actual) path secret ciphertexts, expected \(expected)")
    case .noPrivateKeyInResolution(let node):
      self = .corruptedState("no private key in the resolution of node \(node.rawValue)")
    case .publicKeyMismatch(let node):
      self = .invalidCommit("derived key of node \(node.rawValue) differs from the path's")
    case .privateKeyMismatch(let node):
      self = .corruptedState("private key of node \(node.rawValue) does not match its public key")
    case .privateKeyForBlankNode(let node):
      self = .corruptedState("private key held for blank node \(node.rawValue)")
    case .tree(let inner):
      self.init(inner)
    case .crypto(let inner):
      self.init(inner)
    }
  }
}
