import MLS
import MLSCodec
import Testing

@testable import SpacePanda

/// A fixed 32-byte application secret for tests.
let handleTestSecret: [UInt8] = Array(repeating: 0x5A, count: 32)

/// alice creates a group, adds bob (and carol when asked) in one commit each.
struct HandleTestGroup {
  let alice: MLSHandle
  let bob: MLSHandle
  let carol: MLSHandle?

  init(
    carol withCarol: Bool = false, config: MLSConfig = .default,
    policy: (any AuthorizationPolicy)? = nil, bobPolicy: (any AuthorizationPolicy)? = nil,
    extensions: [Extension] = [], clock: any MLSClock = SystemClock()
  ) throws {
    let aliceID = try MLSHandle.Identity.generate(name: "alice")
    alice = try MLSHandle.createGroup(
      name: "team", identity: aliceID, applicationSecret: handleTestSecret, config: config,
      authorizationPolicy: policy, extensions: extensions, clock: clock)
    bob = try Self.invite("bob", by: alice, config: config, policy: bobPolicy ?? policy)
    carol =
      try withCarol
      ? Self.invite("carol", by: alice, others: [bob], config: config, policy: policy) : nil
  }

  /// Adds a new member `name` with alice's handle; every existing member in `others` processes
  /// the commit.
  static func invite(
    _ name: String, by inviter: MLSHandle, others: [MLSHandle] = [], config: MLSConfig,
    policy: (any AuthorizationPolicy)?
  ) throws -> MLSHandle {
    let identity = try MLSHandle.Identity.generate(name: name)
    let keyPackage = try MLSHandle.generateKeyPackage(identity: identity, config: config)
    let output = try inviter.add(keyPackage: keyPackage.message)
    for other in others { _ = try other.process(output.commit) }
    return try MLSHandle.join(
      welcome: try #require(output.welcome), ratchetTree: nil, keyPackage: keyPackage,
      identity: identity, applicationSecret: handleTestSecret, config: config,
      authorizationPolicy: policy)
  }
}

/// Flips one bit of `bytes` at `offset` from the end.
func flippingBit(_ bytes: [UInt8], fromEnd offset: Int) -> [UInt8] {
  var copy = bytes
  copy[copy.count - offset] ^= 0x01
  return copy
}
