import MLSCodec
import MLSCrypto

extension GroupState {
  /// Creates a one-member group in epoch 0. RFC 9420 §11.
  ///
  /// The creator's leaf comes from its own KeyPackage (source key_package). The first epoch's
  /// `epoch_secret` is random; both transcript hashes start empty, and the interim hash is
  /// computed from a confirmation tag over the empty confirmed transcript hash (§8.2).
  ///
  /// - Parameters:
  ///   - leafNode: the creator's leaf; `encryptionPrivateKey` and `signaturePrivateKey` are
  ///     its private keys.
  public static func create(
    groupID: [UInt8], cipherSuite: CipherSuite, leafNode: LeafNode,
    encryptionPrivateKey: SecretBytes, signaturePrivateKey: SecretBytes,
    extensions: [Extension] = [], options: GroupOptions = GroupOptions()
  ) throws(GroupError) -> GroupState {
    let provider = try GroupError.wrap { try CipherSuiteProvider(cipherSuite) }
    let ownKey = try GroupError.wrap { try provider.signaturePublicKey(for: signaturePrivateKey) }
    guard ownKey == leafNode.signatureKey else { throw .invalidArgument("signature key") }
    let encryptionKey = try GroupError.wrap { try provider.kemPublicKey(for: encryptionPrivateKey) }
    guard encryptionKey == leafNode.encryptionKey else { throw .invalidArgument("encryption key") }
    var tree = PublicRatchetTree(firstLeaf: leafNode)
    let treeHash = try GroupError.wrap { try tree.rootTreeHash(using: provider.hash) }
    let context = GroupContext(
      cipherSuite: cipherSuite, groupID: groupID, epoch: 0, treeHash: treeHash,
      confirmedTranscriptHash: [], extensions: extensions)
    let schedule = KeySchedule(provider: provider)
    let secrets = try GroupError.wrap {
      let epochSecret = try SecureRandom.secret(provider.hashLength)
      return try schedule.epochSecrets(epochSecret: epochSecret)
    }
    let tag = try GroupError.wrap {
      try ConfirmationTag.compute(
        provider: provider, confirmationKey: secrets.confirmationKey, confirmedTranscriptHash: [])
    }
    let interim = try GroupError.wrap {
      try TranscriptHashes.interim(provider: provider, confirmed: [], confirmationTag: tag)
    }
    let framingKeys = try GroupError.wrap {
      try FramingKeys(
        groupContext: context, epochSecrets: secrets, leafCount: tree.leafCount,
        configuration: options.secretTree)
    }
    var state = GroupState(
      provider: provider, options: options, groupContext: context, tree: tree,
      privateTree: TreeKEMPrivateState(leaf: LeafIndex(0), leafPrivateKey: encryptionPrivateKey),
      signaturePrivateKey: signaturePrivateKey, epochSecrets: secrets, framingKeys: framingKeys,
      interimTranscriptHash: interim, confirmationTag: tag)
    try state.checkInitialExtensions()
    state.recordResumptionPSK()
    return state
  }

  /// The creator's own leaf must support the extensions it puts in the GroupContext. §11.
  func checkInitialExtensions() throws(GroupError) {
    try checkGroupContextExtensions(groupContext.extensions, tree: tree)
  }

  /// A signed GroupInfo for the current epoch. RFC 9420 §12.4.3.
  ///
  /// With `includeRatchetTree` the tree travels in a `ratchet_tree` extension (§12.4.3.3);
  /// with the option `externalPubInGroupInfo` the `external_pub` extension lets non-members
  /// join by external commit (§12.4.3.2).
  public func groupInfo(includeRatchetTree: Bool = true) throws(GroupError) -> GroupInfo {
    var extensions: [Extension] = []
    if includeRatchetTree {
      extensions.append(try GroupError.wrap { try Extension(tree.wireForm) })
    }
    if options.externalPubInGroupInfo {
      let key = try GroupError.wrap { try epochSecrets.externalPublicKey() }
      extensions.append(try GroupError.wrap { try Extension(ExternalPub(externalPub: key)) })
    }
    var info = GroupInfo(
      groupContext: groupContext, extensions: extensions, confirmationTag: confirmationTag,
      signer: ownLeafIndex, signature: [])
    let tbs = try GroupCodec.encode(info.toBeSigned, "GroupInfoTBS")
    info.signature = try GroupError.wrap {
      try provider.signWithLabel(
        privateKey: signaturePrivateKey, label: "GroupInfoTBS", content: tbs)
    }
    return info
  }
}
