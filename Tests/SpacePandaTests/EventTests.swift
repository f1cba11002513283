import MLS
import Synchronization
import Testing

@testable import SpacePanda

/// A clock the test moves by hand (whole seconds, like `MLSClock`).
final class ManualClock: MLSClock {
  private let current: Mutex<UInt64>

  init(_ start: MLSTimestamp) {
    current = Mutex(UInt64(start.sinceUnixEpoch.components.seconds))
  }

  var now: UInt64 { current.withLock { $0 } }

  var timestamp: MLSTimestamp { .now(self) }

  func advance(_ duration: Duration) {
    current.withLock { $0 += UInt64(duration.components.seconds) }
  }
}

/// Records every event it is given.
final class RecordingObserver: MLSEventObserver {
  private let events = Mutex<[MLSEvent]>([])

  func handle(_ event: MLSEvent) { events.withLock { $0.append(event) } }

  var received: [MLSEvent] { events.withLock { $0 } }
  var kinds: [MLSEvent.Kind] { received.map(\.kind) }
}

@Suite("Events, counters and activity monitor")
struct EventTests {
  static let group: [UInt8] = [0x47]
  static let alice = MemberReference(leafIndex: 0, identity: Array("alice".utf8))
  static let bob = MemberReference(leafIndex: 1, identity: Array("bob".utf8))
  static let start = MLSTimestamp.seconds(1_800_000_000)

  static func removal(at time: MLSTimestamp, epoch: UInt64 = 5) -> MLSEvent {
    MLSEvent(.memberRemoved(by: alice), time: time, epoch: epoch, groupID: group, member: bob)
  }

  static func monitor(_ clock: ManualClock) -> ActivityMonitor {
    ActivityMonitor(config: .default, clock: clock, lastSelfUpdate: start)
  }

  @Test func timestampArithmetic() {
    let later = Self.start + .seconds(90)
    #expect(later - Self.start == .seconds(90))
    #expect(later - .seconds(90) == Self.start)
    #expect(Self.start < later)
    #expect(later.description == "1800000090s")
    let now = MLSTimestamp.now(SystemClock())
    #expect(now > MLSTimestamp.seconds(1_600_000_000))
    #expect(MLSTimestamp.now(FixedClock(42)) == .seconds(42))
    #expect(MLSTimestamp.now(FixedClock(.max)) == .seconds(.max))
  }

  @Test func countersFollowEvents() {
    var counters = MLSCounters()
    let kinds: [MLSEvent.Kind] = [
      .groupCreated, .memberAdded(by: nil), .memberAdded(by: Self.alice), .memberRemoved(by: nil),
      .epochAdvanced(from: 1), .epochAdvanced(from: 2), .selfUpdated, .replayDetected,
      .replayDetected, .replayDetected, .decryptionFailed(reason: "AEAD"),
      .unauthorizedAttempt(operation: "add"), .unusualActivity(reason: "x"),
      .keyRotationDue(lastUpdate: Self.start),
    ]
    for kind in kinds {
      counters.record(MLSEvent(kind, time: Self.start, epoch: 1, groupID: Self.group))
    }
    var expected = MLSCounters()
    expected.membersAdded = 2
    expected.membersRemoved = 1
    expected.epochs = 2
    expected.replays = 3
    expected.decryptionFailures = 1
    expected.unauthorized = 1
    expected.unusualActivity = 1
    #expect(counters == expected)
  }

  @Test func removalsBelowThresholdRaiseNothing() {
    let clock = ManualClock(Self.start)
    var monitor = Self.monitor(clock)
    #expect(monitor.observe(Self.removal(at: Self.start)) == nil)
    #expect(monitor.observe(Self.removal(at: Self.start + .seconds(1800))) == nil)
    // The first removal has left the one-hour window by now.
    #expect(monitor.observe(Self.removal(at: Self.start + .seconds(3600))) == nil)
    #expect(monitor.observe(Self.removal(at: Self.start + .seconds(7300))) == nil)
  }

  @Test func thirdRemovalWithinAnHourRaisesOneAlert() {
    let clock = ManualClock(Self.start)
    var monitor = Self.monitor(clock)
    #expect(monitor.observe(Self.removal(at: Self.start)) == nil)
    #expect(monitor.observe(Self.removal(at: Self.start + .seconds(600))) == nil)
    let alert = monitor.observe(Self.removal(at: Self.start + .seconds(3599), epoch: 9))
    #expect(
      alert
        == MLSEvent(
          .unusualActivity(reason: "3 removals within 3600 seconds"),
          time: Self.start + .seconds(3599), epoch: 9, groupID: Self.group, member: Self.alice))
    // The burst was reported; counting starts again.
    #expect(monitor.observe(Self.removal(at: Self.start + .seconds(3600))) == nil)
    #expect(monitor.observe(Self.removal(at: Self.start + .seconds(3601))) == nil)
    #expect(monitor.observe(Self.removal(at: Self.start + .seconds(3602))) != nil)
  }

  @Test func customThreshold() {
    var config = MLSConfig()
    config.removalAlert = AlertThreshold(count: 1, window: .seconds(10))
    var monitor = ActivityMonitor(config: config, clock: ManualClock(Self.start))
    #expect(
      monitor.observe(Self.removal(at: Self.start))?.kind
        == .unusualActivity(reason: "1 removals within 10 seconds"))
  }

  @Test func otherEventsDoNotCountAsRemovals() {
    var monitor = Self.monitor(ManualClock(Self.start))
    for kind: MLSEvent.Kind in [.memberAdded(by: nil), .replayDetected, .epochAdvanced(from: 1)] {
      for _ in 0..<5 {
        #expect(
          monitor.observe(MLSEvent(kind, time: Self.start, epoch: 1, groupID: Self.group)) == nil)
      }
    }
  }

  @Test func replayBurstRaisesAnAlert() {
    var monitor = Self.monitor(ManualClock(Self.start))
    func replay(_ offset: Int64) -> MLSEvent {
      MLSEvent(
        .replayDetected, time: Self.start + .seconds(offset), epoch: 2, groupID: Self.group,
        member: Self.bob)
    }
    for offset in 0..<9 { #expect(monitor.observe(replay(Int64(offset) * 60)) == nil) }
    #expect(
      monitor.observe(replay(599))
        == MLSEvent(
          .unusualActivity(reason: "10 replays within 600 seconds"),
          time: Self.start + .seconds(599), epoch: 2, groupID: Self.group, member: Self.bob))
    // Spread out, replays never reach the threshold.
    for offset in 1...30 { #expect(monitor.observe(replay(599 + Int64(offset) * 67)) == nil) }
  }

  @Test func clockSteppingBackDoesNotInflateBursts() {
    var monitor = Self.monitor(ManualClock(Self.start))
    #expect(monitor.observe(Self.removal(at: Self.start + .seconds(5000))) == nil)
    #expect(monitor.observe(Self.removal(at: Self.start + .seconds(10))) == nil)
    #expect(monitor.observe(Self.removal(at: Self.start + .seconds(20))) == nil)
    #expect(monitor.observe(Self.removal(at: Self.start + .seconds(30))) != nil)
  }

  @Test func keyRotationDueAfterTheInterval() {
    let clock = ManualClock(Self.start)
    var monitor = Self.monitor(clock)
    clock.advance(.seconds(7 * 86_400 - 1))
    #expect(monitor.checkKeyRotation(epoch: 3, groupID: Self.group) == nil)
    clock.advance(.seconds(1))
    #expect(
      monitor.checkKeyRotation(epoch: 3, groupID: Self.group)
        == MLSEvent(
          .keyRotationDue(lastUpdate: Self.start), time: Self.start + .seconds(604_800), epoch: 3,
          groupID: Self.group))
    // Reported once until the next update.
    clock.advance(.seconds(86_400))
    #expect(monitor.checkKeyRotation(epoch: 3, groupID: Self.group) == nil)
    let update = MLSEvent(.selfUpdated, time: clock.timestamp, epoch: 4, groupID: Self.group)
    #expect(monitor.observe(update) == nil)
    #expect(monitor.lastSelfUpdate == clock.timestamp)
    clock.advance(.seconds(604_799))
    #expect(monitor.checkKeyRotation(epoch: 4, groupID: Self.group) == nil)
    clock.advance(.seconds(1))
    #expect(monitor.checkKeyRotation(epoch: 4, groupID: Self.group) != nil)
  }

  @Test func monitorStartsFromTheClockWhenNoUpdateIsKnown() {
    let clock = ManualClock(Self.start)
    let monitor = ActivityMonitor(config: .default, clock: clock)
    #expect(monitor.lastSelfUpdate == Self.start)
  }

  @Test func hubDeliversCountsAndAlerts() {
    let clock = ManualClock(Self.start)
    var hub = MLSEventHub(monitor: Self.monitor(clock))
    #expect(MLSTimestamp.now(hub.clock) == Self.start)
    let first = RecordingObserver()
    let second = RecordingObserver()
    hub.register(first)
    hub.emit(MLSEvent(.groupCreated, time: Self.start, epoch: 0, groupID: Self.group))
    hub.register(second)
    #expect(hub.observerCount == 2)
    for offset in 0..<3 {
      hub.emit(Self.removal(at: Self.start + .seconds(Int64(offset))))
    }
    hub.countSent()
    hub.countReceived()
    hub.countReceived()
    clock.advance(.seconds(604_800))
    hub.checkKeyRotation(epoch: 5, groupID: Self.group)
    hub.checkKeyRotation(epoch: 5, groupID: Self.group)
    let removed = MLSEvent.Kind.memberRemoved(by: Self.alice)
    #expect(
      first.kinds == [
        .groupCreated, removed, removed, removed,
        .unusualActivity(reason: "3 removals within 3600 seconds"),
        .keyRotationDue(lastUpdate: Self.start),
      ])
    #expect(second.kinds == Array(first.kinds.dropFirst()))
    #expect(hub.counters.membersRemoved == 3)
    #expect(hub.counters.unusualActivity == 1)
    #expect(hub.counters.messagesSent == 1)
    #expect(hub.counters.messagesReceived == 2)
  }
}
