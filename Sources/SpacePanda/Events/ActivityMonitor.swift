/// Watches a group's events for the patterns the product wants alerts on: many removals in a
/// short time (a compromised admin, or an attacker pruning the group) and a key update overdue
/// (post-compromise security, RFC 9420 §16.6, only helps if members do update).
public struct ActivityMonitor: Sendable {
  public var removalAlert: RemovalAlertThreshold
  public var keyRotationInterval: Duration
  public let clock: any MLSClock
  /// When this client last updated its keys (or created/joined the group).
  public private(set) var lastSelfUpdate: MLSTimestamp
  /// Times of recent removals, oldest first; never longer than `removalAlert.removals`.
  private var recentRemovals: [MLSTimestamp] = []
  private var rotationReported = false

  public init(
    config: MLSConfig, clock: any MLSClock = SystemClock(), lastSelfUpdate: MLSTimestamp? = nil
  ) {
    self.removalAlert = config.removalAlert
    self.keyRotationInterval = config.keyRotationInterval
    self.clock = clock
    self.lastSelfUpdate = lastSelfUpdate ?? clock.now()
  }

  /// Updates the monitor with `event` and returns any alert it triggers.
  ///
  /// Removals are counted within `removalAlert.window` of the newest one; reaching
  /// `removalAlert.removals` raises one `unusualActivity` and starts counting afresh, so a
  /// burst produces one alert, not one per removal.
  public mutating func observe(_ event: MLSEvent) -> MLSEvent? {
    switch event.kind {
    case .memberRemoved(let remover):
      return noteRemoval(event, remover: remover)
    case .selfUpdated, .groupCreated:
      lastSelfUpdate = event.time
      rotationReported = false
      return nil
    default:
      return nil
    }
  }

  private mutating func noteRemoval(_ event: MLSEvent, remover: MemberReference?) -> MLSEvent? {
    let cutoff = event.time - removalAlert.window
    recentRemovals.removeAll { $0 <= cutoff || $0 > event.time }
    recentRemovals.append(event.time)
    guard recentRemovals.count >= removalAlert.removals else { return nil }
    recentRemovals.removeAll()
    let seconds = removalAlert.window.components.seconds
    return MLSEvent(
      .unusualActivity(reason: "\(removalAlert.removals) removals within \(seconds) seconds"),
      time: event.time, epoch: event.epoch, groupID: event.groupID, member: remover)
  }

  /// A `keyRotationDue` event when the last self-update is at least `keyRotationInterval` old,
  /// reported once until the next self-update.
  public mutating func checkKeyRotation(epoch: UInt64, groupID: [UInt8]) -> MLSEvent? {
    let now = clock.now()
    guard !rotationReported, now - lastSelfUpdate >= keyRotationInterval else { return nil }
    rotationReported = true
    return MLSEvent(
      .keyRotationDue(lastUpdate: lastSelfUpdate), time: now, epoch: epoch, groupID: groupID)
  }
}
