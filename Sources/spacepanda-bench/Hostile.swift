import Foundation
import MLS
import MLSCrypto
import SpacePanda

/// Hostile inputs at the resource caps (issue 7): how fast a member refuses them. Each row first
/// checks that the input is refused with the error naming the cap (the bench stops otherwise),
/// then times the refusal; a refused message leaves the state unchanged, so every repetition
/// runs on the same state.
extension Bench {
  enum HostileFailure: Error {
    case accepted(String)
    case wrongError(String, any Error)
  }

  /// Runs `body` once, requiring it to throw an error `expected` recognises.
  static func requireRefusal(
    _ row: String, _ body: () throws -> Void, expected: (any Error) -> Bool
  ) throws {
    do {
      try body()
    } catch {
      guard expected(error) else { throw HostileFailure.wrongError(row, error) }
      return
    }
    throw HostileFailure.accepted(row)
  }

  /// Times a refusal; the first run also checks the error.
  mutating func recordRefusal(
    _ name: String, size: Int?, reps: Int, floor: (String, Double)? = nil,
    _ body: () throws -> Void, expected: (any Error) -> Bool
  ) throws {
    try Self.requireRefusal(name, body, expected: expected)
    let stats = Measure.run(reps: reps, warmup: max(1, reps / 5)) { try? body() }
    record(name, size: size, stats: stats, floor: floor)
  }

  /// The caps that do not depend on the group size: message size (`MLSConfig`), proposals per
  /// commit (`ResourceLimits`) and forward ratchet distance (`SecretTreeConfiguration`), each
  /// with the defaults a member runs with.
  mutating func measureHostileCaps() throws {
    let reps = max(options.reps, 10)

    // A message one byte over `MLSConfig.maximumMessageSize`, handed to a handle.
    let config = MLSConfig.default
    let identity = try MLSHandle.Identity.generate(name: "bench")
    let handle = try MLSHandle.createGroup(
      name: "hostile", identity: identity, applicationSecret: nil, config: config)
    let oversized = [UInt8](repeating: 0, count: config.maximumMessageSize + 1)
    try recordRefusal(
      "hostile: message of cap + 1 B (\(config.maximumMessageSize >> 20) MiB) refused",
      size: nil, reps: reps, { _ = try handle.decrypt(oversized) },
      expected: { error in
        if case MLSError.messageTooLarge = error { return true }
        return false
      })

    // Two members; the sender lifts its own cap, the receiver keeps the default.
    let clients = try (0..<2).map { try Client.make($0, provider: provider) }
    let limits = ResourceLimits()
    var sender = try GroupState.create(
      groupID: Array("hostile".utf8), cipherSuite: provider.suite,
      leafNode: clients[0].bundle.keyPackage.leafNode,
      encryptionPrivateKey: clients[0].bundle.encryptionPrivateKey,
      signaturePrivateKey: clients[0].signaturePrivateKey,
      options: GroupOptions(
        limits: ResourceLimits(
          maximumProposalsPerCommit: limits.maximumProposalsPerCommit + 1)))
    let welcome = try sender.commit(
      proposals: [.add(Add(keyPackage: clients[1].bundle.keyPackage))]
    ).welcome
    try sender.mergePendingCommit()
    var receiver = try clients[1].join(welcome)

    // A commit listing cap + 1 external-PSK proposals, signed by a member.
    let count = limits.maximumProposalsPerCommit + 1
    var proposals: [Proposal] = []
    proposals.reserveCapacity(count)
    for index in 0..<count {
      let pskID = Array("psk \(index)".utf8)
      sender.psks.addExternal(pskID: pskID, psk: SecretBytes([UInt8](repeating: 7, count: 32)))
      let id = PreSharedKeyID(
        key: .external(pskID: pskID), pskNonce: [UInt8](repeating: 1, count: 32))
      proposals.append(.preSharedKey(PreSharedKey(psk: id)))
    }
    var committer = sender
    let crowded = try committer.commit(proposals: proposals).commit
    try recordRefusal(
      "hostile: commit of cap + 1 proposals (\(count)) refused", size: nil, reps: reps,
      floor: ("verify", floors.verify.median), { _ = try receiver.process(crowded) },
      expected: { error in
        if case GroupError.resourceLimitExceeded(.proposalsPerCommit, _, _) = error { return true }
        return false
      })

    // PrivateMessages at the forward ratchet cap (accepted) and one past it (refused).
    let distance = Int(SecretTreeConfiguration().maximumForwardDistance)
    var messages: [MLSMessage] = []
    for _ in 0...(distance + 1) {
      messages.append(try sender.encrypt(application: [0x61]))
    }
    let beyond = messages[distance + 1]
    try recordRefusal(
      "hostile: message \(distance + 1) generations ahead (cap \(distance)) refused", size: nil,
      reps: reps, { _ = try receiver.process(beyond) },
      expected: { error in
        guard case GroupError.framing(.keyUnavailable(let reason)) = error,
          case .generationTooFarAhead = reason
        else { return false }
        return true
      })
    let atCap = messages[distance]
    let accepted = try Measure.run(reps: reps, warmup: 1, copying: receiver) {
      var state = $0
      _ = try state.process(atCap)
    }
    record(
      "message \(distance) generations ahead (at the cap) accepted", size: nil, stats: accepted,
      floor: ("verify", floors.verify.median))
  }

  /// A Welcome whose tree has more leaves than the joiner accepts: refused once the GroupInfo is
  /// decrypted and decoded, before any leaf signature or tree hash is checked.
  mutating func measureHostileWelcome(
    _ welcome: MLSMessage?, joiner: Client, size: Int, reps: Int
  ) throws {
    let leaves = max(1, size / 2)
    let options = GroupOptions(limits: ResourceLimits(maximumLeaves: leaves))
    try recordRefusal(
      "hostile: Welcome past the leaf cap (cap N/2) refused", size: size, reps: reps,
      floor: ("HPKE", floors.hpkeSeal.median),
      { _ = try joiner.join(welcome, options: options) },
      expected: { error in
        if case GroupError.resourceLimitExceeded(.leaves, _, _) = error { return true }
        return false
      })
  }
}
