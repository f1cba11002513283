import MLSCodec
import MLSCrypto

/// What committing produces. RFC 9420 §12.4.1.
public struct CommitOutput: Sendable {
  /// The commit, framed for the current epoch, to send to the group.
  public let commit: MLSMessage
  /// A Welcome for the members the commit adds, if any (§12.4.3.1).
  public let welcome: MLSMessage?
  /// The signed GroupInfo of the new epoch carried by the Welcome (§12.4.3), when the commit
  /// adds members. Otherwise nil: signing a GroupInfo encodes the whole ratchet tree, too costly
  /// to do on every commit of a large group; after merging, `groupInfo(includeRatchetTree:)`
  /// makes one on demand (e.g. for external joiners).
  public let groupInfo: GroupInfo?
}

extension GroupState {
  /// Creates a commit of every proposal received in this epoch (by reference) and `proposals`
  /// (by value), with an UpdatePath when §12.4 requires one or `forcePath` asks for it.
  /// RFC 9420 §12.4.1.
  ///
  /// The new epoch is computed at once but kept pending: call `mergePendingCommit()` once the
  /// delivery service accepted the commit, or `discardPendingCommit()`. Own Update proposals
  /// are left out (§12.2 forbids committing them); a fresh path replaces them.
  public mutating func commit(
    proposals byValue: [Proposal] = [], forcePath: Bool = false, authenticatedData: [UInt8] = []
  ) throws(GroupError) -> CommitOutput {
    guard isActive else { throw .notActive }
    guard pendingCommit == nil else { throw .commitPending }
    let own = ownLeafIndex
    var items: [ProposalOrRef] = []
    var resolved: [ResolvedProposal] = []
    for cached in proposalCache {
      if case .update = cached.proposal, cached.sender == .member(own) { continue }
      items.append(.reference(cached.reference))
      resolved.append(ResolvedProposal(proposal: cached.proposal, sender: cached.sender))
    }
    for proposal in byValue {
      if case .update = proposal { throw .invalidProposalList(.updateByCommitter) }
      items.append(.proposal(proposal))
      resolved.append(ResolvedProposal(proposal: proposal, sender: .member(own)))
    }
    try validateProposalList(resolved, committer: own)
    var applied = try applyProposals(resolved)
    let inputs = try pskInputs(applied.pskIDs)
    let pskSecret = try pskSecret(inputs)
    let newLeaves = applied.added.map(\.leaf)

    var prepared: TreeKEM.PreparedPath?
    var path: UpdatePath?
    var newPrivate = privateTree
    var commitSecret = KeySchedule(provider: provider).zeroSecret
    if applied.pathRequired || forcePath {
      guard let template = applied.tree.leafNode(at: own) else { throw .unknownSender }
      let made = try GroupError.wrap {
        try TreeKEM.preparePath(
          tree: &applied.tree, sender: own, leafNode: template,
          signaturePrivateKey: signaturePrivateKey, groupID: groupContext.groupID,
          provider: provider)
      }
      let context = try provisionalContext(tree: &applied.tree, extensions: applied.extensions)
      path = try GroupError.wrap {
        try TreeKEM.encryptPath(
          made, tree: applied.tree, groupContext: context, newLeaves: newLeaves,
          provider: provider)
      }
      newPrivate = made.privateState
      commitSecret = made.commitSecret
      prepared = made
    } else {
      newPrivate.forgetBlankNodes(in: applied.tree)
    }

    let commit = Commit(proposals: items, path: path)
    let wireFormat = handshakeWireFormat
    var next: (state: GroupState, material: EpochKeyMaterial)?
    let finalTree = applied.tree
    let extensions = applied.extensions
    var sender = self
    let framed = try sender.frame(
      .commit(commit), wireFormat: wireFormat, authenticatedData: authenticatedData
    ) { (content, auth, encodedContent) throws(GroupError) -> [UInt8]? in
      let result = try nextEpochState(
        tree: finalTree, privateTree: newPrivate, extensions: extensions,
        commitSecret: commitSecret, pskSecret: pskSecret, wireFormat: wireFormat,
        content: content, signature: auth.signature, receivedConfirmationTag: nil,
        encodedContent: encodedContent)
      next = result
      return result.state.confirmationTag
    }
    guard let result = next else { throw .malformed("commit") }
    let newState = result.state.endedByReInit(applied.reinit)
    let material = result.material
    var welcome: MLSMessage?
    var groupInfo: GroupInfo?
    if !applied.added.isEmpty {
      let sealed = try newState.encryptedGroupInfo(
        includeRatchetTree: options.ratchetTreeInWelcome, welcomeSecret: material.welcomeSecret)
      groupInfo = sealed.info
      let made = try makeWelcome(
        encryptedGroupInfo: sealed.encrypted, welcomeContext: sealed.context, material: material,
        added: applied.added, prepared: prepared, pskIDs: applied.pskIDs, tree: finalTree)
      welcome = MLSMessage(version: groupContext.version, body: .welcome(made))
    }
    let staged = StagedCommit(
      newState: newState, fromEpoch: epoch, sender: .member(own),
      proposals: resolved.map(\.proposal), addedLeaves: newLeaves,
      removedLeaves: applied.removed, removesSelf: false, reinit: applied.reinit)
    sender.pendingCommit = .staged(staged)
    self = sender
    return CommitOutput(commit: framed.message, welcome: welcome, groupInfo: groupInfo)
  }

  /// The encoded provisional GroupContext: new epoch and tree hash, old confirmed transcript
  /// hash, new extensions. RFC 9420 §12.4.1, §12.4.2.
  func provisionalContext(
    tree: inout PublicRatchetTree, extensions: [Extension]
  ) throws(GroupError) -> [UInt8] {
    let treeHash = try GroupError.wrap { try tree.rootTreeHash(using: provider.hash) }
    let context = GroupContext(
      version: groupContext.version, cipherSuite: groupContext.cipherSuite,
      groupID: groupContext.groupID, epoch: groupContext.epoch &+ 1, treeHash: treeHash,
      confirmedTranscriptHash: groupContext.confirmedTranscriptHash, extensions: extensions)
    return try GroupCodec.encode(context, "GroupContext")
  }

  /// The signed GroupInfo of the new epoch encrypted for the Welcome with the welcome key and
  /// nonce, and the EncryptContext("Welcome", encrypted GroupInfo) its secrets are sealed
  /// with, hashed once. RFC 9420 §12.4.3.1, §12.4.3, §5.1.3.
  ///
  /// In a large group the GroupInfo carries the whole tree (~2 MiB at 10,000 members): its
  /// signature, its encryption and the hash of the ciphertext are each linear in it. When the
  /// scheme's signatures have a fixed length (EdDSA) the ciphertext's length is known before
  /// the signature exists, so one core signs the GroupInfoTBS while the other encrypts the
  /// same bytes and hashes the ciphertext behind the EncryptContext header; then the
  /// signature's encoding is encrypted, the tag appended and the hash finished. The bytes are
  /// those of signing, encoding, encrypting and hashing in sequence (the ECDSA path).
  func encryptedGroupInfo(includeRatchetTree: Bool, welcomeSecret: SecretBytes)
    throws(GroupError) -> (
      info: GroupInfo, encrypted: [UInt8], context: CipherSuiteProvider.PreparedEncryptContext
    )
  {
    let suite = provider
    let keyAndNonce = try GroupError.wrap {
      try KeySchedule(provider: suite).welcomeKeyAndNonce(welcomeSecret: welcomeSecret)
    }
    guard let signatureLength = suite.signatureScheme.fixedSignatureLength else {
      let signed = try signedGroupInfo(includeRatchetTree: includeRatchetTree)
      let encrypted = try GroupError.wrap {
        try suite.seal(
          key: keyAndNonce.key, nonce: keyAndNonce.nonce, aad: [], plaintext: signed.encoded)
      }
      let context = try GroupError.wrap {
        try suite.prepareEncryptContext(label: "Welcome", context: encrypted)
      }
      return (signed.info, encrypted, context)
    }
    let unsigned = try groupInfoToSign(includeRatchetTree: includeRatchetTree)
    let signContent = unsigned.signContent.bytes
    let headerLength = unsigned.headerLength
    let treeRange = unsigned.treeRange
    let encryptedLength =
      signContent.count - headerLength + TLSWriter.opaqueLength(signatureLength)
      + suite.aead.tagLength
    let scheme = suite.signatureScheme
    let signingKey = signaturePrivateKey
    let (signed, encrypting) = Parallel.both(
      inParallel: true,
      { () -> Result<[UInt8], CryptoError> in
        Result { () throws(CryptoError) -> [UInt8] in
          try Signature.sign(scheme, privateKey: signingKey, message: signContent)
        }
      },
      { () -> Result<WelcomeEncryption, CryptoError> in
        Result { () throws(CryptoError) -> WelcomeEncryption in
          let sealer = try AEADStreamingSealer(
            suite.aead, key: keyAndNonce.key, nonce: keyAndNonce.nonce)
          var encrypted: [UInt8] = []
          encrypted.reserveCapacity(encryptedLength)
          try sealer.update(signContent[headerLength...], appendingTo: &encrypted)
          let stream = try suite.streamEncryptContext(
            label: "Welcome", contextLength: encryptedLength)
          try stream.update(encrypted)
          // The GroupInfo's own copy of the tree, also off the signature's path.
          let tree = treeRange.map { Array(signContent[$0]) }
          return WelcomeEncryption(
            sealer: sealer, stream: stream, encrypted: encrypted, tree: tree)
        }
      })
    let signature = try GroupError.wrap { try signed.get() }
    var encryption = try GroupError.wrap { try encrypting.get() }
    guard signature.count == signatureLength else { throw .malformed("GroupInfo signature") }
    var info = unsigned.info
    if let tree = encryption.tree { info.extensions[0].extensionData = tree }
    info.signature = signature
    var tail = TLSWriter(reservingCapacity: TLSWriter.opaqueLength(signatureLength))
    try Self.encoding("GroupInfo") { try tail.writeOpaque(signature) }
    var encrypted = encryption.encrypted
    encryption.encrypted = []
    let mark = encrypted.count
    let context = try GroupError.wrap {
      try encryption.sealer.update(tail.bytes, appendingTo: &encrypted)
      try encryption.sealer.finish(appendingTo: &encrypted)
      try encryption.stream.update(Array(encrypted[mark...]))
      return try encryption.stream.finish()
    }
    guard encrypted.count == encryptedLength else { throw .malformed("encrypted GroupInfo") }
    return (info, encrypted, context)
  }

  /// The Welcome for the members a commit adds. RFC 9420 §12.4.3.1.
  ///
  /// The GroupInfo is encrypted once (`encryptedGroupInfo`); each new member gets the
  /// joiner secret, the path secret of its lowest common ancestor with the committer (when the
  /// commit has a path) and the PSK ids, sealed to its init key with the encrypted GroupInfo as
  /// context (`welcomeContext`, hashed once, not per member). The seals are independent, so
  /// they run in chunks on both cores; the first error in member order is thrown.
  func makeWelcome(
    encryptedGroupInfo encryptedInfo: [UInt8],
    welcomeContext: CipherSuiteProvider.PreparedEncryptContext, material: EpochKeyMaterial,
    added: [(leaf: LeafIndex, keyPackage: ValidatedKeyPackage)], prepared: TreeKEM.PreparedPath?,
    pskIDs: [PreSharedKeyID], tree: PublicRatchetTree
  ) throws(GroupError) -> Welcome {
    let ownNode = ownLeafIndex.nodeIndex
    let math = tree.math
    let suite = provider
    let joinerSecret = material.joinerSecret
    // One HPKE seal per new member, independent of each other: on both cores (§12.4.3.1).
    let sealed = Parallel.map(count: added.count) {
      (position: Int) -> Result<EncryptedGroupSecrets, GroupError> in
      let (leaf, validated) = added[position]
      var pathSecret: PathSecret?
      if let prepared {
        let ancestor = math.commonAncestor(ownNode, leaf.nodeIndex)
        if let step = prepared.steps.firstIndex(where: { $0.parent == ancestor }) {
          pathSecret = PathSecret(pathSecret: prepared.pathSecrets[step].revealed())
        }
      }
      let groupSecrets = GroupSecrets(
        joinerSecret: joinerSecret.revealed(), pathSecret: pathSecret, psks: pskIDs)
      do throws(GroupError) {
        let plaintext = try GroupCodec.encode(groupSecrets, "GroupSecrets")
        let ciphertext = try GroupError.wrap {
          try suite.encryptWithLabel(
            publicKey: validated.keyPackage.initKey, prepared: welcomeContext,
            plaintext: plaintext)
        }
        return .success(
          EncryptedGroupSecrets(
            newMember: validated.reference,
            encryptedGroupSecrets: HPKECiphertext(
              kemOutput: ciphertext.kemOutput, ciphertext: ciphertext.ciphertext)))
      } catch {
        return .failure(error)
      }
    }
    var secrets: [EncryptedGroupSecrets] = []
    secrets.reserveCapacity(sealed.count)
    for result in sealed {
      switch result {
      case .success(let entry): secrets.append(entry)
      case .failure(let error): throw error
      }
    }
    return Welcome(
      cipherSuite: groupContext.cipherSuite, secrets: secrets, encryptedGroupInfo: encryptedInfo)
  }
}

/// The GroupInfoTBS encrypted and hashed so far, with the streams to finish once the
/// signature is known. Handed from the worker to the caller, then used by the caller alone.
private struct WelcomeEncryption: Sendable {
  let sealer: AEADStreamingSealer
  let stream: CipherSuiteProvider.EncryptContextStream
  var encrypted: [UInt8]
  /// The `ratchet_tree` extension's data, copied out of the GroupInfoTBS.
  let tree: [UInt8]?
}
