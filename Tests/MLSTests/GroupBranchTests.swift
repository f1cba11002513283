import MLSCodec
import MLSCrypto
import Testing

@testable import MLS

@Suite("Subgroup branching (RFC 9420 §11.3)")
struct GroupBranchTests {
  let subgroupID = Array("subgroup".utf8)

  /// alice, bob, carol, dave in epoch 2 of the parent group, and fresh clients of those names.
  func parentGroup() throws -> (parent: [GroupState], next: [GroupClient]) {
    var (_, states) = try threeMemberGroup()
    let dave = try GroupClient("dave")
    let output = try states[0].commit(proposals: [.add(Add(keyPackage: dave.keyPackage))])
    try deliver(output.commit, to: &states, except: 0)
    states.append(try dave.join(output.welcome))
    let next = try ["alice", "bob", "carol", "dave"].map { try GroupClient($0) }
    return (states, next)
  }

  func start(
    _ parent: [GroupState], _ next: [GroupClient], psk: PreSharedKeyID?,
    suite: CipherSuite = .x25519Aes128Sha256Ed25519, emptyEpochs: Int = 0
  ) throws -> ResumedGroup {
    try GroupState.startResumedGroup(
      .init(groupID: subgroupID, version: .mls10, cipherSuite: suite, extensions: []),
      creator: next[0].bundle, signaturePrivateKey: next[0].signaturePrivateKey,
      keyPackages: [next[1].keyPackage], injecting: psk, psk: parent[0].resumptionPSK,
      options: GroupOptions(),
      emptyEpochs: emptyEpochs)
  }

  func pskID(
    _ usage: ResumptionPSKUsage, group: [UInt8], epoch: UInt64, length: Int = 32
  ) throws -> PreSharedKeyID {
    PreSharedKeyID(
      key: .resumption(usage: usage, pskGroupID: group, pskEpoch: epoch),
      pskNonce: try SecureRandom.bytes(length))
  }

  @Test("Three of four members branch; the fourth gets no Welcome entry")
  func branchSubgroup() throws {
    let (parent, next) = try parentGroup()
    let resumed = try parent[0].branch(
      groupID: subgroupID, creator: next[0].bundle,
      signaturePrivateKey: next[0].signaturePrivateKey,
      keyPackages: [next[1].keyPackage, next[2].keyPackage])
    let id = try #require(resumed.resumptionPSKID)
    #expect(id.key == .resumption(usage: .branch, pskGroupID: parent[0].groupID, pskEpoch: 2))
    let bob = try joinResumed(next[1], welcome: resumed.welcome, branchOf: parent[1])
    let carol = try joinResumed(next[2], welcome: resumed.welcome, branchOf: parent[2])
    var states = [resumed.group, bob, carol]
    try expectAgreement(states)
    #expect(bob.epoch == 1)
    #expect(bob.groupID == subgroupID)
    #expect(bob.members.count == 3)
    #expect(bob.epochAuthenticator != parent[1].epochAuthenticator)
    #expect(throws: GroupError.invalidWelcome(.noSecretsForKeyPackage)) {
      _ = try joinResumed(next[3], welcome: resumed.welcome, branchOf: parent[3])
    }
    // Both groups go on independently.
    let commit = try states[1].commit(forcePath: true)
    try deliver(commit.commit, to: &states, except: 1)
    try expectAgreement(states)
    var parents = parent
    let parentCommit = try parents[3].commit(forcePath: true)
    try deliver(parentCommit.commit, to: &parents, except: 3)
    try expectAgreement(parents)
  }

  @Test("A member who moved on in the parent still joins from a kept past epoch (§8.6)")
  func joinAfterParentAdvanced() throws {
    var (parent, next) = try parentGroup()
    let resumed = try parent[0].branch(
      groupID: subgroupID, creator: next[0].bundle,
      signaturePrivateKey: next[0].signaturePrivateKey, keyPackages: [next[1].keyPackage])
    let commit = try parent[2].commit(forcePath: true)
    try deliver(commit.commit, to: &parent, except: 2)
    #expect(parent[1].epoch == 3)
    let bob = try joinResumed(next[1], welcome: resumed.welcome, branchOf: parent[1])
    try expectAgreement([resumed.group, bob])
    // With a history of one epoch the old PSK is gone.
    var forgetful = parent[1]
    forgetful.options.resumptionPSKHistory = 1
    forgetful.recordResumptionPSK()
    #expect(throws: GroupError.invalidWelcome(.pskUnavailable)) {
      _ = try joinResumed(next[1], welcome: resumed.welcome, branchOf: forgetful)
    }
  }

  @Test("Creator-side rules: a new group id, members of the parent, the parent's suite")
  func creatorRules() throws {
    let (parent, next) = try parentGroup()
    #expect(throws: GroupError.invalidResumption(.sameGroupID)) {
      _ = try parent[0].branch(
        groupID: parent[0].groupID, creator: next[0].bundle,
        signaturePrivateKey: next[0].signaturePrivateKey, keyPackages: [next[1].keyPackage])
    }
    let mallory = try GroupClient("mallory")
    #expect(throws: GroupError.invalidResumption(.unknownMember(1))) {
      _ = try parent[0].branch(
        groupID: subgroupID, creator: next[0].bundle,
        signaturePrivateKey: next[0].signaturePrivateKey, keyPackages: [mallory.keyPackage])
    }
    let otherSuite = try GroupClient("alice", suite: .p256Aes128Sha256P256)
    #expect(throws: GroupError.invalidResumption(.branchParametersMismatch)) {
      _ = try parent[0].branch(
        groupID: subgroupID, creator: otherSuite.bundle,
        signaturePrivateKey: otherSuite.signaturePrivateKey, keyPackages: [])
    }
  }

  @Test("Joiner-side rules: usage, presence, group, epoch 1, suite, group id")
  func joinerRules() throws {
    let (parent, next) = try parentGroup()
    let groupID = parent[0].groupID
    let missing = try start(parent, next, psk: nil)
    #expect(throws: GroupError.invalidResumption(.missingResumptionPSK)) {
      _ = try joinResumed(next[1], welcome: missing.welcome, branchOf: parent[1])
    }
    let reinitUsage = try start(parent, next, psk: try pskID(.reinit, group: groupID, epoch: 2))
    #expect(throws: GroupError.invalidResumption(.wrongUsage(.reinit))) {
      _ = try joinResumed(next[1], welcome: reinitUsage.welcome, branchOf: parent[1])
    }
    let laterEpoch = try start(
      parent, next, psk: try pskID(.branch, group: groupID, epoch: 2), emptyEpochs: 2)
    #expect(throws: GroupError.invalidResumption(.newEpochNotOne(3))) {
      _ = try joinResumed(next[1], welcome: laterEpoch.welcome, branchOf: parent[1])
    }
    // A "subgroup" reusing the parent's id: built by hand, since the creator-side API refuses.
    var same = try next[0].createGroup(id: "group")
    #expect(same.groupID == groupID)
    same.resumptionPSKs[2] = parent[0].resumptionPSK
    let sameID = try pskID(.branch, group: groupID, epoch: 2)
    same.initialResumptionPSK = sameID
    let sameOutput = try same.commit(proposals: [
      .add(Add(keyPackage: next[1].keyPackage)), .preSharedKey(PreSharedKey(psk: sameID)),
    ])
    let sameWelcome = try #require(sameOutput.welcome)
    #expect(throws: GroupError.invalidResumption(.sameGroupID)) {
      _ = try joinResumed(next[1], welcome: sameWelcome, branchOf: parent[1])
    }
    // A branch PSK of another group that the joiner happens to hold.
    var store = PSKStore()
    store.addResumption(groupID: [7], epoch: 2, psk: parent[0].resumptionPSK)
    let foreign = try start(parent, next, psk: try pskID(.branch, group: [7], epoch: 2))
    #expect(throws: GroupError.invalidResumption(.wrongGroupID)) {
      _ = try joinResumed(next[1], welcome: foreign.welcome, branchOf: parent[1], psks: store)
    }
  }

  @Test("A subgroup in another suite than the parent's is refused")
  func suiteMismatch() throws {
    let (parent, _) = try parentGroup()
    let suite = CipherSuite.p256Aes128Sha256P256
    let next = try ["alice", "bob"].map { try GroupClient($0, suite: suite) }
    let resumed = try start(
      parent, next, psk: try pskID(.branch, group: parent[0].groupID, epoch: 2), suite: suite)
    #expect(throws: GroupError.invalidResumption(.branchParametersMismatch)) {
      _ = try joinResumed(next[1], welcome: resumed.welcome, branchOf: parent[1])
    }
  }

  @Test("§11.3 a branch PSK proposal in a running group is invalid")
  func branchPSKProposalRejected() throws {
    var (_, states) = try threeMemberGroup()
    let id = try pskID(.branch, group: states[0].groupID, epoch: 1)
    #expect(throws: GroupError.invalidProposalList(.pskUsageNotAllowed)) {
      _ = try states[0].propose(.preSharedKey(PreSharedKey(psk: id)))
    }
  }
}
