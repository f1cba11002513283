import MLSCodec
import MLSCrypto

/// What a received handshake or application message carried. RFC 9420 §6, §12.
public enum ProcessedContent: Sendable {
  /// Application data, decrypted and authenticated.
  case application([UInt8])
  /// A proposal, validated and cached for a later commit under its reference (§12.4).
  case proposal(Proposal, reference: [UInt8])
  /// A commit, staged: call `merge(_:)` to enter the new epoch.
  case commit(StagedCommit)
}

/// A received message after unprotection and signature verification. RFC 9420 §6.
public struct ProcessedMessage: Sendable {
  public let sender: Sender
  public let authenticatedData: [UInt8]
  public let content: ProcessedContent
}

extension GroupState {
  /// Encrypts application data as a PrivateMessage. RFC 9420 §6.3.
  public mutating func encrypt(
    application data: [UInt8], authenticatedData: [UInt8] = []
  ) throws(GroupError) -> MLSMessage {
    guard isActive else { throw .notActive }
    guard proposalCache.isEmpty else { throw .commitRequired }
    let content = FramedContent(
      groupID: groupContext.groupID, epoch: groupContext.epoch, sender: .member(ownLeafIndex),
      authenticatedData: authenticatedData, content: .application(data))
    let auth = try GroupError.wrap {
      try Framing.sign(
        content: content, wireFormat: .privateMessage, groupContext: groupContext,
        signaturePrivateKey: signaturePrivateKey, provider: provider)
    }
    let authenticated = AuthenticatedContent(
      wireFormat: .privateMessage, content: content, auth: auth)
    // The secret tree is advanced in place: a copy of the state (or of the framing keys) would
    // make the ratchet dictionaries non-unique and copy them, O(senders), on every message.
    // A failure after the key was taken only skips that generation, never reuses it.
    let sealed = try GroupError.wrap {
      try Framing.protectPrivate(
        authenticated, keys: &framingKeys, padding: options.padding, provider: provider)
    }
    return MLSMessage(version: groupContext.version, body: .privateMessage(sealed))
  }

  /// Unprotects and authenticates a PublicMessage or PrivateMessage of the current epoch.
  /// RFC 9420 §6, §12.4.2.
  ///
  /// Application data and proposals update the state (a key consumed, a proposal cached);
  /// a commit does not: it comes back staged, for `merge(_:)`. On error the state is unchanged.
  public mutating func process(_ message: MLSMessage) throws(GroupError) -> ProcessedMessage {
    guard isActive else { throw .notActive }
    guard message.version == groupContext.version else {
      throw .unsupportedVersion(message.version.rawValue)
    }
    if case .privateMessage(let late) = message.body, late.groupID == groupID,
      late.epoch < epoch, let retained = retainedEpochs[late.epoch]
    {
      return try processRetained(late, retained)
    }
    if case .privateMessage(let private_) = message.body, private_.contentType == .application {
      return try processApplication(private_)
    }
    var keys = framingKeys
    let authenticated: AuthenticatedContent
    // The content is encoded once: the signature, the membership tag and (for a commit) the
    // transcript hash all cover it, and a commit with a path is large.
    let encodedContent: [UInt8]
    switch message.body {
    case .publicMessage(let public_):
      encodedContent = try GroupCodec.encode(public_.content, "FramedContent")
      authenticated = try GroupError.wrap {
        try Framing.unprotectPublic(
          public_, encodedContent: encodedContent, keys: keys, provider: provider)
      }
    case .privateMessage(let private_):
      let tree = self.tree
      authenticated = try GroupError.wrap {
        try Framing.unprotectPrivate(
          private_, keys: &keys, isMember: { tree.leafNode(at: $0) != nil }, provider: provider)
      }
      encodedContent = try GroupCodec.encode(authenticated.content, "FramedContent")
    default:
      throw .unexpectedWireFormat
    }
    let content = authenticated.content
    let signatureKey = try senderSignatureKey(content)
    try GroupError.wrap {
      try Framing.verifySignature(
        authenticated, encodedContent: encodedContent, groupContext: groupContext,
        signaturePublicKey: signatureKey, provider: provider)
    }
    switch content.content {
    case .application(let data):
      framingKeys = keys
      return ProcessedMessage(
        sender: content.sender, authenticatedData: content.authenticatedData,
        content: .application(data))
    case .proposal(let proposal):
      try validateReceivedProposal(proposal, sender: content.sender)
      try checkExternalProposal(proposal, sender: content.sender)
      let reference = try GroupCodec.proposalRef(authenticated, provider: provider)
      framingKeys = keys
      // A proposal seen twice (e.g. an own proposal echoed by the delivery service) is
      // cached once.
      if !proposalCache.contains(where: { $0.reference == reference }) {
        proposalCache.append(
          CachedProposal(reference: reference, proposal: proposal, sender: content.sender))
      }
      return ProcessedMessage(
        sender: content.sender, authenticatedData: content.authenticatedData,
        content: .proposal(proposal, reference: reference))
    case .commit(let commit):
      let staged = try stageCommit(authenticated, commit: commit, encodedContent: encodedContent)
      return ProcessedMessage(
        sender: content.sender, authenticatedData: content.authenticatedData,
        content: .commit(staged))
    }
  }

  /// Decrypts and authenticates application data of the current epoch. RFC 9420 §6.3.
  ///
  /// Works on the live framing keys: the signature is checked before the content key is
  /// consumed (`Framing.unprotectPrivate(_:keys:isMember:provider:authenticate:)`), so a refused
  /// message changes nothing, and no copy of the secret tree is made (a copy would make its
  /// ratchet dictionaries non-unique and duplicate them, O(senders), on every message).
  mutating func processApplication(_ message: PrivateMessage) throws(GroupError)
    -> ProcessedMessage
  {
    let tree = self.tree
    let context = groupContext
    let provider = self.provider
    let verify: (AuthenticatedContent) throws(FramingError) -> Void = {
      (authenticated) throws(FramingError) in
      // unprotectPrivate only yields member senders whose leaf `isMember` accepted.
      guard case .member(let leaf) = authenticated.content.sender else {
        throw .malformed("sender")
      }
      guard let sender = tree.leafNode(at: leaf) else {
        throw .senderLeafBlank(leaf: leaf.rawValue)
      }
      try Framing.verifySignature(
        authenticated, groupContext: context, signaturePublicKey: sender.signatureKey,
        provider: provider)
    }
    let authenticated = try GroupError.wrap {
      try Framing.unprotectPrivate(
        message, keys: &framingKeys, isMember: { tree.leafNode(at: $0) != nil },
        provider: provider, authenticate: verify)
    }
    let content = authenticated.content
    // The content was decoded as the header's content type, application.
    guard case .application(let data) = content.content else { throw .unknownSender }
    return ProcessedMessage(
      sender: content.sender, authenticatedData: content.authenticatedData,
      content: .application(data))
  }

  /// The key that signed a message: the sender's leaf, an external sender of the group's
  /// `external_senders` extension, or a new member's own key. RFC 9420 §6.1, §12.1.8.
  func senderSignatureKey(_ content: FramedContent) throws(GroupError) -> [UInt8] {
    switch content.sender {
    case .member(let leaf):
      guard let node = tree.leafNode(at: leaf) else { throw .unknownSender }
      return node.signatureKey
    case .external(let index):
      let senders = try? groupContext.extensions.payload(ExternalSenders.self)
      guard let senders, Int(index) < senders.senders.count else { throw .unknownSender }
      return senders.senders[Int(index)].signatureKey
    case .newMemberProposal:
      guard case .proposal(.add(let add)) = content.content else { throw .unsupportedSender }
      return add.keyPackage.leafNode.signatureKey
    case .newMemberCommit:
      guard case .commit(let commit) = content.content, let path = commit.path else {
        throw .unsupportedSender
      }
      return path.leafNode.signatureKey
    }
  }

  /// Which proposals senders outside the group may send. RFC 9420 §12.1.8.
  func checkExternalProposal(_ proposal: Proposal, sender: Sender) throws(GroupError) {
    switch (sender, proposal) {
    case (.member, _): return
    case (.newMemberProposal, .add): return
    case (.external, .add), (.external, .remove), (.external, .preSharedKey),
      (.external, .reInit), (.external, .groupContextExtensions):
      return
    default: throw .unsupportedSender
    }
  }

  /// Validates a received commit and computes its epoch without changing the state.
  /// RFC 9420 §12.4.2.
  func stageCommit(
    _ authenticated: AuthenticatedContent, commit: Commit, encodedContent: [UInt8]? = nil
  ) throws(GroupError) -> StagedCommit {
    let content = authenticated.content
    guard case .member(let committer) = content.sender else {
      if case .newMemberCommit = content.sender {
        return try stageExternalCommit(authenticated, commit: commit)
      }
      throw .invalidCommit(.invalidSender)
    }
    guard committer != ownLeafIndex else { throw .invalidCommit(.ownCommit) }
    let resolved = try resolve(commit.proposals, committer: content.sender)
    try validateProposalList(resolved, committer: committer)
    var applied = try applyProposals(resolved)
    guard commit.path != nil || !applied.pathRequired else {
      throw .invalidCommit(.pathRequired)
    }
    let inputs = try pskInputs(applied.pskIDs)
    let pskSecret = try pskSecret(inputs)
    let removesSelf = applied.removed.contains(ownLeafIndex)
    if removesSelf {
      var inactive = self
      inactive.isActive = false
      return StagedCommit(
        newState: inactive, fromEpoch: epoch, sender: content.sender,
        proposals: resolved.map(\.proposal), addedLeaves: applied.added.map(\.leaf),
        removedLeaves: applied.removed, removesSelf: true, reinit: applied.reinit)
    }
    var newPrivate = privateTree
    if let ownUpdate = applied.updated.first(where: { $0.leaf == ownLeafIndex }) {
      guard let key = pendingUpdateKeys[ownUpdate.node.encryptionKey] else {
        throw .invalidCommit(.unknownOwnUpdate)
      }
      newPrivate = TreeKEMPrivateState(leaf: ownLeafIndex, leafPrivateKey: key)
    }
    newPrivate.forgetBlankNodes(in: applied.tree)
    var commitSecret = KeySchedule(provider: provider).zeroSecret
    if let path = commit.path {
      try validatePath(
        path, committer: committer, tree: applied.tree, extensions: applied.extensions)
      try GroupError.wrap {
        try TreeKEM.merge(path, from: committer, into: &applied.tree, provider: provider)
      }
      let context = try provisionalContext(tree: &applied.tree, extensions: applied.extensions)
      let decrypted = try GroupError.wrap {
        try TreeKEM.decrypt(
          path, from: committer, tree: applied.tree, state: &newPrivate, groupContext: context,
          newLeaves: applied.added.map(\.leaf), provider: provider)
      }
      commitSecret = decrypted.commitSecret
    }
    let next = try nextEpochState(
      tree: applied.tree, privateTree: newPrivate, extensions: applied.extensions,
      commitSecret: commitSecret, pskSecret: pskSecret, wireFormat: authenticated.wireFormat,
      content: content, signature: authenticated.auth.signature,
      receivedConfirmationTag: authenticated.auth.confirmationTag ?? [],
      encodedContent: encodedContent)
    return StagedCommit(
      newState: next.state.endedByReInit(applied.reinit), fromEpoch: epoch, sender: content.sender,
      proposals: resolved.map(\.proposal), addedLeaves: applied.added.map(\.leaf),
      removedLeaves: applied.removed, removesSelf: false, reinit: applied.reinit)
  }

  /// The UpdatePath checks of RFC 9420 §12.4.2 before it is merged: a valid commit-source
  /// leaf (§7.3), a fresh encryption key, and no public key already in the new tree.
  func validatePath(
    _ path: UpdatePath, committer: LeafIndex, tree newTree: PublicRatchetTree,
    extensions: [Extension]
  ) throws(GroupError) {
    let role = LeafNodeRole.commit(leafIndex: committer, replacing: tree.leafNode(at: committer))
    let result = try validateLeafNode(
      path.leafNode, role: role, tree: newTree, extensions: extensions)
    if case .failure(let error) = result { throw .invalidCommit(.invalidPathLeaf(error)) }
    if let current = tree.leafNode(at: committer),
      current.encryptionKey == path.leafNode.encryptionKey
    {
      throw .invalidCommit(.pathLeafKeyNotFresh)
    }
    // The tree's key index answers in O(1); a set of every node's key made each commit O(N).
    var seen: Set<[UInt8]> = [path.leafNode.encryptionKey]
    for node in path.nodes {
      guard !newTree.keyIndex.containsEncryptionKey(node.encryptionKey),
        seen.insert(node.encryptionKey).inserted
      else { throw .invalidCommit(.pathKeyNotUnique) }
    }
  }
}
