import MLS
import MLSCodec
import MLSCrypto

extension MLSHandle {
  /// Processes any incoming PublicMessage or PrivateMessage of the current epoch: application
  /// data, a proposal (checked against the authorization policy and cached), or a commit
  /// (checked, authorized and merged at once). RFC 9420 §6, §12.
  ///
  /// Refused, with the state unchanged: a message seen before (`replayDetected`), of another
  /// epoch (`epochMismatch`), that fails decryption (`cryptoError`), from a non-member or a
  /// member without the right (`unauthorized`).
  public func process(_ message: [UInt8]) throws(MLSError) -> ProcessedEvent {
    let policy = authorizationPolicy
    let config = config
    return try perform { (state, events) throws(MLSError) in
      try state.receive(
        message, applicationOnly: false, policy: policy, config: config, events: &events)
    }
  }

  /// Decrypts an application message; any other message is refused (`malformedMessage`) and
  /// leaves the state unchanged. The same checks as `process(_:)`.
  public func decrypt(_ message: [UInt8]) throws(MLSError) -> [UInt8] {
    let policy = authorizationPolicy
    let config = config
    let event = try perform { (state, events) throws(MLSError) in
      try state.receive(
        message, applicationOnly: true, policy: policy, config: config, events: &events)
    }
    guard case .application(_, let plaintext) = event else {
      throw .malformedMessage("not an application message")
    }
    return plaintext
  }
}

extension HandleState {
  /// RFC 9420 §6, §12.4.2, with the product's replay, epoch and authorization checks. Works on
  /// a copy of the group; assigns it (and records the message as seen) only on success.
  mutating func receive(
    _ bytes: [UInt8], applicationOnly: Bool, policy: any AuthorizationPolicy, config: MLSConfig,
    events: inout [MLSEvent]
  ) throws(MLSError) -> MLSHandle.ProcessedEvent {
    try MLSHandle.checkSize(bytes, config)
    guard group.isActive else { throw .notAMember }
    let digest = try HandleCodec.sha256(bytes)
    let identifier = try MessageIdentifier(digest: digest)
    if replay.contains(identifier) {
      // Counts the replay in the cache's statistics and throws `replayDetected`.
      try replay.record(identifier)
      throw .replayDetected
    }
    let message = try HandleCodec.decode(MLSMessage.self, bytes)
    let messageEpoch: UInt64
    switch message.body {
    case .publicMessage(let body):
      guard !applicationOnly else { throw .malformedMessage("not an application message") }
      messageEpoch = body.content.epoch
    case .privateMessage(let body):
      messageEpoch = body.epoch
    default:
      throw .malformedMessage("expected a PublicMessage or PrivateMessage")
    }
    // A late application message of a past epoch is read only when that epoch's keys are
    // retained (`MLSConfig.pastEpochRetention`); anything else from another epoch is refused.
    let retainedLate =
      messageEpoch < group.epoch && group.retainedEpochNumbers.contains(messageEpoch)
    guard messageEpoch == group.epoch || retainedLate else {
      throw .epochMismatch(expected: group.epoch, received: messageEpoch)
    }
    var next = group
    let processed = try HandleCodec.group { () throws(GroupError) in try next.process(message) }
    guard case .member(let senderLeaf) = processed.sender else {
      throw .unauthorized("sender is not a member")
    }
    let sender = reference(senderLeaf)
    let result: MLSHandle.ProcessedEvent
    switch processed.content {
    case .application(let data):
      try policy.authorize(.sendApplicationMessage, by: sender, in: group.groupContext)
      result = .application(sender: senderLeaf.rawValue, plaintext: data)
    case .proposal(let proposal, _):
      guard !applicationOnly else { throw .malformedMessage("not an application message") }
      try authorize(proposal, by: sender, policy: policy)
      result = .proposal(sender: senderLeaf.rawValue, proposal: proposal)
    case .commit(let staged):
      guard !applicationOnly else { throw .malformedMessage("not an application message") }
      result = try acceptCommit(
        staged, into: &next, sender: senderLeaf, policy: policy, events: &events)
    }
    try remember(digest)
    if case .application = result { counters.messagesReceived += 1 }
    group = next
    return result
  }

  /// Authorizes a staged commit and merges it into `next`. Proposals committed by reference
  /// were authorized against their own senders on receipt; the committer answers for those it
  /// adds by value and for its path (an update of its own leaf).
  mutating func acceptCommit(
    _ staged: StagedCommit, into next: inout GroupState, sender: LeafIndex,
    policy: any AuthorizationPolicy, events: inout [MLSEvent]
  ) throws(MLSError) -> MLSHandle.ProcessedEvent {
    let committer = reference(sender)
    var cached = group.pendingProposals
    for proposal in staged.proposals {
      if let position = cached.firstIndex(of: proposal) {
        cached.remove(at: position)
      } else {
        try authorize(proposal, by: committer, policy: policy)
      }
    }
    if let appPSK, !staged.addedLeaves.isEmpty, !appPSK.isInjected(by: staged.proposals) {
      throw .unauthorized("commit adds members without the application secret")
    }
    try HandleCodec.group { () throws(GroupError) in try next.merge(staged) }
    if staged.removesSelf {
      events.append(event(.memberRemoved(by: committer), member: ownReference))
      return .removedFromGroup(by: sender.rawValue)
    }
    let oldKey = group.tree.leafNode(at: sender)?.encryptionKey
    if next.tree.leafNode(at: sender)?.encryptionKey != oldKey {
      try policy.authorize(.update, by: committer, in: group.groupContext)
    }
    var after = self
    after.group = next
    events += after.transitionEvents(from: group, by: committer)
    return .commit(
      sender: sender.rawValue, epoch: next.epoch, added: staged.addedLeaves.map(\.rawValue),
      removed: staged.removedLeaves.map(\.rawValue))
  }
}
