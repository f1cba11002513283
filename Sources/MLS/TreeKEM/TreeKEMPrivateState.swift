import MLSCrypto

/// The private keys one member holds for the tree: its leaf's and those of the parents it
/// knows. RFC 9420 §4.2 (tree invariant), §7.4.
public struct TreeKEMPrivateState: Sendable {
  /// The member's leaf.
  public let leaf: LeafIndex
  /// HPKE private keys by node index; the leaf's is at `leaf.nodeIndex`.
  public private(set) var privateKeys: [NodeIndex: SecretBytes]

  public init(leaf: LeafIndex, leafPrivateKey: SecretBytes) {
    self.leaf = leaf
    privateKeys = [leaf.nodeIndex: leafPrivateKey]
  }

  /// The private key held for a node, if any.
  public func privateKey(at node: NodeIndex) -> SecretBytes? { privateKeys[node] }

  /// Derives a node's key pair from its path secret and keeps the private key. RFC 9420 §7.4:
  /// `node_secret = DeriveSecret(path_secret, "node")`, `KEM.DeriveKeyPair(node_secret)`.
  ///
  /// Returns the public key.
  @discardableResult
  public mutating func setPathSecret(
    _ pathSecret: SecretBytes, at node: NodeIndex, provider: CipherSuiteProvider
  ) throws(CryptoError) -> [UInt8] {
    let keyPair = try TreeKEM.nodeKeyPair(pathSecret: pathSecret, provider: provider)
    privateKeys[node] = keyPair.privateKey
    return keyPair.publicKey
  }

  /// Keeps a private key for a node (one derived elsewhere, e.g. by the committer).
  mutating func setPrivateKey(_ privateKey: SecretBytes, at node: NodeIndex) {
    privateKeys[node] = privateKey
  }

  /// Forgets the private keys of the given nodes (replaced or blanked nodes, §7.5).
  public mutating func forget<S: Sequence>(_ nodes: S) where S.Element == NodeIndex {
    for node in nodes { privateKeys[node] = nil }
  }

  /// Forgets keys held for parents that the tree now shows as blank.
  public mutating func forgetBlankNodes(in tree: PublicRatchetTree) {
    for node in privateKeys.keys where node != leaf.nodeIndex && tree.isBlank(node) {
      privateKeys[node] = nil
    }
  }

  /// Checks that every held key belongs to a non-blank node whose public key it matches.
  /// (The treekem vectors' consistency check; also useful after joining, §12.4.3.1.)
  public func verifyConsistent(
    with tree: PublicRatchetTree, provider: CipherSuiteProvider
  ) throws(TreeKEMError) {
    for (node, privateKey) in privateKeys.sorted(by: { $0.key < $1.key }) {
      guard let publicKey = tree.encryptionKey(at: node) else {
        throw .privateKeyForBlankNode(node)
      }
      let derived: [UInt8]
      do {
        derived = try provider.kemPublicKey(for: privateKey)
      } catch {
        throw .crypto(error)
      }
      guard derived == publicKey else { throw .privateKeyMismatch(node) }
    }
  }
}
