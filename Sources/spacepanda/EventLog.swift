import Foundation
import SpacePanda
import Synchronization

/// Collects the events a handle emits during one command, to append them to the store's log.
final class EventRecorder: MLSEventObserver {
  private let events = Mutex<[MLSEvent]>([])

  func handle(_ event: MLSEvent) {
    events.withLock { $0.append(event) }
  }

  /// The events so far, as log lines.
  var lines: [String] { events.withLock { $0.map(EventFormat.line) } }
}

/// One line per event: time, epoch, kind, member. Only public facts (MLSEvent holds no secret).
enum EventFormat {
  static func line(_ event: MLSEvent) -> String {
    let seconds = event.time.sinceUnixEpoch.components.seconds
    let time = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(seconds)))
    var text = "\(time) epoch \(event.epoch) \(kind(event.kind))"
    if let member = event.member { text += " member=\(describe(member))" }
    return text
  }

  static func describe(_ member: MemberReference) -> String {
    let name = String(decoding: member.identity, as: UTF8.self)
    guard let leaf = member.leafIndex else { return name }
    return "\(name)#\(leaf)"
  }

  static func kind(_ kind: MLSEvent.Kind) -> String {
    switch kind {
    case .groupCreated: "groupCreated"
    case .memberAdded(let by): "memberAdded" + actor(by)
    case .memberRemoved(let by): "memberRemoved" + actor(by)
    case .epochAdvanced(let from): "epochAdvanced from=\(from)"
    case .selfUpdated: "selfUpdated"
    case .keyRotationDue(let last): "keyRotationDue lastUpdate=\(last)"
    case .replayDetected: "replayDetected"
    case .decryptionFailed(let reason): "decryptionFailed reason=\"\(reason)\""
    case .unauthorizedAttempt(let operation): "unauthorizedAttempt operation=\(operation)"
    case .unusualActivity(let reason): "unusualActivity reason=\"\(reason)\""
    }
  }

  private static func actor(_ member: MemberReference?) -> String {
    guard let member else { return "" }
    return " by=\(describe(member))"
  }
}
