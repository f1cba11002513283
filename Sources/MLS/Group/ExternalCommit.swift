import MLSCodec
import MLSCrypto

extension GroupState {
  /// The HPKE exporter label of the external init secret. RFC 9420 §8.3.
  static let externalInitLabel = Array("MLS 1.0 external init secret".utf8)

  /// Joins a group by an external commit from its GroupInfo. RFC 9420 §12.4.3.2, §8.3.
  ///
  /// Checks the GroupInfo as a Welcome joiner would (tree integrity, signer's signature, every
  /// leaf), encapsulates an init secret to `external_pub`, takes the leftmost free leaf and
  /// commits ExternalInit (plus a Remove of `resyncRemoving`, plus PSKs by value) with a path.
  /// Returns the joiner's state in the new epoch and the commit to send; if the delivery
  /// service rejects the commit, drop the state.
  ///
  /// - Parameter leafNode: the joiner's leaf template: its credential, capabilities, signature
  ///   key and extensions are kept; encryption key, source and signature are replaced.
  public static func joinByExternalCommit(
    groupInfo: GroupInfo, ratchetTree: RatchetTree? = nil, leafNode: LeafNode,
    signaturePrivateKey: SecretBytes, resyncRemoving: LeafIndex? = nil,
    psks: [PreSharedKeyID] = [], pskStore: PSKStore = PSKStore(),
    authenticatedData: [UInt8] = [], options: GroupOptions = GroupOptions()
  ) throws(GroupError) -> (group: GroupState, commit: MLSMessage) {
    var observer = try observe(
      groupInfo: groupInfo, ratchetTree: ratchetTree, signaturePrivateKey: signaturePrivateKey,
      options: options)
    observer.psks = pskStore
    guard let externalPub = try? groupInfo.extensions.payload(ExternalPub.self) else {
      throw .invalidWelcome(.missingExternalPub)
    }
    let provider = observer.provider
    let exported = try GroupError.wrap {
      try provider.hpke.sendExport(
        recipientPublicKey: externalPub.externalPub, info: [],
        exporterContext: externalInitLabel, length: provider.hashLength)
    }
    var proposals: [Proposal] = [.externalInit(ExternalInit(kemOutput: exported.enc))]
    if let resyncRemoving { proposals.append(.remove(Remove(removed: resyncRemoving))) }
    proposals += psks.map { .preSharedKey(PreSharedKey(psk: $0)) }
    let resolved = proposals.map { ResolvedProposal(proposal: $0, sender: .newMemberCommit) }
    try observer.validateExternalProposalList(resolved)
    var applied = try observer.applyProposals(resolved)
    let pskSecret = try observer.pskSecret(try observer.pskInputs(applied.pskIDs))
    let ownLeaf = applied.tree.add(leafNode)
    let prepared = try GroupError.wrap {
      try TreeKEM.preparePath(
        tree: &applied.tree, sender: ownLeaf, leafNode: leafNode,
        signaturePrivateKey: signaturePrivateKey, groupID: groupInfo.groupContext.groupID,
        provider: provider)
    }
    let context = try observer.provisionalContext(
      tree: &applied.tree, extensions: applied.extensions)
    let path = try GroupError.wrap {
      try TreeKEM.encryptPath(
        prepared, tree: applied.tree, groupContext: context, provider: provider)
    }
    let commit = Commit(proposals: proposals.map { .proposal($0) }, path: path)
    let content = FramedContent(
      groupID: groupInfo.groupContext.groupID, epoch: groupInfo.groupContext.epoch,
      sender: .newMemberCommit, authenticatedData: authenticatedData, content: .commit(commit))
    var auth = try GroupError.wrap {
      try Framing.sign(
        content: content, wireFormat: .publicMessage, groupContext: groupInfo.groupContext,
        signaturePrivateKey: signaturePrivateKey, provider: provider)
    }
    let next = try observer.nextEpochState(
      tree: applied.tree, privateTree: prepared.privateState, extensions: applied.extensions,
      commitSecret: prepared.commitSecret, pskSecret: pskSecret, initSecret: exported.exported,
      wireFormat: .publicMessage, content: content, signature: auth.signature,
      receivedConfirmationTag: nil)
    auth.confirmationTag = next.state.confirmationTag
    let message = PublicMessage(content: content, auth: auth, membershipTag: nil)
    return (
      next.state, MLSMessage(version: groupInfo.groupContext.version, body: .publicMessage(message))
    )
  }

  /// The group as a non-member sees it from a GroupInfo: context, checked tree and transcript,
  /// but no epoch secrets (placeholders, never used: an external joiner only signs and runs
  /// the key schedule from its own init secret). RFC 9420 §12.4.3.2.
  static func observe(
    groupInfo: GroupInfo, ratchetTree: RatchetTree?, signaturePrivateKey: SecretBytes,
    options: GroupOptions
  ) throws(GroupError) -> GroupState {
    let context = groupInfo.groupContext
    let provider = try GroupError.wrap { try CipherSuiteProvider(context.cipherSuite) }
    let wireTree: RatchetTree
    if let fromInfo = try? groupInfo.extensions.payload(RatchetTree.self) {
      wireTree = fromInfo
    } else if let ratchetTree {
      wireTree = ratchetTree
    } else {
      throw .invalidWelcome(.missingRatchetTree)
    }
    try options.limits.checkTree(nodeCount: wireTree.nodes.count)
    var tree = try GroupError.wrap { try PublicRatchetTree(wireTree) }
    guard tree.math.contains(groupInfo.signer), let signer = tree.leafNode(at: groupInfo.signer)
    else { throw .invalidWelcome(.signerNotInTree) }
    let tbs = try GroupCodec.encode(groupInfo.toBeSigned, "GroupInfoTBS")
    do {
      try provider.verifyWithLabel(
        publicKey: signer.signatureKey, label: "GroupInfoTBS", content: tbs,
        signature: groupInfo.signature)
    } catch {
      throw .invalidWelcome(.invalidGroupInfoSignature)
    }
    do {
      try tree.validate(
        groupID: context.groupID, expectedTreeHash: context.treeHash, provider: provider)
    } catch {
      throw .invalidWelcome(.invalidTree(error))
    }
    let placeholder = try GroupError.wrap {
      try KeySchedule(provider: provider).epochSecrets(
        epochSecret: try SecureRandom.secret(provider.hashLength))
    }
    return try GroupState(
      joining: groupInfo, provider: provider, options: options, tree: tree,
      privateTree: TreeKEMPrivateState(leaf: LeafIndex(0), leafPrivateKey: SecretBytes([])),
      signaturePrivateKey: signaturePrivateKey, epochSecrets: placeholder)
  }

  /// The proposal list rules of RFC 9420 §12.2 for an external commit: exactly one
  /// ExternalInit, at most one Remove, PreSharedKeys, nothing else.
  func validateExternalProposalList(_ proposals: [ResolvedProposal]) throws(GroupError) {
    var externalInits = 0
    var removes = 0
    var pskIDs: [PreSharedKeyID] = []
    for item in proposals {
      switch item.proposal {
      case .externalInit: externalInits += 1
      case .remove(let remove):
        removes += 1
        guard tree.math.contains(remove.removed), tree.leafNode(at: remove.removed) != nil else {
          throw .invalidProposalList(.removeOfBlankLeaf(remove.removed.rawValue))
        }
      case .preSharedKey(let psk):
        try validatePSKProposal(psk.psk)
        guard !pskIDs.contains(psk.psk) else { throw .invalidProposalList(.duplicatePSK) }
        pskIDs.append(psk.psk)
      case .add, .update, .reInit, .groupContextExtensions:
        throw .invalidProposalList(.invalidExternalCommitProposals)
      }
    }
    guard externalInits == 1, removes <= 1 else {
      throw .invalidProposalList(.invalidExternalCommitProposals)
    }
  }

  /// Validates an external commit and computes its epoch. RFC 9420 §12.4.2, §12.4.3.2.
  func stageExternalCommit(
    _ authenticated: AuthenticatedContent, commit: Commit
  ) throws(GroupError) -> StagedCommit {
    let content = authenticated.content
    guard let path = commit.path else { throw .invalidCommit(.pathRequired) }
    var resolved: [ResolvedProposal] = []
    for item in commit.proposals {
      guard case .proposal(let proposal) = item else { throw .invalidCommit(.invalidSender) }
      resolved.append(ResolvedProposal(proposal: proposal, sender: .newMemberCommit))
    }
    try validateExternalProposalList(resolved)
    var applied = try applyProposals(resolved)
    guard let externalInit = applied.externalInit else {
      throw .invalidProposalList(.invalidExternalCommitProposals)
    }
    let pskSecret = try pskSecret(try pskInputs(applied.pskIDs))
    let externalPrivate = try GroupError.wrap { try epochSecrets.externalKeyPair().privateKey }
    let initSecret = try GroupError.wrap {
      try provider.hpke.receiveExport(
        enc: externalInit.kemOutput, recipientPrivateKey: externalPrivate, info: [],
        exporterContext: Self.externalInitLabel, length: provider.hashLength)
    }
    let removesSelf = applied.removed.contains(ownLeafIndex)
    if removesSelf {
      var inactive = self
      inactive.isActive = false
      return StagedCommit(
        newState: inactive, fromEpoch: epoch, sender: content.sender,
        proposals: resolved.map(\.proposal), addedLeaves: [], removedLeaves: applied.removed,
        removesSelf: true, reinit: nil)
    }
    // The joiner takes the leftmost free leaf; its path leaf is then checked there (§7.3).
    let joiner = applied.tree.add(path.leafNode)
    try validatePath(path, committer: joiner, tree: applied.tree, extensions: applied.extensions)
    var newPrivate = privateTree
    newPrivate.forgetBlankNodes(in: applied.tree)
    try GroupError.wrap {
      try TreeKEM.merge(path, from: joiner, into: &applied.tree, provider: provider)
    }
    let context = try provisionalContext(tree: &applied.tree, extensions: applied.extensions)
    let decrypted = try GroupError.wrap {
      try TreeKEM.decrypt(
        path, from: joiner, tree: applied.tree, state: &newPrivate, groupContext: context,
        provider: provider)
    }
    let next = try nextEpochState(
      tree: applied.tree, privateTree: newPrivate, extensions: applied.extensions,
      commitSecret: decrypted.commitSecret, pskSecret: pskSecret, initSecret: initSecret,
      wireFormat: authenticated.wireFormat, content: content,
      signature: authenticated.auth.signature,
      receivedConfirmationTag: authenticated.auth.confirmationTag ?? [])
    return StagedCommit(
      newState: next.state, fromEpoch: epoch, sender: content.sender,
      proposals: resolved.map(\.proposal), addedLeaves: [joiner],
      removedLeaves: applied.removed, removesSelf: false, reinit: nil)
  }
}
