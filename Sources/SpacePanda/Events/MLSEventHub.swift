import MLS

/// The event path of one group handle: counts every event, runs the activity monitor, and
/// delivers the event (and any alert it triggers) to every registered observer, in order.
public struct MLSEventHub: Sendable {
  public private(set) var counters = MLSCounters()
  public private(set) var monitor: ActivityMonitor
  private var observers: [any MLSEventObserver] = []

  public init(monitor: ActivityMonitor) {
    self.monitor = monitor
  }

  public var clock: any MLSClock { monitor.clock }

  /// Registers an observer; it receives events emitted from now on.
  public mutating func register(_ observer: any MLSEventObserver) {
    observers.append(observer)
  }

  public var observerCount: Int { observers.count }

  /// Emits `event` and any alert it triggers.
  public mutating func emit(_ event: MLSEvent) {
    deliver(event)
    if let alert = monitor.observe(event) { deliver(alert) }
  }

  /// Emits `keyRotationDue` when the monitor finds the rotation overdue.
  public mutating func checkKeyRotation(epoch: UInt64, groupID: [UInt8]) {
    if let due = monitor.checkKeyRotation(epoch: epoch, groupID: groupID) { deliver(due) }
  }

  /// Counts an application message this client sent.
  public mutating func countSent() { counters.messagesSent += 1 }
  /// Counts an application message this client received and decrypted.
  public mutating func countReceived() { counters.messagesReceived += 1 }

  private mutating func deliver(_ event: MLSEvent) {
    counters.record(event)
    for observer in observers { observer.handle(event) }
  }
}
