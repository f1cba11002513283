import MLSCodec
import MLSCrypto

/// Persistence of a member's complete group state, for encrypted storage by the application.
///
///     struct {
///       uint16 format = 1;
///       CipherSuite cipher_suite;
///       GroupContext group_context;
///       RatchetTree tree;                                   // public tree (RFC 9420 §7)
///       uint32 own_leaf;
///       struct { uint32 node; opaque private_key<V>; } path_keys<V>;   // §7.4
///       opaque signature_private_key<V>;
///       opaque epoch_secrets<V>[9];                         // §8: sender_data .. init
///       StoredSecretTree secret_tree;                       // §9, with consumed keys gone
///       opaque interim_transcript_hash<V>; opaque confirmation_tag<V>;
///       struct { opaque ref<V>; Proposal proposal; Sender sender; } proposals<V>;  // §12.4
///       struct { uint64 epoch; opaque psk<V>; } resumption_psks<V>;    // §8.6
///       struct { opaque id<V>; opaque psk<V>; } external_psks<V>;      // §8.4
///       struct { opaque group_id<V>; uint64 epoch; opaque psk<V>; } other_resumption_psks<V>;
///       struct { opaque public_key<V>; opaque private_key<V>; } update_keys<V>;  // §12.1.2
///       bool is_active;
///       optional<ReInit> pending_reinit;
///     } StoredGroupState;
///
/// The options (clock, authentication service, policies) are the application's, not state:
/// they are given again when loading. A pending own commit is not stored: merge or discard it
/// first. Decoding checks every length against the suite and the tree's structure, and that
/// the private keys match the public tree, so damaged input fails with a typed error.
extension GroupState {
  static let storedFormat: UInt16 = 1

  /// The stored form of this state.
  public func serializedState() throws(GroupError) -> [UInt8] {
    guard pendingCommit == nil else { throw .commitPending }
    var writer = TLSWriter(reservingCapacity: 4096)
    do {
      try encodeState(to: &writer)
    } catch {
      throw .malformed("stored group state")
    }
    return writer.bytes
  }

  private func encodeState(to writer: inout TLSWriter) throws {
    writer.write(Self.storedFormat)
    try writer.write(groupContext.cipherSuite)
    try writer.write(groupContext)
    try writer.write(tree.wireForm)
    writer.write(privateTree.leaf.rawValue)
    try writer.writeVector { (inner: inout TLSWriter) throws in
      for (node, key) in privateTree.privateKeys.sorted(by: { $0.key < $1.key }) {
        inner.write(node.rawValue)
        try inner.writeSecret(key)
      }
    }
    try writer.writeSecret(signaturePrivateKey)
    for secret in epochSecrets.storedSecrets { try writer.writeSecret(secret) }
    try framingKeys.secretTree.encodeState(to: &writer)
    try writer.writeOpaque(interimTranscriptHash)
    try writer.writeOpaque(confirmationTag)
    try writer.writeVector { (inner: inout TLSWriter) throws in
      for cached in proposalCache {
        try inner.writeOpaque(cached.reference)
        try inner.write(cached.proposal)
        try inner.write(cached.sender)
      }
    }
    try writer.writeVector { (inner: inout TLSWriter) throws in
      for (epoch, psk) in resumptionPSKs.sorted(by: { $0.key < $1.key }) {
        inner.write(epoch)
        try inner.writeSecret(psk)
      }
    }
    try writer.writeVector { (inner: inout TLSWriter) throws in
      for (id, psk) in psks.external.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
        try inner.writeOpaque(id)
        try inner.writeSecret(psk)
      }
    }
    try writer.writeVector { (inner: inout TLSWriter) throws in
      for (key, psk) in psks.resumption {
        try inner.writeOpaque(key.groupID)
        inner.write(key.epoch)
        try inner.writeSecret(psk)
      }
    }
    try writer.writeVector { (inner: inout TLSWriter) throws in
      for (publicKey, privateKey) in pendingUpdateKeys.sorted(by: {
        $0.key.lexicographicallyPrecedes($1.key)
      }) {
        try inner.writeOpaque(publicKey)
        try inner.writeSecret(privateKey)
      }
    }
    writer.write(isActive)
    try writer.writeOptional(pendingReInit)
  }

  /// Restores a state stored by `serializedState()`, with the application's `options`.
  public init(serializedState bytes: [UInt8], options: GroupOptions) throws(GroupError) {
    var reader = TLSReader(bytes)
    do {
      self = try Self.decodeState(from: &reader, options: options)
      try reader.finish()
    } catch let error as GroupError {
      throw error
    } catch let error as StoredStateError {
      throw .malformed("stored state: \(error.field)")
    } catch {
      throw .malformed("stored state: \(String(describing: type(of: error)))")
    }
  }

  private static func decodeState(
    from reader: inout TLSReader, options: GroupOptions
  ) throws -> GroupState {
    guard try reader.readUInt16() == storedFormat else { throw StoredStateError("format") }
    let suite: CipherSuite = try reader.read()
    let provider = try CipherSuiteProvider(suite)
    let context: GroupContext = try reader.read()
    guard context.cipherSuite == suite else { throw StoredStateError("cipher suite") }
    var tree = try PublicRatchetTree(try reader.read(RatchetTree.self))
    let treeHash = try tree.rootTreeHash(using: provider.hash)
    guard treeHash == context.treeHash else { throw StoredStateError("tree hash") }
    let privateTree = try decodePrivateTree(from: &reader, tree: tree, provider: provider)
    let signatureKey = try reader.readOpaque()
    guard let ownLeaf = tree.leafNode(at: privateTree.leaf),
      try provider.signaturePublicKey(for: SecretBytes(signatureKey)) == ownLeaf.signatureKey
    else { throw StoredStateError("signature key") }
    var secrets: [SecretBytes] = []
    for _ in 0..<EpochSecrets.storedCount {
      secrets.append(try reader.readSecret(length: provider.hashLength, "epoch secret"))
    }
    let epochSecrets = EpochSecrets(provider: provider, stored: secrets)
    let secretTree = try SecretTree.decodeState(
      from: &reader, provider: provider, configuration: options.secretTree,
      expectedLeafCount: tree.leafCount)
    let framingKeys = FramingKeys(
      groupContext: context, membershipKey: epochSecrets.membershipKey,
      senderDataSecret: epochSecrets.senderDataSecret, secretTree: secretTree)
    let interim = try reader.readOpaque()
    let tag = try reader.readOpaque()
    guard interim.count == provider.hashLength, tag.count == provider.hashLength else {
      throw StoredStateError("transcript")
    }
    var state = GroupState(
      provider: provider, options: options, groupContext: context, tree: tree,
      privateTree: privateTree, signaturePrivateKey: SecretBytes(signatureKey),
      epochSecrets: epochSecrets, framingKeys: framingKeys, interimTranscriptHash: interim,
      confirmationTag: tag)
    try state.decodeCaches(from: &reader, provider: provider)
    return state
  }

  private static func decodePrivateTree(
    from reader: inout TLSReader, tree: PublicRatchetTree, provider: CipherSuiteProvider
  ) throws -> TreeKEMPrivateState {
    let leaf = LeafIndex(try reader.readUInt32())
    guard tree.math.contains(leaf), tree.leafNode(at: leaf) != nil else {
      throw StoredStateError("own leaf")
    }
    let keys = try reader.readVector { (inner: inout TLSReader) throws in
      (NodeIndex(rawValue: try inner.readUInt32()), SecretBytes(try inner.readOpaque()))
    }
    guard let leafKey = keys.first(where: { $0.0 == leaf.nodeIndex })?.1 else {
      throw StoredStateError("own leaf key")
    }
    var privateTree = TreeKEMPrivateState(leaf: leaf, leafPrivateKey: leafKey)
    for (node, key) in keys where node != leaf.nodeIndex {
      guard privateTree.privateKey(at: node) == nil else { throw StoredStateError("path keys") }
      privateTree.setPrivateKey(key, at: node)
    }
    guard privateTree.privateKeys.count == keys.count else { throw StoredStateError("path keys") }
    try privateTree.verifyConsistent(with: tree, provider: provider)
    return privateTree
  }

  private mutating func decodeCaches(
    from reader: inout TLSReader, provider: CipherSuiteProvider
  ) throws {
    proposalCache = try reader.readVector { (inner: inout TLSReader) throws in
      let reference = try inner.readOpaque()
      let proposal: Proposal = try inner.read()
      let sender: Sender = try inner.read()
      return CachedProposal(reference: reference, proposal: proposal, sender: sender)
    }
    let resumption = try reader.readVector { (inner: inout TLSReader) throws in
      (try inner.readUInt64(), try inner.readSecret(length: provider.hashLength, "resumption"))
    }
    resumptionPSKs = Dictionary(resumption, uniquingKeysWith: { first, _ in first })
    let external = try reader.readVector { (inner: inout TLSReader) throws in
      (try inner.readOpaque(), SecretBytes(try inner.readOpaque()))
    }
    for (id, psk) in external { psks.addExternal(pskID: id, psk: psk) }
    let others = try reader.readVector { (inner: inout TLSReader) throws in
      (try inner.readOpaque(), try inner.readUInt64(), SecretBytes(try inner.readOpaque()))
    }
    for (groupID, epoch, psk) in others {
      psks.addResumption(groupID: groupID, epoch: epoch, psk: psk)
    }
    let updates = try reader.readVector { (inner: inout TLSReader) throws in
      (try inner.readOpaque(), SecretBytes(try inner.readOpaque()))
    }
    pendingUpdateKeys = Dictionary(updates, uniquingKeysWith: { first, _ in first })
    isActive = try reader.readBool()
    pendingReInit = try reader.readOptional(of: ReInit.self)
  }
}

extension EpochSecrets {
  static let storedCount = 9

  /// The secrets in the stored order.
  var storedSecrets: [SecretBytes] {
    [
      senderDataSecret, encryptionSecret, exporterSecret, externalSecret, confirmationKey,
      membershipKey, resumptionPSK, epochAuthenticator, initSecret,
    ]
  }

  /// Rebuilds from `storedSecrets` (exactly `storedCount` entries, checked by the caller).
  init(provider: CipherSuiteProvider, stored: [SecretBytes]) {
    self.init(
      provider: provider, senderDataSecret: stored[0], encryptionSecret: stored[1],
      exporterSecret: stored[2], externalSecret: stored[3], confirmationKey: stored[4],
      membershipKey: stored[5], resumptionPSK: stored[6], epochAuthenticator: stored[7],
      initSecret: stored[8])
  }
}
