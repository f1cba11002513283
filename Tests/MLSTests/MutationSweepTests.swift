import MLSCodec
import MLSCrypto
import Testing

@testable import MLS

/// Mutation sweeps: every single-bit flip (every byte, low bit, for messages over
/// `bitSweepLimit` bytes) and every truncation of real messages, each processed against a live
/// group. Nothing may crash, nothing may be accepted, and the receiver's serialized state keeps
/// its SHA-256. RFC 9420 §6 (signatures, membership tags, AEAD) and §12.4.3 (Welcome, GroupInfo
/// signatures) are what make every one of these mutations detectable: no field of these
/// messages is outside a signature, tag or AEAD, so no mutation is semantically neutral.
@Suite("Mutation sweeps: flipped bits and truncations are refused, state unchanged")
struct MutationSweepTests {
  /// Messages up to this size get every bit flipped; larger ones every byte (bit 0 of each),
  /// to keep the whole suite well under a minute in debug builds.
  static let bitSweepLimit = 600

  let states: [GroupState]
  let clients: [GroupClient]

  init() throws {
    var group = try threeMemberGroup()
    group.states[0].options.externalPubInGroupInfo = true
    states = group.states
    clients = group.clients
  }

  /// Every mutant of `bytes`: single flips, then every proper prefix.
  static func mutants(of bytes: [UInt8]) -> [[UInt8]] {
    var result: [[UInt8]] = []
    let bits = bytes.count <= bitSweepLimit ? 8 : 1
    for offset in bytes.indices {
      for bit in 0..<bits {
        var copy = bytes
        copy[offset] ^= UInt8(1) << UInt8(bit)
        result.append(copy)
      }
    }
    for length in 0..<bytes.count { result.append(Array(bytes.prefix(length))) }
    return result
  }

  /// Runs every mutant of `message` through `receiver.process`; returns how many were accepted.
  func sweep(_ message: MLSMessage, into receiver: GroupState) throws -> (tried: Int, accepted: Int)
  {
    let original = try message.tlsSerialized()
    let before = try stateDigest(receiver)
    var accepted = 0
    let mutants = Self.mutants(of: original)
    for mutant in mutants {
      guard let decoded = try? MLSMessage(tlsSerialized: mutant) else { continue }
      var copy = receiver
      if (try? copy.process(decoded)) != nil {
        accepted += 1
      } else if try stateDigest(copy) != before {
        Issue.record("a refused mutant changed the receiver's state")
      }
    }
    return (mutants.count, accepted)
  }

  @Test("PublicMessage (a proposal): every bit and every truncation")
  func publicMessage() throws {
    var bob = states[1]
    let message = try bob.propose(.remove(Remove(removed: LeafIndex(2))))
    var check = states[0]
    _ = try check.process(message)
    let result = try sweep(message, into: states[0])
    #expect(result.tried > 1000)
    #expect(result.accepted == 0)
  }

  @Test("PrivateMessage (application data): every bit and every truncation")
  func privateMessage() throws {
    var alice = states[0]
    let message = try alice.encrypt(application: Array("mutation sweep".utf8))
    var check = states[1]
    _ = try check.process(message)
    let result = try sweep(message, into: states[1])
    #expect(result.tried > 1000)
    #expect(result.accepted == 0)
  }

  @Test("Commit with a path: every byte and every truncation")
  func commitWithPath() throws {
    var bob = states[1]
    let message = try bob.commit(forcePath: true).commit
    var check = states[0]
    _ = try check.process(message)
    let result = try sweep(message, into: states[0])
    #expect(result.tried > 1000)
    #expect(result.accepted == 0)
  }

  @Test("Welcome: every byte and every truncation; the joiner never gets a state")
  func welcome() throws {
    let dave = try GroupClient("dave")
    var alice = states[0]
    let output = try alice.commit(proposals: [.add(Add(keyPackage: dave.keyPackage))])
    let welcome = try #require(output.welcome)
    _ = try dave.join(welcome)
    var accepted = 0
    let mutants = Self.mutants(of: try welcome.tlsSerialized())
    for mutant in mutants {
      guard let decoded = try? MLSMessage(tlsSerialized: mutant) else { continue }
      // `GroupState.join` takes the Welcome body: the framing's version is the caller's check
      // (MLSHandle.join makes it), so the sweep makes it too. Without it the two flips of the
      // version field were the only mutants accepted.
      guard decoded.version == .mls10 else { continue }
      if (try? dave.join(decoded)) != nil { accepted += 1 }
    }
    #expect(mutants.count > 1000)
    #expect(accepted == 0)
  }

  @Test("GroupInfo for an external commit: every byte and every truncation")
  func groupInfo() throws {
    let eve = try GroupClient("eve")
    let info = try states[0].groupInfo()
    _ = try GroupState.joinByExternalCommit(
      groupInfo: info, leafNode: eve.keyPackage.leafNode,
      signaturePrivateKey: eve.signaturePrivateKey)
    var accepted = 0
    let mutants = Self.mutants(of: try info.tlsSerialized())
    for mutant in mutants {
      guard let decoded = try? GroupInfo(tlsSerialized: mutant) else { continue }
      let joined = try? GroupState.joinByExternalCommit(
        groupInfo: decoded, leafNode: eve.keyPackage.leafNode,
        signaturePrivateKey: eve.signaturePrivateKey)
      if joined != nil { accepted += 1 }
    }
    #expect(mutants.count > 1000)
    #expect(accepted == 0)
  }
}
