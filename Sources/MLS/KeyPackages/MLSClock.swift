#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Wall-clock time in whole seconds since the Unix epoch, the unit of `Lifetime` (RFC 9420 §7.2)
/// and of X.509 validity checks.
///
/// Injected rather than read globally so tests and old vectors (whose lifetimes have expired)
/// can validate at a chosen instant.
public protocol MLSClock: Sendable {
  /// Seconds since 1970-01-01T00:00:00Z.
  var now: UInt64 { get }
}

/// The system's real-time clock.
public struct SystemClock: MLSClock {
  public init() {}

  public var now: UInt64 {
    let seconds = time(nil)
    // A clock set before 1970 is treated as the epoch rather than trapping on conversion.
    return seconds < 0 ? 0 : UInt64(seconds)
  }
}

/// A clock frozen at one instant, for tests and for replaying recorded sessions.
public struct FixedClock: MLSClock {
  public var now: UInt64

  public init(_ now: UInt64) { self.now = now }
}
