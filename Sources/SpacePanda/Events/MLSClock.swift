#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where event times come from. Injectable so the activity monitor's windows and the key
/// rotation schedule can be tested without waiting.
public protocol MLSClock: Sendable {
  func now() -> MLSTimestamp
}

/// The system's real-time clock (`CLOCK_REALTIME`).
public struct SystemClock: MLSClock {
  public init() {}

  public func now() -> MLSTimestamp {
    var spec = timespec()
    guard clock_gettime(CLOCK_REALTIME, &spec) == 0 else {
      return MLSTimestamp(sinceUnixEpoch: .zero)
    }
    return MLSTimestamp(
      sinceUnixEpoch: .seconds(Int64(spec.tv_sec)) + .nanoseconds(Int64(spec.tv_nsec)))
  }
}
