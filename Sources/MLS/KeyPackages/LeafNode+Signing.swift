import MLSCodec
import MLSCrypto

/// Leaf node signatures (RFC 9420 §7.2) and the leaves a member creates for Update proposals and
/// Commit paths.
///
/// The tree layer has its own `sign`/`verifySignature` for leaves already in a tree; these take
/// an optional group context so one entry point serves KeyPackage leaves too.
extension LeafNode {
  /// The SignWithLabel label over `LeafNodeTBS`. RFC 9420 §7.2.
  static let tbsLabel = "LeafNodeTBS"

  /// The encoded `LeafNodeTBS`. Update and commit sources need `groupID` and `leafIndex`.
  func encodedTBS(groupID: [UInt8]?, leafIndex: LeafIndex?) throws(CryptoError) -> [UInt8] {
    var writer = TLSWriter(reservingCapacity: 512)
    do {
      try encodeTBS(groupID: groupID, leafIndex: leafIndex, to: &writer)
      return writer.bytes
    } catch {
      throw .invalidLength("LeafNodeTBS (update and commit leaves need group_id and leaf_index)")
    }
  }

  /// Sets `signature` to SignWithLabel(., "LeafNodeTBS", LeafNodeTBS). RFC 9420 §7.2.
  ///
  /// `groupID` and `leafIndex` bind update and commit leaves to their group and position; a
  /// KeyPackage leaf is signed before any group exists, so they are ignored for it.
  public mutating func signLeaf(
    privateKey: SecretBytes, provider: CipherSuiteProvider, groupID: [UInt8]? = nil,
    leafIndex: LeafIndex? = nil
  ) throws(CryptoError) {
    let content = try encodedTBS(groupID: groupID, leafIndex: leafIndex)
    signature = try provider.signWithLabel(
      privateKey: privateKey, label: Self.tbsLabel, content: content)
  }

  /// Verifies `signature` with the leaf's own `signature_key`. RFC 9420 §7.2, §7.3.
  ///
  /// Throws `.invalidSignature`, or `.invalidPublicKey` when the key is not one of the suite's.
  public func verifyLeafSignature(
    provider: CipherSuiteProvider, groupID: [UInt8]? = nil, leafIndex: LeafIndex? = nil
  ) throws(CryptoError) {
    let content = try encodedTBS(groupID: groupID, leafIndex: leafIndex)
    try provider.verifyWithLabel(
      publicKey: signatureKey, label: Self.tbsLabel, content: content, signature: signature)
  }

  /// A new leaf for an Update proposal (RFC 9420 §12.1.2): a fresh encryption key (§7.3 requires
  /// it to differ from the replaced one), source `update`, signed for `groupID` and `leafIndex`.
  ///
  /// Fields left nil are kept from `current`; the signature key is the public half of
  /// `signaturePrivateKey`, so a credential change may come with a new key.
  public static func updateLeaf(
    replacing current: LeafNode, signaturePrivateKey: SecretBytes,
    provider: CipherSuiteProvider, groupID: [UInt8], leafIndex: LeafIndex,
    credential: Credential? = nil, capabilities: Capabilities? = nil,
    extensions: [Extension]? = nil
  ) throws(CryptoError) -> (leafNode: LeafNode, encryptionPrivateKey: SecretBytes) {
    let encryption = try provider.generateKEMKeyPair()
    var leaf = LeafNode(
      encryptionKey: encryption.publicKey,
      signatureKey: try provider.signaturePublicKey(for: signaturePrivateKey),
      credential: credential ?? current.credential,
      capabilities: capabilities ?? current.capabilities, source: .update,
      extensions: extensions ?? current.extensions, signature: [])
    try leaf.signLeaf(
      privateKey: signaturePrivateKey, provider: provider, groupID: groupID, leafIndex: leafIndex)
    return (leaf, encryption.privateKey)
  }

  /// The committer's new leaf in an UpdatePath (RFC 9420 §7.5, §7.9): source `commit` with the
  /// parent hash, signed for `groupID` and `leafIndex`.
  ///
  /// The encryption key comes from the path secret (TreeKEM derives it), hence a parameter.
  public static func commitLeaf(
    replacing current: LeafNode, encryptionKey: [UInt8], parentHash: [UInt8],
    signaturePrivateKey: SecretBytes, provider: CipherSuiteProvider, groupID: [UInt8],
    leafIndex: LeafIndex, credential: Credential? = nil, capabilities: Capabilities? = nil,
    extensions: [Extension]? = nil
  ) throws(CryptoError) -> LeafNode {
    var leaf = LeafNode(
      encryptionKey: encryptionKey,
      signatureKey: try provider.signaturePublicKey(for: signaturePrivateKey),
      credential: credential ?? current.credential,
      capabilities: capabilities ?? current.capabilities,
      source: .commit(parentHash: parentHash), extensions: extensions ?? current.extensions,
      signature: [])
    try leaf.signLeaf(
      privateKey: signaturePrivateKey, provider: provider, groupID: groupID, leafIndex: leafIndex)
    return leaf
  }
}
