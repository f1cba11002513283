import MLS

/// A wall-clock instant: time since the Unix epoch. Events and audit logs need absolute times
/// (the product asks for audit logs of group operations), and this keeps Foundation out of the
/// library. Read from the protocol layer's injectable `MLSClock` (whole seconds), so the
/// activity monitor's windows and the key rotation schedule can be tested without waiting.
public struct MLSTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var sinceUnixEpoch: Duration

  public init(sinceUnixEpoch: Duration) {
    self.sinceUnixEpoch = sinceUnixEpoch
  }

  /// The instant `seconds` after the Unix epoch.
  public static func seconds(_ seconds: Int64) -> MLSTimestamp {
    MLSTimestamp(sinceUnixEpoch: .seconds(seconds))
  }

  /// The current time of `clock`.
  public static func now(_ clock: any MLSClock) -> MLSTimestamp {
    // Durations hold Int64 seconds; a clock beyond that (year 292 billion) saturates.
    MLSTimestamp(sinceUnixEpoch: .seconds(Int64(clamping: clock.now)))
  }

  public static func < (lhs: MLSTimestamp, rhs: MLSTimestamp) -> Bool {
    lhs.sinceUnixEpoch < rhs.sinceUnixEpoch
  }

  public static func + (lhs: MLSTimestamp, rhs: Duration) -> MLSTimestamp {
    MLSTimestamp(sinceUnixEpoch: lhs.sinceUnixEpoch + rhs)
  }

  public static func - (lhs: MLSTimestamp, rhs: Duration) -> MLSTimestamp {
    MLSTimestamp(sinceUnixEpoch: lhs.sinceUnixEpoch - rhs)
  }

  /// The time from `rhs` to `lhs`.
  public static func - (lhs: MLSTimestamp, rhs: MLSTimestamp) -> Duration {
    lhs.sinceUnixEpoch - rhs.sinceUnixEpoch
  }

  public var description: String { "\(sinceUnixEpoch.components.seconds)s" }
}
