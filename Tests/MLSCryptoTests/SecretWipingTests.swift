import Synchronization
import Testing

@testable import MLSCrypto

@Suite("SecretBytes wiping")
struct SecretWipingTests {
  /// What the storage held after the wipe, captured before it was freed.
  final class Observed: Sendable {
    let bytes = Mutex<[UInt8]?>(nil)
  }

  @Test func releasingTheLastCopyOverwritesTheStorage() {
    let observed = Observed()
    let secretValue: [UInt8] = Array(1...64)
    do {
      let secret = SecretBytes(secretValue) { storage in
        observed.bytes.withLock { $0 = Array(storage) }
      }
      let copy = secret
      #expect(copy.revealed() == secretValue)
      #expect(observed.bytes.withLock { $0 } == nil, "wiped while still referenced")
    }
    let seen = observed.bytes.withLock { $0 }
    #expect(seen == [UInt8](repeating: 0, count: 64))
  }
}
