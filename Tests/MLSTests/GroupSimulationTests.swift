import Foundation
import MLSCodec
import MLSCrypto
import Testing

@testable import MLS

/// SplitMix64: a small seeded generator, so every choice of the simulation replays from its seed.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var mixed = state
    mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
    mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
    return mixed ^ (mixed >> 31)
  }
}

/// Thrown by the simulation when a step does not do what the protocol promises.
struct SimulationFailure: Error, CustomStringConvertible {
  let description: String
}

/// One client of the simulated group: its keys and its current view of the group.
struct SimulatedMember {
  var client: GroupClient
  var state: GroupState
}

/// A seeded run of a group under random traffic, as a delivery service with ordered handshake
/// delivery would see it. RFC 9420 §12, §14, §15.
///
/// Each epoch: some members send bursts of application messages, delivered to each receiver in
/// a random order (within the secret tree's skipped-key window, §9.2), one replayed; removed
/// members try to read them; several members send proposals by reference (Add, Remove, Update,
/// external PSK, GroupContextExtensions); then one member commits them (plus proposals by value,
/// sometimes as PrivateMessage), or a non-member joins by external commit, or a member resyncs
/// (§12.4.3.2). After every epoch all members must agree on epoch, epoch authenticator and
/// exporter output.
struct GroupSimulation {
  let seed: UInt64
  var rng: SplitMix64
  var members: [SimulatedMember] = []
  /// Last active states of removed members (at most `formerLimit`), for the "decrypts nothing
  /// later" check.
  var formers: [GroupState] = []
  let formerLimit = 4
  var options = GroupOptions(externalPubInGroupInfo: true)
  var pskStore = PSKStore()
  var pskIDs: [[UInt8]] = []
  var nextName = 0
  var counts: [String: Int] = [:]
  /// Counters of checks, not of operations.
  static let checks: Set<String> = [
    "epoch agreement checked", "replay rejected", "removed member locked out", "member removed",
  ]
  /// Messages sent, proposals, commits and joins so far.
  var operations: Int {
    counts.filter { !Self.checks.contains($0.key) }.values.reduce(0, +)
  }

  init(seed: UInt64) {
    self.seed = seed
    rng = SplitMix64(state: seed)
    for index in 0..<3 {
      let id = Array("sim-psk-\(index)".utf8)
      pskIDs.append(id)
      pskStore.addExternal(
        pskID: id, psk: SecretBytes(Array(repeating: UInt8(index + 1), count: 32)))
    }
  }

  mutating func count(_ name: String) { counts[name, default: 0] += 1 }

  mutating func freshClient() throws -> GroupClient {
    nextName += 1
    return try GroupClient("member-\(nextName)")
  }

  mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &rng) < percent }

  mutating func pick(_ range: Range<Int>) -> Int { Int.random(in: range, using: &rng) }

  func fail(_ text: String) -> SimulationFailure {
    SimulationFailure(description: "seed \(seed): \(text)")
  }

  /// The founder adds `size - 1` members in one commit.
  mutating func found(size: Int) throws {
    let founder = try freshClient()
    var state = try founder.createGroup(id: "simulation", options: options)
    state.psks = pskStore
    let joiners = try (1..<size).map { _ in try freshClient() }
    let output = try state.commit(proposals: joiners.map { .add(Add(keyPackage: $0.keyPackage)) })
    try state.mergePendingCommit()
    members = [SimulatedMember(client: founder, state: state)]
    for joiner in joiners {
      let joined = try joiner.join(output.welcome, psks: pskStore, options: options)
      members.append(SimulatedMember(client: joiner, state: joined))
    }
    try checkAgreement()
  }

  // MARK: Application traffic

  /// Bursts of 2-5 messages from 1-3 senders, each receiver reading a burst in random order.
  mutating func applicationPhase() throws {
    for _ in 0..<pick(1..<4) {
      let sender = pick(0..<members.count)
      var burst: [(MLSMessage, [UInt8])] = []
      for _ in 0..<pick(2..<6) {
        let text = Array("m\(operations) from \(sender)".utf8)
        burst.append((try members[sender].state.encrypt(application: text), text))
        count("application")
      }
      for receiver in members.indices where receiver != sender {
        for (message, text) in burst.shuffled(using: &rng) {
          let processed = try members[receiver].state.process(message)
          guard case .application(let data) = processed.content, data == text else {
            throw fail("application data garbled at receiver \(receiver)")
          }
        }
      }
      let receiver = (sender + 1 + pick(0..<(members.count - 1))) % members.count
      let replayed = burst[pick(0..<burst.count)].0
      if (try? members[receiver].state.process(replayed)) != nil {
        throw fail("replayed application message accepted")
      }
      count("replay rejected")
      for former in formers {
        var copy = former
        if (try? copy.process(replayed)) != nil {
          throw fail("a removed member decrypted a message of epoch \(members[0].state.epoch)")
        }
        count("removed member locked out")
      }
    }
  }

  // MARK: Proposals by reference

  /// Leaves with an Update or Remove this epoch (§12.2 allows one per leaf).
  var touched: Set<UInt32> = []
  var removing: Set<UInt32> = []
  var hasGroupContextExtensions = false

  mutating func sendProposal(from sender: Int, _ proposal: Proposal?) throws {
    members[sender].state.options.encryptHandshakeMessages = chance(50)
    let message: MLSMessage
    if let proposal {
      message = try members[sender].state.propose(proposal)
    } else {
      message = try members[sender].state.proposeUpdate()
    }
    for receiver in members.indices where receiver != sender {
      guard case .proposal = try members[receiver].state.process(message).content else {
        throw fail("proposal not cached at \(receiver)")
      }
    }
  }

  /// A leaf of a member other than `excluded` with no Update or Remove yet, if any.
  mutating func untouchedLeaf(excluding excluded: Set<Int>) -> LeafIndex? {
    let candidates = members.indices.filter {
      !excluded.contains($0) && !touched.contains(members[$0].state.ownLeafIndex.rawValue)
    }
    guard !candidates.isEmpty else { return nil }
    return members[candidates[pick(0..<candidates.count)]].state.ownLeafIndex
  }

  mutating func proposalPhase() throws {
    touched = []
    removing = []
    hasGroupContextExtensions = false
    for _ in 0..<pick(0..<5) {
      let sender = pick(0..<members.count)
      let leaf = members[sender].state.ownLeafIndex.rawValue
      switch pick(0..<10) {
      case 0, 1:
        guard members.count < 36 else { continue }
        let client = try freshClient()
        pendingClients.append(client)
        try sendProposal(from: sender, .add(Add(keyPackage: client.keyPackage)))
        count("add proposal")
      case 2, 3:
        guard members.count - removing.count > 20,
          let target = untouchedLeaf(excluding: [sender])
        else { continue }
        try sendProposal(from: sender, .remove(Remove(removed: target)))
        touched.insert(target.rawValue)
        removing.insert(target.rawValue)
        count("remove proposal")
      case 4, 5, 6:
        guard !touched.contains(leaf) else { continue }
        try sendProposal(from: sender, nil)
        touched.insert(leaf)
        count("update proposal")
      case 7, 8:
        let id = PreSharedKeyID(
          key: .external(pskID: pskIDs[pick(0..<pskIDs.count)]),
          pskNonce: try SecureRandom.bytes(32))
        try sendProposal(from: sender, .preSharedKey(PreSharedKey(psk: id)))
        count("external psk proposal")
      default:
        guard !hasGroupContextExtensions else { continue }
        try sendProposal(
          from: sender, .groupContextExtensions(GroupContextExtensions(extensions: newExtensions()))
        )
        hasGroupContextExtensions = true
        count("group context extensions proposal")
      }
    }
  }

  /// Alternates the GroupContext between no extension and a required_capabilities that every
  /// client meets (basic credentials), so each change is a real change.
  func newExtensions() throws -> [Extension] {
    guard members[0].state.groupContext.extensions.isEmpty else { return [] }
    let required = RequiredCapabilities(
      extensionTypes: [], proposalTypes: [], credentialTypes: [.basic])
    return [try Extension(required)]
  }

  // MARK: Epoch changes

  /// A member not removed by a pending proposal commits everything pending, plus maybe an Add
  /// or a Remove by value. RFC 9420 §12.4.
  mutating func regularCommit() throws {
    let candidates = members.indices.filter {
      !removing.contains(members[$0].state.ownLeafIndex.rawValue)
    }
    let committer = candidates[pick(0..<candidates.count)]
    var byValue: [Proposal] = []
    var newcomers: [GroupClient] = []
    if chance(25), members.count < 36 {
      let client = try freshClient()
      newcomers.append(client)
      byValue.append(.add(Add(keyPackage: client.keyPackage)))
      count("add by value")
    }
    if chance(20), members.count - removing.count > 20,
      let target = untouchedLeaf(excluding: [committer])
    {
      byValue.append(.remove(Remove(removed: target)))
      count("remove by value")
    }
    let encrypted = chance(50)
    members[committer].state.options.encryptHandshakeMessages = encrypted
    count(encrypted ? "commit (PrivateMessage)" : "commit (PublicMessage)")
    let output = try members[committer].state.commit(proposals: byValue, forcePath: chance(40))
    try deliverCommit(output.commit, from: committer)
    if let welcome = output.welcome {
      // Proposals by reference carried the other newcomers' KeyPackages; find them by name.
      let known = Set(members.map(\.client.name))
      for (_, leaf) in members[0].state.members where !known.contains(leafName(leaf)) {
        let client = try clientFor(leaf, among: newcomers)
        let joined = try client.join(welcome, psks: pskStore, options: options)
        members.append(SimulatedMember(client: client, state: joined))
        count("welcome join")
      }
    }
  }

  func leafName(_ leaf: LeafNode) -> String {
    if case .basic(let identity) = leaf.credential {
      return String(decoding: identity, as: UTF8.self)
    }
    return ""
  }

  /// Clients whose KeyPackages were proposed by reference in this epoch.
  var pendingClients: [GroupClient] = []

  func clientFor(_ leaf: LeafNode, among newcomers: [GroupClient]) throws -> GroupClient {
    let name = leafName(leaf)
    guard let client = (newcomers + pendingClients).first(where: { $0.name == name }) else {
      throw fail("no client for added leaf \(name)")
    }
    return client
  }

  /// Every other member processes the commit; removed members leave, the rest merge.
  mutating func deliverCommit(_ commit: MLSMessage, from committer: Int?) throws {
    var remaining: [SimulatedMember] = []
    for index in members.indices {
      if index == committer {
        try members[index].state.mergePendingCommit()
        remaining.append(members[index])
        continue
      }
      let before = members[index].state
      let processed = try members[index].state.process(commit)
      guard case .commit(let staged) = processed.content else { throw fail("not a commit") }
      if staged.removesSelf {
        formers.append(before)
        if formers.count > formerLimit { formers.removeFirst() }
        try members[index].state.merge(staged)
        guard !members[index].state.isActive else { throw fail("removed member still active") }
        count("member removed")
        continue
      }
      try members[index].state.merge(staged)
      remaining.append(members[index])
    }
    members = remaining
  }

  /// A new client joins by external commit, or a member resyncs by removing its own leaf and
  /// joining again with fresh keys. RFC 9420 §12.4.3.2.
  mutating func externalCommit(resync: Bool) throws {
    let source = pick(0..<members.count)
    let info = try members[source].state.groupInfo()
    var resynced: Int?
    let client: GroupClient
    if resync {
      let index = pick(0..<members.count)
      resynced = index
      client = try GroupClient(members[index].client.name)
    } else {
      client = try freshClient()
    }
    let psks: [PreSharedKeyID] =
      chance(30)
      ? [
        PreSharedKeyID(
          key: .external(pskID: pskIDs[0]), pskNonce: try SecureRandom.bytes(32))
      ] : []
    let joined = try GroupState.joinByExternalCommit(
      groupInfo: info, leafNode: client.keyPackage.leafNode,
      signaturePrivateKey: client.signaturePrivateKey,
      resyncRemoving: resynced.map { members[$0].state.ownLeafIndex }, psks: psks,
      pskStore: pskStore, options: options)
    if let resynced {
      members.remove(at: resynced)
      count("resync")
    } else {
      count("external join")
    }
    try deliverCommit(joined.commit, from: nil)
    members.append(SimulatedMember(client: client, state: joined.group))
  }

  // MARK: Checks

  /// All members share epoch, epoch authenticator and exporter output (§8.5, §8.7).
  func checkAgreement() throws {
    let first = members[0].state
    let exported = try first.exporter(label: "simulation", context: [], length: 32)
    for member in members.dropFirst() {
      guard member.state.epoch == first.epoch,
        member.state.epochAuthenticator == first.epochAuthenticator,
        try member.state.exporter(label: "simulation", context: [], length: 32) == exported
      else { throw fail("members disagree in epoch \(first.epoch)") }
    }
  }

  mutating func run(epochs: Int, size: Int) throws {
    try found(size: size)
    for _ in 0..<epochs {
      try applicationPhase()
      pendingClients = []
      try proposalPhase()
      switch pick(0..<10) {
      case 0: try externalCommit(resync: false)
      case 1: try externalCommit(resync: true)
      default: try regularCommit()
      }
      try checkAgreement()
      count("epoch agreement checked")
    }
  }
}

@Suite("Multi-member simulation (RFC 9420 §12)")
struct GroupSimulationTests {
  static let seed =
    ProcessInfo.processInfo.environment["SPACEPANDA_SIM_SEED"].flatMap { UInt64($0) }
    ?? 0x5EED_2026

  @Test("24 members, 60 epochs of seeded random traffic: everyone agrees after every epoch")
  func simulation() throws {
    var simulation = GroupSimulation(seed: Self.seed)
    let start = Date()
    do {
      try simulation.run(epochs: 60, size: 24)
    } catch {
      Issue.record("simulation failed, seed \(Self.seed): \(error)")
      return
    }
    let seconds = Date().timeIntervalSince(start)
    let summary = simulation.counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    print(
      "simulation seed \(Self.seed): \(simulation.operations) operations, final size",
      "\(simulation.members.count), epoch \(simulation.members[0].state.epoch),",
      String(format: "%.1f s;", seconds), summary.joined(separator: " "))
    #expect(simulation.operations >= 300, "seed \(Self.seed)")
    #expect(simulation.members[0].state.epoch == 61, "seed \(Self.seed)")
    #expect(simulation.members.count >= 20, "seed \(Self.seed)")
    for counter in [
      "external join", "resync", "member removed", "removed member locked out", "replay rejected",
      "commit (PrivateMessage)", "commit (PublicMessage)", "update proposal",
      "external psk proposal", "group context extensions proposal", "welcome join",
    ] {
      #expect((simulation.counts[counter] ?? 0) > 0, "\(counter) never happened, seed \(Self.seed)")
    }
  }

  @Test("The same seed replays the same choices")
  func reproducible() throws {
    var first = GroupSimulation(seed: Self.seed)
    try first.run(epochs: 6, size: 21)
    var second = GroupSimulation(seed: Self.seed)
    try second.run(epochs: 6, size: 21)
    #expect(first.counts == second.counts)
    #expect(first.members.map(\.client.name) == second.members.map(\.client.name))
  }

  @Test("The agreement check catches a member left behind")
  func agreementCheckFails() throws {
    var simulation = GroupSimulation(seed: Self.seed)
    try simulation.found(size: 3)
    let output = try simulation.members[0].state.commit(forcePath: true)
    try simulation.members[0].state.mergePendingCommit()
    guard case .commit(let staged) = try simulation.members[1].state.process(output.commit).content
    else { throw GroupTestFailure.notACommit }
    try simulation.members[1].state.merge(staged)
    #expect(throws: SimulationFailure.self) { try simulation.checkAgreement() }
  }
}
