import Foundation
import MLS
import SpacePanda

/// Saving and loading a member's group state the way `MLSHandle.save/load` do: the serialized
/// state sealed by `EncryptedStateFile` (Argon2id 64 MiB / 3 passes / 4 lanes, AES-256-GCM)
/// and written atomically; loading reads, opens and decodes it. The passphrase stretch is a
/// fixed cost by design, so it is measured on its own (sealing 0 bytes) and is the floor of
/// both rows.
extension Bench {
  static let passphrase = "correct horse battery staple"

  /// Sealing an empty state: one Argon2id derivation plus a negligible AES-GCM seal.
  mutating func measureStretch() throws -> Double {
    let file = EncryptedStateFile()
    let stats = try Measure.run(reps: 3, warmup: 1) {
      _ = try file.seal([], passphrase: Self.passphrase, associatedData: [])
    }
    record("seal 0 B (Argon2id 64 MiB/3/4 + AES-GCM)", size: nil, stats: stats)
    return stats.median
  }

  mutating func measurePersistence(_ state: GroupState, size: Int, stretch: Double) throws {
    let path = NSTemporaryDirectory() + "spacepanda-bench-\(getpid()).state"
    defer { try? FileManager.default.removeItem(atPath: path) }
    let file = EncryptedStateFile()
    let saved = try Measure.run(reps: 3, warmup: 1) {
      try file.save(try state.serializedState(), to: path, passphrase: Self.passphrase)
    }
    record(
      "save group state (serialize + seal + write)", size: size, stats: saved,
      floor: ("Argon2id", stretch))
    var loadedEpoch: UInt64 = 0
    let loaded = try Measure.run(reps: 3, warmup: 1) {
      let bytes = try file.load(from: path, passphrase: Self.passphrase)
      loadedEpoch = try GroupState(serializedState: bytes, options: state.options).epoch
    }
    guard loadedEpoch == state.epoch else { throw BenchFailure.notRestored }
    record(
      "load group state (read + open + decode)", size: size, stats: loaded,
      floor: ("Argon2id", stretch))
  }
}
