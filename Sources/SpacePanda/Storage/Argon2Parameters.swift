/// The Argon2id cost of a state file's passphrase key (RFC 9106).
///
/// The product fixes m = 64 MiB, t = 3, p = 4 ("At Rest: Argon2id (64MB memory, 3 iterations,
/// 4 threads)"). The parameters are written into each file's header so they can be raised
/// later without breaking old files, which means they are attacker-controlled on load: `check`
/// bounds them so a hostile file cannot make us allocate gigabytes or spin for minutes.
struct Argon2Parameters: Sendable, Hashable {
  /// Memory in KiB (Argon2 `m`).
  var memoryKiB: UInt32
  /// Passes over memory (Argon2 `t`).
  var iterations: UInt32
  /// Lanes (Argon2 `p`); libargon2 runs one thread per lane.
  var lanes: UInt32

  /// The product cost: 64 MiB, 3 passes, 4 lanes on 4 threads.
  static let `default` = Argon2Parameters(memoryKiB: 65_536, iterations: 3, lanes: 4)

  /// 1 GiB: the most memory a state file may ask for.
  static let maximumMemoryKiB: UInt32 = 1 << 20
  static let maximumIterations: UInt32 = 16
  static let maximumLanes: UInt32 = 16

  /// The rule a set of parameters breaks, or nil when they are within bounds. RFC 9106 §3.1
  /// requires m >= 8 * p; the upper bounds are ours.
  var violation: String? {
    if lanes < 1 || lanes > Self.maximumLanes {
      return "argon2 lanes \(lanes) outside 1...\(Self.maximumLanes)"
    }
    if iterations < 1 || iterations > Self.maximumIterations {
      return "argon2 iterations \(iterations) outside 1...\(Self.maximumIterations)"
    }
    if memoryKiB < 8 * lanes || memoryKiB > Self.maximumMemoryKiB {
      return "argon2 memory \(memoryKiB) KiB outside \(8 * lanes)...\(Self.maximumMemoryKiB)"
    }
    return nil
  }
}
