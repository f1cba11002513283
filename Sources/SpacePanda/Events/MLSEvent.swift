/// Something an application may want to log, show or alert on. The product's operations
/// checklist asks for audit logs of group operations, logs of all member changes, monitoring of
/// replay attempts and alerts on unusual activity.
///
/// Events carry only public facts: times, epochs, leaf indices, identities and rule names,
/// never keys, secrets or message content, so observers can forward them to logs.
public struct MLSEvent: Sendable, Hashable {
  public enum Kind: Sendable, Hashable {
    /// This client created the group (`member` is this client).
    case groupCreated
    /// `member` joined; `by` proposed or committed the addition.
    case memberAdded(by: MemberReference?)
    /// `member` was removed; `by` proposed or committed the removal.
    case memberRemoved(by: MemberReference?)
    /// The group moved from epoch `from` to the event's `epoch` (RFC 9420 §8).
    case epochAdvanced(from: UInt64)
    /// This client replaced its leaf keys (an Update or a commit with a path).
    case selfUpdated
    /// This client's last key update is older than the configured rotation interval.
    case keyRotationDue(lastUpdate: MLSTimestamp)
    /// A message from `member` (when known) was refused as a replay.
    case replayDetected
    /// A message failed to decrypt or authenticate; `reason` names the check.
    case decryptionFailed(reason: String)
    /// `member` attempted `operation` and the policy refused it.
    case unauthorizedAttempt(operation: String)
    /// A monitored pattern crossed its threshold; `reason` says which.
    case unusualActivity(reason: String)
  }

  public var kind: Kind
  public var time: MLSTimestamp
  /// The group epoch when the event happened.
  public var epoch: UInt64
  /// The group's ID (public in every MLS message).
  public var groupID: [UInt8]
  /// The member the event is about, when there is one.
  public var member: MemberReference?

  public init(
    _ kind: Kind, time: MLSTimestamp, epoch: UInt64, groupID: [UInt8],
    member: MemberReference? = nil
  ) {
    self.kind = kind
    self.time = time
    self.epoch = epoch
    self.groupID = groupID
    self.member = member
  }
}

/// Receives a group's events. Called synchronously on the thread that processed the message,
/// so implementations should hand work off quickly.
public protocol MLSEventObserver: Sendable {
  func handle(_ event: MLSEvent)
}
