import MLSCodec
import MLSCrypto

extension GroupState {
  /// The wire format of own handshake messages, from the options.
  var handshakeWireFormat: WireFormat {
    options.encryptHandshakeMessages ? .privateMessage : .publicMessage
  }

  /// Signs and frames own content in the current epoch. RFC 9420 §6.
  ///
  /// Consumes a key of the own secret-tree ratchet for PrivateMessages; the returned
  /// AuthenticatedContent is what the proposal reference and transcript hash cover.
  mutating func frame(
    _ body: MessageContent, wireFormat: WireFormat, authenticatedData: [UInt8],
    confirmationTag: (FramedContent, FramedContentAuthData, _ encodedContent: [UInt8])
      throws(GroupError) -> [UInt8]? = { _, _, _ in nil }
  ) throws(GroupError) -> (message: MLSMessage, authenticated: AuthenticatedContent) {
    let content = FramedContent(
      groupID: groupContext.groupID, epoch: groupContext.epoch, sender: .member(ownLeafIndex),
      authenticatedData: authenticatedData, content: body)
    // Encoded once for the signature, the membership tag and (a commit) the transcript hash.
    let encodedContent = try GroupCodec.encode(content, "FramedContent")
    var auth = try GroupError.wrap {
      try Framing.sign(
        content: content, encodedContent: encodedContent, wireFormat: wireFormat,
        groupContext: groupContext, signaturePrivateKey: signaturePrivateKey,
        provider: provider)
    }
    auth.confirmationTag = try confirmationTag(content, auth, encodedContent)
    let authenticated = AuthenticatedContent(wireFormat: wireFormat, content: content, auth: auth)
    let body: MLSMessage.Body
    switch wireFormat {
    case .privateMessage:
      var keys = framingKeys
      let sealed = try GroupError.wrap {
        try Framing.protectPrivate(
          authenticated, keys: &keys, padding: options.padding, provider: provider)
      }
      framingKeys = keys
      body = .privateMessage(sealed)
    default:
      let keys = framingKeys
      let message = try GroupError.wrap {
        try Framing.protectPublic(
          authenticated, encodedContent: encodedContent, groupContext: keys.groupContext,
          membershipKey: keys.membershipKey, provider: provider)
      }
      body = .publicMessage(message)
    }
    return (MLSMessage(version: groupContext.version, body: body), authenticated)
  }

  /// Sends a proposal by reference: signs, frames and caches it for the next commit.
  /// RFC 9420 §12.1, §12.4.
  ///
  /// Update proposals are made with `proposeUpdate`, which keeps the new leaf's private key.
  public mutating func propose(
    _ proposal: Proposal, authenticatedData: [UInt8] = []
  ) throws(GroupError) -> MLSMessage {
    guard isActive else { throw .notActive }
    if case .update = proposal { throw .invalidArgument("use proposeUpdate") }
    try validateReceivedProposal(proposal, sender: .member(ownLeafIndex))
    var next = self
    let framed = try next.frame(
      .proposal(proposal), wireFormat: handshakeWireFormat, authenticatedData: authenticatedData)
    let reference = try GroupCodec.proposalRef(framed.authenticated, provider: provider)
    next.proposalCache.append(
      CachedProposal(reference: reference, proposal: proposal, sender: .member(ownLeafIndex)))
    self = next
    return framed.message
  }

  /// Proposes a fresh own leaf (new encryption key, same credential and capabilities unless
  /// given). RFC 9420 §12.1.2.
  public mutating func proposeUpdate(
    capabilities: Capabilities? = nil, extensions: [Extension]? = nil,
    authenticatedData: [UInt8] = []
  ) throws(GroupError) -> MLSMessage {
    guard isActive else { throw .notActive }
    guard var leaf = tree.leafNode(at: ownLeafIndex) else { throw .unknownSender }
    let keyPair = try GroupError.wrap { try provider.generateKEMKeyPair() }
    leaf.encryptionKey = keyPair.publicKey
    leaf.source = .update
    if let capabilities { leaf.capabilities = capabilities }
    if let extensions { leaf.extensions = extensions }
    let signingKey = signaturePrivateKey
    let groupID = groupContext.groupID
    let index = ownLeafIndex
    try GroupError.wrap {
      try leaf.sign(privateKey: signingKey, groupID: groupID, leafIndex: index, provider: provider)
    }
    let proposal = Proposal.update(Update(leafNode: leaf))
    var next = self
    let framed = try next.frame(
      .proposal(proposal), wireFormat: handshakeWireFormat, authenticatedData: authenticatedData)
    let reference = try GroupCodec.proposalRef(framed.authenticated, provider: provider)
    next.proposalCache.append(
      CachedProposal(reference: reference, proposal: proposal, sender: .member(ownLeafIndex)))
    next.pendingUpdateKeys[keyPair.publicKey] = keyPair.privateKey
    self = next
    return framed.message
  }

  /// The checks of RFC 9420 §12.1 a proposal must pass when received (or sent) on its own;
  /// the list rules of §12.2 are checked again when it is committed.
  func validateReceivedProposal(_ proposal: Proposal, sender: Sender) throws(GroupError) {
    switch proposal {
    case .add(let add):
      _ = try validateKeyPackage(add.keyPackage, tree: tree, extensions: groupContext.extensions)
    case .update(let update):
      guard case .member(let leaf) = sender else {
        throw .invalidProposalList(.updateFromNonMember)
      }
      try validateUpdate(update, sender: leaf, tree: tree, extensions: groupContext.extensions)
    case .remove(let remove):
      guard tree.math.contains(remove.removed), tree.leafNode(at: remove.removed) != nil else {
        throw .invalidProposalList(.removeOfBlankLeaf(remove.removed.rawValue))
      }
    case .preSharedKey(let psk):
      try validatePSKProposal(psk.psk)
    case .reInit(let reinit):
      guard reinit.version.rawValue >= groupContext.version.rawValue else {
        throw .invalidProposalList(.reinitVersionDowngrade)
      }
    case .externalInit:
      throw .invalidProposalList(.externalInitInRegularCommit)
    case .groupContextExtensions(let body):
      try checkGroupContextExtensions(body.extensions, tree: tree)
    }
  }
}
