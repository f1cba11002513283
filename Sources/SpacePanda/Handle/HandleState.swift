import MLS
import MLSCrypto

/// Everything behind an `MLSHandle`'s lock.
struct HandleState: Sendable {
  var group: GroupState
  var identity: MLSHandle.Identity
  var appPSK: ApplicationPSK?
  var replay: ReplayCache
  var counters: MLSCounters
  var monitor: ActivityMonitor
  var observers: [any MLSEventObserver] = []
  /// Digests of processed messages, oldest first in ring order from `ringNext`: what the
  /// replay cache holds, kept in a form that can be stored.
  var seenDigests: [[UInt8]] = []
  var ringNext = 0

  init(
    group: GroupState, identity: MLSHandle.Identity, appPSK: ApplicationPSK?,
    config: MLSConfig
  ) throws(MLSError) {
    self.group = group
    self.identity = identity
    self.appPSK = appPSK
    replay = try ReplayCache(config: config)
    counters = MLSCounters()
    monitor = ActivityMonitor(config: config, clock: group.options.clock)
  }

  /// Records a processed message's digest in the replay cache and the storable ring.
  mutating func remember(_ digest: [UInt8]) throws(MLSError) {
    try replay.record(try MessageIdentifier(digest: digest))
    if seenDigests.count < replay.capacity {
      seenDigests.append(digest)
    } else {
      seenDigests[ringNext] = digest
      ringNext = (ringNext + 1) % seenDigests.count
    }
  }

  /// The remembered digests, oldest first.
  var digestsOldestFirst: [[UInt8]] {
    Array(seenDigests[ringNext...] + seenDigests[..<ringNext])
  }

  /// This client as events name it.
  var ownReference: MemberReference {
    MemberReference(leafIndex: group.ownLeafIndex.rawValue, identity: Array(identity.name.utf8))
  }

  /// The member at `leaf` in the current tree, for events and authorization.
  func reference(_ leaf: LeafIndex) -> MemberReference {
    let identity = group.tree.leafNode(at: leaf).map {
      MLSHandle.Member.identity(of: $0.credential)
    }
    return MemberReference(leafIndex: leaf.rawValue, identity: identity ?? [])
  }

  func event(_ kind: MLSEvent.Kind, member: MemberReference? = nil) -> MLSEvent {
    MLSEvent(
      kind, time: .now(monitor.clock), epoch: group.epoch, groupID: group.groupID, member: member)
  }

  /// The events a failure reports: replays, decryption failures and refusals are audited.
  func noteFailure(_ error: MLSError, into events: inout [MLSEvent]) {
    switch error {
    case .replayDetected:
      events.append(event(.replayDetected))
    case .cryptoError(let reason):
      events.append(event(.decryptionFailed(reason: reason)))
    case .unauthorized(let operation):
      events.append(event(.unauthorizedAttempt(operation: operation)))
    default:
      break
    }
  }

  /// Counts `events`, runs them through the activity monitor (adding its alerts) and checks
  /// whether a key rotation is due. Returns what observers receive.
  mutating func account(_ events: [MLSEvent]) -> [MLSEvent] {
    var delivered: [MLSEvent] = []
    for event in events {
      counters.record(event)
      delivered.append(event)
      if let alert = monitor.observe(event) {
        counters.record(alert)
        delivered.append(alert)
      }
    }
    if group.isActive,
      let due = monitor.checkKeyRotation(epoch: group.epoch, groupID: group.groupID)
    {
      counters.record(due)
      delivered.append(due)
    }
    return delivered
  }

  /// The events of a move from `old` to the current group state: members added and removed
  /// (found by comparing leaves, so own and received commits are reported alike), a new epoch,
  /// and a self-update when this client's leaf key changed.
  func transitionEvents(from old: GroupState, by actor: MemberReference?) -> [MLSEvent] {
    var events: [MLSEvent] = []
    let before = Dictionary(
      old.members.map { ($0.index, $0.leaf.signatureKey) }, uniquingKeysWith: { a, _ in a })
    let after = Dictionary(
      group.members.map { ($0.index, $0.leaf.signatureKey) }, uniquingKeysWith: { a, _ in a })
    for (index, key) in before.sorted(by: { $0.key < $1.key }) where after[index] != key {
      let identity = old.tree.leafNode(at: index).map {
        MLSHandle.Member.identity(of: $0.credential)
      }
      let removed = MemberReference(leafIndex: index.rawValue, identity: identity ?? [])
      events.append(event(.memberRemoved(by: actor), member: removed))
    }
    for (index, key) in after.sorted(by: { $0.key < $1.key }) where before[index] != key {
      events.append(event(.memberAdded(by: actor), member: reference(index)))
    }
    if group.epoch != old.epoch {
      events.append(event(.epochAdvanced(from: old.epoch)))
    }
    let oldKey = old.tree.leafNode(at: old.ownLeafIndex)?.encryptionKey
    if group.isActive, group.tree.leafNode(at: group.ownLeafIndex)?.encryptionKey != oldKey {
      events.append(event(.selfUpdated, member: ownReference))
    }
    return events
  }
}
