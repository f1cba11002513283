import MLSCodec
import MLSCrypto

/// A commit fully checked and its next epoch computed, not yet applied. RFC 9420 §12.4.2.
///
/// Staging computes everything (proposals validated and applied, path decrypted, key schedule,
/// confirmation tag verified); `GroupState.merge(_:)` then swaps the new epoch in. Dropping a
/// staged commit leaves the group as it was.
public struct StagedCommit: Sendable {
  /// The state of the new epoch (or, when the commit removes this member, the old state marked
  /// inactive).
  let newState: GroupState
  /// The epoch the commit was sent in; merge refuses a staged commit of another epoch.
  let fromEpoch: UInt64
  public let sender: Sender
  /// The committed proposals, by value, in commit order.
  public let proposals: [Proposal]
  /// Leaves of the members the commit added.
  public let addedLeaves: [LeafIndex]
  /// Leaves of the members the commit removed.
  public let removedLeaves: [LeafIndex]
  /// Whether the commit removes this member (§12.4.2): after merge the group is inactive.
  public let removesSelf: Bool
  /// The ReInit the commit carried, if any: the group must not be used any more (§12.4.2).
  public let reinit: ReInit?

  /// The epoch the group will be in after merge.
  public var newEpoch: UInt64 { newState.epoch }
  /// The new epoch's authenticator (§8.7).
  public var epochAuthenticator: SecretBytes { newState.epochAuthenticator }
}

/// An own commit sent to the delivery service and not yet confirmed. RFC 9420 §12.4.1.
/// Indirect: a pending commit holds the next state, which is a GroupState itself.
indirect enum PendingCommit: Sendable {
  case staged(StagedCommit)

  var staged: StagedCommit {
    switch self {
    case .staged(let staged): staged
    }
  }
}

extension GroupState {
  /// Applies a staged commit: the new epoch replaces the current one. RFC 9420 §12.4.2.
  public mutating func merge(_ staged: StagedCommit) throws(GroupError) {
    guard staged.fromEpoch == epoch, staged.newState.groupID == groupID else {
      throw .wrongEpoch(expected: epoch, received: staged.fromEpoch)
    }
    var next = staged.newState
    carryRetainedEpochs(into: &next)
    self = next
  }

  /// Applies the own pending commit once the delivery service accepted it. RFC 9420 §12.4.1.
  public mutating func mergePendingCommit() throws(GroupError) {
    guard let pending = pendingCommit else { throw .noPendingCommit }
    try merge(pending.staged)
  }

  /// Drops the own pending commit (the delivery service rejected it).
  public mutating func discardPendingCommit() throws(GroupError) {
    guard pendingCommit != nil else { throw .noPendingCommit }
    pendingCommit = nil
  }

  /// The state of the epoch a commit starts. RFC 9420 §8, §8.2, §12.4.1, §12.4.2.
  ///
  /// `tree` is the final tree (proposals and path applied). The confirmed transcript hash
  /// covers the commit's content and signature; the key schedule runs from this epoch's
  /// `init_secret` (or an external one); a received confirmation tag is checked in constant
  /// time, a committer's computed.
  func nextEpochState(
    tree finalTree: PublicRatchetTree, privateTree newPrivate: TreeKEMPrivateState,
    extensions: [Extension], commitSecret: SecretBytes, pskSecret: SecretBytes?,
    initSecret: SecretBytes? = nil, wireFormat: WireFormat, content: FramedContent,
    signature: [UInt8], receivedConfirmationTag: [UInt8]?, encodedContent: [UInt8]? = nil
  ) throws(GroupError) -> (state: GroupState, material: EpochKeyMaterial) {
    var newTree = finalTree
    let treeHash = try GroupError.wrap { try newTree.rootTreeHash(using: provider.hash) }
    let input =
      if let encodedContent {
        try GroupCodec.confirmedTranscriptInput(
          wireFormat: wireFormat, encodedContent: encodedContent, signature: signature)
      } else {
        try GroupCodec.confirmedTranscriptInput(
          wireFormat: wireFormat, content: content, signature: signature)
      }
    let schedule = KeySchedule(provider: provider)
    let confirmed: [UInt8]
    let material: EpochKeyMaterial
    let tag: [UInt8]
    let interim: [UInt8]
    let newContext: GroupContext
    do {
      confirmed = try TranscriptHashes.confirmed(
        provider: provider, interimBefore: interimTranscriptHash, confirmedInput: input)
      newContext = GroupContext(
        version: groupContext.version, cipherSuite: groupContext.cipherSuite,
        groupID: groupContext.groupID, epoch: groupContext.epoch &+ 1, treeHash: treeHash,
        confirmedTranscriptHash: confirmed, extensions: extensions)
      material = try schedule.nextEpoch(
        initSecret: initSecret ?? epochSecrets.initSecret, commitSecret: commitSecret,
        pskSecret: pskSecret, groupContext: newContext)
      tag = try ConfirmationTag.compute(
        provider: provider, confirmationKey: material.secrets.confirmationKey,
        confirmedTranscriptHash: confirmed)
      if let receivedConfirmationTag {
        guard ConstantTime.equals(tag, receivedConfirmationTag) else {
          throw GroupError.invalidCommit(.confirmationTagMismatch)
        }
      }
      interim = try TranscriptHashes.interim(
        provider: provider, confirmed: confirmed, confirmationTag: tag)
    } catch let error as GroupError {
      throw error
    } catch let error as KeyScheduleError {
      throw .keySchedule(error)
    } catch {
      throw .malformed("key schedule")
    }
    var next = self
    next.groupContext = newContext
    next.tree = newTree
    next.privateTree = newPrivate
    next.epochSecrets = material.secrets
    next.framingKeys = try GroupError.wrap {
      try FramingKeys(
        groupContext: newContext, epochSecrets: material.secrets, leafCount: newTree.leafCount,
        configuration: options.secretTree)
    }
    next.interimTranscriptHash = interim
    next.confirmationTag = tag
    next.proposalCache = []
    next.pendingUpdateKeys = [:]
    next.pendingCommit = nil
    next.recordResumptionPSK()
    return (next, material)
  }

  /// After a ReInit commit the group must not send any more (§12.4.2): the state keeps the
  /// new epoch's secrets (for the reinit resumption PSK) but refuses to send or process.
  func endedByReInit(_ reinit: ReInit?) -> GroupState {
    guard let reinit else { return self }
    var ended = self
    ended.isActive = false
    ended.pendingReInit = reinit
    return ended
  }

  /// Keeps the current epoch's resumption PSK and forgets those beyond the history bound.
  mutating func recordResumptionPSK() {
    resumptionPSKs[epoch] = epochSecrets.resumptionPSK
    let limit = options.resumptionPSKHistory
    if resumptionPSKs.count > limit {
      for old in resumptionPSKs.keys.sorted().prefix(resumptionPSKs.count - limit) {
        resumptionPSKs[old] = nil
      }
    }
  }
}
