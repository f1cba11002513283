/// Running totals for monitoring ("track epoch advancement frequency", "alert on high replay
/// attempts"). A value type: a handle returns a snapshot.
public struct MLSCounters: Sendable, Hashable {
  public var messagesSent = 0
  public var messagesReceived = 0
  public var replays = 0
  public var decryptionFailures = 0
  /// Epoch transitions seen.
  public var epochs = 0
  public var unauthorized = 0
  public var membersAdded = 0
  public var membersRemoved = 0
  public var unusualActivity = 0

  public init() {}

  /// Counts what an event reports.
  public mutating func record(_ event: MLSEvent) {
    switch event.kind {
    case .replayDetected: replays += 1
    case .decryptionFailed: decryptionFailures += 1
    case .epochAdvanced: epochs += 1
    case .unauthorizedAttempt: unauthorized += 1
    case .memberAdded: membersAdded += 1
    case .memberRemoved: membersRemoved += 1
    case .unusualActivity: unusualActivity += 1
    case .groupCreated, .selfUpdated, .keyRotationDue: break
    }
  }
}
