import MLS

/// Watches a group's events for the patterns the product wants alerts on: many removals in a
/// short time (a compromised admin, or an attacker pruning the group), many replays (someone
/// re-injecting traffic), and a key update overdue (post-compromise security, RFC 9420 §16.6,
/// only helps if members do update).
public struct ActivityMonitor: Sendable {
  public let keyRotationInterval: Duration
  public let clock: any MLSClock
  /// When this client last updated its keys (or created the group).
  public private(set) var lastSelfUpdate: MLSTimestamp
  private var removals: BurstDetector
  private var replays: BurstDetector
  private var rotationReported = false

  public init(
    config: MLSConfig, clock: any MLSClock = SystemClock(), lastSelfUpdate: MLSTimestamp? = nil
  ) {
    self.keyRotationInterval = config.keyRotationInterval
    self.clock = clock
    self.lastSelfUpdate = lastSelfUpdate ?? .now(clock)
    self.removals = BurstDetector(threshold: config.removalAlert)
    self.replays = BurstDetector(threshold: config.replayAlert)
  }

  /// Updates the monitor with `event` and returns the `unusualActivity` alert it triggers, if
  /// any. Bursts are timed by the events' own times.
  public mutating func observe(_ event: MLSEvent) -> MLSEvent? {
    switch event.kind {
    case .memberRemoved(let remover):
      guard removals.note(at: event.time) else { return nil }
      return alert(event, "removals", removals.threshold, member: remover)
    case .replayDetected:
      guard replays.note(at: event.time) else { return nil }
      return alert(event, "replays", replays.threshold, member: event.member)
    case .selfUpdated, .groupCreated:
      lastSelfUpdate = event.time
      rotationReported = false
      return nil
    default:
      return nil
    }
  }

  private func alert(
    _ event: MLSEvent, _ what: String, _ threshold: AlertThreshold, member: MemberReference?
  ) -> MLSEvent {
    let seconds = threshold.window.components.seconds
    return MLSEvent(
      .unusualActivity(reason: "\(threshold.count) \(what) within \(seconds) seconds"),
      time: event.time, epoch: event.epoch, groupID: event.groupID, member: member)
  }

  /// A `keyRotationDue` event when the last self-update is at least `keyRotationInterval` old,
  /// reported once until the next self-update.
  public mutating func checkKeyRotation(epoch: UInt64, groupID: [UInt8]) -> MLSEvent? {
    let now = MLSTimestamp.now(clock)
    guard !rotationReported, now - lastSelfUpdate >= keyRotationInterval else { return nil }
    rotationReported = true
    return MLSEvent(
      .keyRotationDue(lastUpdate: lastSelfUpdate), time: now, epoch: epoch, groupID: groupID)
  }
}
