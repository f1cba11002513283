import MLSCrypto

/// Why an UpdatePath could not be created or processed. RFC 9420 §7.4-§7.6.
///
/// Associated values are indices and lengths, never secrets.
public enum TreeKEMError: Error, Equatable, Sendable {
  /// The UpdatePath's leaf does not have leaf_node_source `commit` (§7.3).
  case leafNodeSourceNotCommit
  /// The leaf's parent_hash differs from the one the merged path yields (§7.5, §7.9.2).
  case parentHashMismatch
  /// The UpdatePath has a different number of nodes than the filtered direct path (§7.6).
  case pathLengthMismatch(expected: Int, actual: Int)
  /// The sender's leaf is blank or outside the tree.
  case invalidSender(LeafIndex)
  /// A member cannot process its own UpdatePath.
  case receiverIsSender
  /// The receiver's leaf is not under any node of the sender's filtered direct path.
  case receiverNotCovered(LeafIndex)
  /// The number of encrypted path secrets differs from the copath resolution's size (§7.6).
  case ciphertextCountMismatch(node: NodeIndex, expected: Int, actual: Int)
  /// The receiver holds no private key for any node of the copath resolution.
  case noPrivateKeyInResolution(NodeIndex)
  /// A derived public key differs from the one in the tree or UpdatePath (§7.5 step 6).
  case publicKeyMismatch(NodeIndex)
  /// A private key does not match the public key in the tree.
  case privateKeyMismatch(NodeIndex)
  /// A private key is held for a node that is blank in the tree.
  case privateKeyForBlankNode(NodeIndex)
  /// A tree operation failed.
  case tree(RatchetTreeError)
  /// A cryptographic operation failed (decryption, key derivation, signing).
  case crypto(CryptoError)
}
