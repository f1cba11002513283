import MLSCodec
import MLSCrypto

extension TreeKEM {
  /// One node of a committer's filtered direct path and the copath child it encrypts to.
  public struct PathStep: Sendable, Hashable {
    public let parent: NodeIndex
    public let copathChild: NodeIndex
  }

  /// A committer's new path, merged into its tree but not yet encrypted. RFC 9420 §7.4, §7.5.
  public struct PreparedPath: Sendable {
    public let sender: LeafIndex
    /// The new leaf: fresh encryption key, `commit` source with its parent hash, signed.
    public let leafNode: LeafNode
    /// The filtered direct path, leaf to root.
    public let steps: [PathStep]
    /// The new public key of each step.
    public let publicKeys: [[UInt8]]
    /// The path secret of each step.
    let pathSecrets: [SecretBytes]
    /// The commit secret: one DeriveSecret("path") step past the last path secret (§12.4.1).
    public let commitSecret: SecretBytes
    /// The committer's private keys for its new leaf and path.
    public let privateState: TreeKEMPrivateState
  }

  /// Generates fresh keys along the sender's filtered direct path, merges them into `tree` with
  /// parent hashes, and sets the sender's new signed leaf. RFC 9420 §7.4, §7.5 steps 1-4.
  ///
  /// `leafNode` supplies every field except `encryption_key`, `leaf_node_source` and
  /// `signature`, which are replaced. `leafKeyPair` and `firstPathSecret` default to fresh random
  /// values; tests pass them to be deterministic. On error `tree` is unchanged.
  public static func preparePath(
    tree: inout PublicRatchetTree, sender: LeafIndex, leafNode: LeafNode,
    signaturePrivateKey: SecretBytes, groupID: [UInt8], provider: CipherSuiteProvider,
    leafKeyPair: (privateKey: SecretBytes, publicKey: [UInt8])? = nil,
    firstPathSecret: SecretBytes? = nil
  ) throws(TreeKEMError) -> PreparedPath {
    guard tree.leafNode(at: sender) != nil else { throw .invalidSender(sender) }
    var candidate = tree
    let steps = candidate.filteredDirectPathWithCopath(of: sender).map {
      PathStep(parent: $0.parent, copathChild: $0.copathChild)
    }
    var secrets: [SecretBytes] = []
    var keyPairs: [(privateKey: SecretBytes, publicKey: [UInt8])] = []
    let leafKeys: (privateKey: SecretBytes, publicKey: [UInt8])
    var secret: SecretBytes
    do {
      if let leafKeyPair {
        leafKeys = leafKeyPair
      } else {
        leafKeys = try provider.generateKEMKeyPair()
      }
      if let firstPathSecret {
        secret = firstPathSecret
      } else {
        secret = try SecureRandom.secret(provider.hashLength)
      }
      for _ in steps {
        secrets.append(secret)
        keyPairs.append(try nodeKeyPair(pathSecret: secret, provider: provider))
        secret = try nextPathSecret(secret, provider: provider)
      }
    } catch {
      throw .crypto(error)
    }
    let publicKeys = keyPairs.map(\.publicKey)
    let parentHash = try mapErrors {
      try candidate.mergePath(from: sender, encryptionKeys: publicKeys, using: provider.hash)
    }
    var leaf = leafNode
    leaf.encryptionKey = leafKeys.publicKey
    leaf.source = .commit(parentHash: parentHash)
    do {
      try leaf.sign(
        privateKey: signaturePrivateKey, groupID: groupID, leafIndex: sender, provider: provider)
    } catch {
      throw .crypto(error)
    }
    try mapErrors { try candidate.setNode(.leaf(leaf), at: sender.nodeIndex) }
    var state = TreeKEMPrivateState(leaf: sender, leafPrivateKey: leafKeys.privateKey)
    for (step, keyPair) in zip(steps, keyPairs) {
      state.setPrivateKey(keyPair.privateKey, at: step.parent)
    }
    tree = candidate
    return PreparedPath(
      sender: sender, leafNode: leaf, steps: steps, publicKeys: publicKeys, pathSecrets: secrets,
      commitSecret: secret, privateState: state)
  }

  /// Encrypts each path secret to the resolution of its copath child and builds the
  /// UpdatePath. RFC 9420 §7.5 ("encrypts path secrets to the group"), §7.6.
  ///
  /// `tree` is the tree `preparePath` produced; `groupContext` the serialized provisional
  /// GroupContext (with that tree's hash); `newLeaves` the leaves added by the same commit,
  /// which are left out of every resolution.
  public static func encryptPath(
    _ prepared: PreparedPath, tree: PublicRatchetTree, groupContext: [UInt8],
    newLeaves: [LeafIndex] = [], provider: CipherSuiteProvider
  ) throws(TreeKEMError) -> UpdatePath {
    var nodes: [UpdatePathNode] = []
    nodes.reserveCapacity(prepared.steps.count)
    for (offset, step) in prepared.steps.enumerated() {
      let secret = prepared.pathSecrets[offset].revealed()
      var ciphertexts: [HPKECiphertext] = []
      for target in copathResolution(of: step.copathChild, in: tree, excluding: newLeaves) {
        guard let publicKey = tree.encryptionKey(at: target) else {
          throw .tree(.nodeOutOfRange(target))
        }
        do {
          let sealed = try provider.encryptWithLabel(
            publicKey: publicKey, label: updatePathNodeLabel, context: groupContext,
            plaintext: secret)
          ciphertexts.append(
            HPKECiphertext(kemOutput: sealed.kemOutput, ciphertext: sealed.ciphertext))
        } catch {
          throw .crypto(error)
        }
      }
      nodes.append(
        UpdatePathNode(
          encryptionKey: prepared.publicKeys[offset], encryptedPathSecret: ciphertexts))
    }
    return UpdatePath(leafNode: prepared.leafNode, nodes: nodes)
  }
}
