import MLSCodec
import MLSCrypto

/// Creating and processing UpdatePaths: the continuous group key agreement of MLS.
/// RFC 9420 §7.4-§7.6.
public enum TreeKEM {
  /// The EncryptWithLabel label for path secrets. RFC 9420 §7.6.
  static let updatePathNodeLabel = "UpdatePathNode"

  /// `DeriveKeyPair(DeriveSecret(path_secret, "node"))`. RFC 9420 §7.4.
  ///
  /// The intermediate node secret keeps each secret in one algorithm only.
  static func nodeKeyPair(
    pathSecret: SecretBytes, provider: CipherSuiteProvider
  ) throws(CryptoError) -> (privateKey: SecretBytes, publicKey: [UInt8]) {
    let nodeSecret = try provider.deriveSecret(secret: pathSecret, label: "node")
    return try provider.deriveKeyPair(ikm: nodeSecret)
  }

  /// `path_secret[n] = DeriveSecret(path_secret[n-1], "path")`; one step past the root it is the
  /// commit secret. RFC 9420 §7.4, §8.
  static func nextPathSecret(
    _ pathSecret: SecretBytes, provider: CipherSuiteProvider
  ) throws(CryptoError) -> SecretBytes {
    try provider.deriveSecret(secret: pathSecret, label: "path")
  }

  /// Runs a throwing tree or hash step, naming its failure as a `TreeKEMError`.
  static func mapErrors<T>(_ body: () throws -> T) throws(TreeKEMError) -> T {
    do {
      return try body()
    } catch let error as TreeKEMError {
      throw error
    } catch let error as RatchetTreeError {
      if case .pathLengthMismatch(let expected, let actual) = error {
        throw .pathLengthMismatch(expected: expected, actual: actual)
      }
      throw .tree(error)
    } catch let error as CryptoError {
      throw .crypto(error)
    } catch {
      throw .crypto(.library("encoding"))
    }
  }

  /// Merges an UpdatePath's public part into the tree. RFC 9420 §7.5 ("merges UpdatePath into
  /// the tree").
  ///
  /// Blanks the sender's direct path, installs the new keys on its filtered direct path with
  /// empty unmerged lists, recomputes parent hashes root to leaf, checks the new leaf carries
  /// the parent hash of the first node, and sets the leaf. On error `tree` is unchanged.
  public static func merge(
    _ path: UpdatePath, from sender: LeafIndex, into tree: inout PublicRatchetTree,
    provider: CipherSuiteProvider
  ) throws(TreeKEMError) {
    guard tree.leafNode(at: sender) != nil else { throw .invalidSender(sender) }
    guard case .commit(let parentHash) = path.leafNode.source else {
      throw .leafNodeSourceNotCommit
    }
    var candidate = tree
    let expected = try mapErrors {
      try candidate.mergePath(
        from: sender, encryptionKeys: path.nodes.map(\.encryptionKey), using: provider.hash)
    }
    guard expected == parentHash else { throw .parentHashMismatch }
    try mapErrors { try candidate.setNode(.leaf(path.leafNode), at: sender.nodeIndex) }
    tree = candidate
  }

  /// What a receiver learns from an UpdatePath.
  public struct DecryptedPath: Sendable {
    /// The node whose path secret was decrypted: the lowest common ancestor of sender and
    /// receiver.
    public let node: NodeIndex
    /// The decrypted path secret of `node`.
    public let pathSecret: SecretBytes
    /// The commit secret: one DeriveSecret step past the root's path secret (§8).
    public let commitSecret: SecretBytes
  }

  /// Decrypts an UpdatePath already merged into `tree` and derives the keys above it.
  /// RFC 9420 §7.5 ("decrypts the path secrets").
  ///
  /// `groupContext` is the serialized provisional GroupContext (its tree hash reflects the
  /// merged path); `newLeaves` are leaves added by the same commit, which receive nothing.
  /// The receiver's state changes only when every derived public key matches the path.
  public static func decrypt(
    _ path: UpdatePath, from sender: LeafIndex, tree: PublicRatchetTree,
    state: inout TreeKEMPrivateState, groupContext: [UInt8], newLeaves: [LeafIndex] = [],
    provider: CipherSuiteProvider
  ) throws(TreeKEMError) -> DecryptedPath {
    guard state.leaf != sender else { throw .receiverIsSender }
    let steps = tree.filteredDirectPathWithCopath(of: sender)
    guard steps.count == path.nodes.count else {
      throw .pathLengthMismatch(expected: steps.count, actual: path.nodes.count)
    }
    guard
      let position = steps.firstIndex(where: {
        tree.isInSubtree(state.leaf.nodeIndex, of: $0.copathChild)
      })
    else { throw .receiverNotCovered(state.leaf) }
    let step = steps[position]
    let resolution = copathResolution(of: step.copathChild, in: tree, excluding: newLeaves)
    let ciphertexts = path.nodes[position].encryptedPathSecret
    guard ciphertexts.count == resolution.count else {
      throw .ciphertextCountMismatch(
        node: step.parent, expected: resolution.count, actual: ciphertexts.count)
    }
    guard
      let slot = resolution.firstIndex(where: { state.privateKey(at: $0) != nil }),
      let privateKey = state.privateKey(at: resolution[slot])
    else { throw .noPrivateKeyInResolution(step.copathChild) }
    let ciphertext = ciphertexts[slot]
    let pathSecret: SecretBytes
    do {
      pathSecret = SecretBytes(
        try provider.decryptWithLabel(
          privateKey: privateKey, label: updatePathNodeLabel, context: groupContext,
          kemOutput: ciphertext.kemOutput, ciphertext: ciphertext.ciphertext))
    } catch {
      throw .crypto(error)
    }
    var updated = state
    updated.forget(tree.math.directPath(sender.nodeIndex))
    let commitSecret = try updated.installPathSecret(
      pathSecret, at: step.parent, tree: tree, provider: provider)
    state = updated
    return DecryptedPath(node: step.parent, pathSecret: pathSecret, commitSecret: commitSecret)
  }

  /// The resolution of a copath node without the leaves added in the same commit. §7.6.
  static func copathResolution(
    of node: NodeIndex, in tree: PublicRatchetTree, excluding newLeaves: [LeafIndex]
  ) -> [NodeIndex] {
    let resolution = tree.resolution(of: node)
    guard !newLeaves.isEmpty else { return resolution }
    return resolution.filter { index in
      guard let leaf = index.leafIndex else { return true }
      return !newLeaves.contains(leaf)
    }
  }
}

extension TreeKEMPrivateState {
  /// Installs a path secret at `node` and derives the secrets of the non-blank nodes above it,
  /// checking each derived public key against the tree. Returns the commit secret.
  /// RFC 9420 §7.5 steps 4-7, §12.4.3.1 (joining with `path_secret`).
  ///
  /// Once a path is merged, the non-blank ancestors of a node of the committer's filtered
  /// direct path are exactly the rest of that path, so the chain follows them.
  public mutating func installPathSecret(
    _ pathSecret: SecretBytes, at node: NodeIndex, tree: PublicRatchetTree,
    provider: CipherSuiteProvider
  ) throws(TreeKEMError) -> SecretBytes {
    var chain = [node]
    chain.append(contentsOf: tree.math.directPath(node).filter { !tree.isBlank($0) })
    var updated = self
    var secret = pathSecret
    for index in chain {
      guard let expected = tree.encryptionKey(at: index) else {
        throw .tree(.nodeOutOfRange(index))
      }
      let publicKey: [UInt8]
      do {
        publicKey = try updated.setPathSecret(secret, at: index, provider: provider)
        secret = try TreeKEM.nextPathSecret(secret, provider: provider)
      } catch {
        throw .crypto(error)
      }
      guard publicKey == expected else { throw .publicKeyMismatch(index) }
    }
    self = updated
    return secret
  }
}
