/// The message keys of an epoch this member has left, kept so application messages that were
/// sent in it but arrive late can still be read. RFC 9420 §9.2 lets a member keep "the secret
/// tree of an older epoch" for this; §15.2 weighs it against forward secrecy.
///
/// Off by default (`GroupOptions.pastEpochRetention` = 0, strict epochs). Only application
/// messages are accepted from a retained epoch: handshake messages of a past epoch are stale by
/// definition. Each key is still deleted once used, and the oldest epoch is dropped when the
/// bound is reached.
struct RetainedEpoch: Sendable {
  /// The secret tree, sender-data secret and GroupContext of that epoch.
  var framingKeys: FramingKeys
  /// The tree of that epoch: who could send, and with which signature key.
  var tree: PublicRatchetTree
}

extension GroupState {
  /// The largest number of past epochs a member may keep keys for.
  public static let maximumPastEpochRetention = 64

  /// The epochs whose message keys are still held, oldest first.
  public var retainedEpochNumbers: [UInt64] { retainedEpochs.keys.sorted() }

  /// Carries the retained epochs over into `next`, adding this (current) epoch, within the
  /// configured bound. Called on merge: `self` is the epoch being left.
  func carryRetainedEpochs(into next: inout GroupState) {
    let bound = min(max(next.options.pastEpochRetention, 0), Self.maximumPastEpochRetention)
    guard bound > 0 else {
      next.retainedEpochs = [:]
      return
    }
    var kept = retainedEpochs
    kept[epoch] = RetainedEpoch(framingKeys: framingKeys, tree: tree)
    for old in kept.keys.sorted().dropLast(bound) {
      kept[old] = nil
    }
    next.retainedEpochs = kept
  }

  /// Decrypts an application message of a retained past epoch. RFC 9420 §6.3, §9.2.
  ///
  /// Framing, signature and sender checks are those of the current epoch, against the past
  /// epoch's keys, tree and GroupContext. On error nothing changes.
  mutating func processRetained(
    _ message: PrivateMessage, _ retained: RetainedEpoch
  ) throws(GroupError) -> ProcessedMessage {
    guard message.contentType == .application else {
      throw .wrongEpoch(expected: epoch, received: message.epoch)
    }
    var keys = retained.framingKeys
    let tree = retained.tree
    let authenticated = try GroupError.wrap {
      try Framing.unprotectPrivate(
        message, keys: &keys, isMember: { tree.leafNode(at: $0) != nil }, provider: provider)
    }
    let content = authenticated.content
    guard case .member(let leaf) = content.sender, let sender = tree.leafNode(at: leaf),
      case .application(let data) = content.content
    else { throw .unknownSender }
    try GroupError.wrap {
      try Framing.verifySignature(
        authenticated, groupContext: keys.groupContext, signaturePublicKey: sender.signatureKey,
        provider: provider)
    }
    retainedEpochs[message.epoch]?.framingKeys = keys
    return ProcessedMessage(
      sender: content.sender, authenticatedData: content.authenticatedData,
      content: .application(data))
  }
}
