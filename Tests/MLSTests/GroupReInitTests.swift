import MLSCodec
import MLSCrypto
import Testing

@testable import MLS

/// Joins a reinitialised or branched group as `client`, from `welcome`.
func joinResumed(
  _ client: GroupClient, welcome: MLSMessage, reinitOf previous: GroupState? = nil,
  branchOf parent: GroupState? = nil, psks: PSKStore = PSKStore()
) throws -> GroupState {
  guard case .welcome(let body) = welcome.body else { throw GroupTestFailure.notAWelcome }
  if let previous {
    return try GroupState.joinReInit(
      welcome: body, previous: previous, keyPackage: client.keyPackage,
      initPrivateKey: client.bundle.initPrivateKey,
      encryptionPrivateKey: client.bundle.encryptionPrivateKey,
      signaturePrivateKey: client.signaturePrivateKey, psks: psks)
  }
  return try GroupState.joinBranch(
    welcome: body, parent: try #require(parent), keyPackage: client.keyPackage,
    initPrivateKey: client.bundle.initPrivateKey,
    encryptionPrivateKey: client.bundle.encryptionPrivateKey,
    signaturePrivateKey: client.signaturePrivateKey, psks: psks)
}

@Suite("ReInit to completion (RFC 9420 §11.2)")
struct GroupReInitTests {
  static let newSuite = CipherSuite.x25519ChaCha20Sha256Ed25519
  static let newExtensions = [
    Extension(extensionType: .applicationID, extensionData: [0x01, 0x52])
  ]
  let reinit = ReInit(
    groupID: Array("reborn".utf8), version: .mls10, cipherSuite: newSuite,
    extensions: newExtensions)

  /// alice, bob, carol after alice's ReInit commit (epoch 2, all ended), and fresh clients of the
  /// same names in the new suite.
  func endedGroup() throws -> (old: [GroupState], next: [GroupClient]) {
    var (_, states) = try threeMemberGroup()
    let output = try states[0].commit(proposals: [.reInit(reinit)])
    try deliver(output.commit, to: &states, except: 0)
    let next = try ["alice", "bob", "carol"].map { try GroupClient($0, suite: Self.newSuite) }
    return (states, next)
  }

  /// A new group started by bob with a chosen PSK, epoch count or parameters.
  func start(
    _ old: [GroupState], _ next: [GroupClient], psk: PreSharedKeyID?,
    parameters: GroupState.ResumptionParameters? = nil, emptyEpochs: Int = 0,
    members: [KeyPackage]? = nil, secret: SecretBytes? = nil
  ) throws -> ResumedGroup {
    try GroupState.startResumedGroup(
      parameters
        ?? .init(
          groupID: reinit.groupID, version: reinit.version, cipherSuite: reinit.cipherSuite,
          extensions: reinit.extensions),
      creator: next[1].bundle, signaturePrivateKey: next[1].signaturePrivateKey,
      keyPackages: members ?? [next[0].keyPackage, next[2].keyPackage], injecting: psk,
      psk: secret ?? old[1].resumptionPSK, options: GroupOptions(), emptyEpochs: emptyEpochs)
  }

  func pskID(_ usage: ResumptionPSKUsage, group: [UInt8], epoch: UInt64) throws -> PreSharedKeyID {
    PreSharedKeyID(
      key: .resumption(usage: usage, pskGroupID: group, pskEpoch: epoch),
      pskNonce: try SecureRandom.bytes(32))
  }

  @Test("A member other than the committer recreates the group; all agree in epoch 1")
  func completeReInit() throws {
    let (old, next) = try endedGroup()
    #expect(old[0].epoch == 2)
    let resumed = try old[1].reinitialize(
      creator: next[1].bundle, signaturePrivateKey: next[1].signaturePrivateKey,
      keyPackages: [next[0].keyPackage, next[2].keyPackage])
    let id = try #require(resumed.resumptionPSKID)
    #expect(id.key == .resumption(usage: .reinit, pskGroupID: old[0].groupID, pskEpoch: 2))
    #expect(id.pskNonce.count == 32)
    let alice = try joinResumed(next[0], welcome: resumed.welcome, reinitOf: old[0])
    let carol = try joinResumed(next[2], welcome: resumed.welcome, reinitOf: old[2])
    var states = [alice, resumed.group, carol]
    try expectAgreement(states)
    #expect(alice.epoch == 1)
    #expect(alice.groupID == reinit.groupID)
    #expect(alice.cipherSuite == Self.newSuite)
    #expect(alice.groupContext.extensions == Self.newExtensions)
    #expect(alice.members.count == 3)
    // The PSK matters: the same Welcome without the old group's secret does not open.
    #expect(throws: GroupError.invalidWelcome(.pskUnavailable)) {
      _ = try next[0].join(resumed.welcome)
    }
    // The new group works: a commit and application data.
    let commit = try states[2].commit(forcePath: true)
    try deliver(commit.commit, to: &states, except: 2)
    try expectAgreement(states)
    let message = try states[0].encrypt(application: Array("again".utf8))
    guard case .application(let data) = try states[1].process(message).content else {
      throw GroupTestFailure.notACommit
    }
    #expect(data == Array("again".utf8))
  }

  @Test("Only a group ended by a ReInit can be reinitialised or rejoined")
  func noReInit() throws {
    let (states, next) = try endedGroup()
    let (_, active) = try threeMemberGroup()
    #expect(throws: GroupError.invalidResumption(.noReInit)) {
      _ = try active[1].reinitialize(
        creator: next[1].bundle, signaturePrivateKey: next[1].signaturePrivateKey,
        keyPackages: [])
    }
    let resumed = try states[1].reinitialize(
      creator: next[1].bundle, signaturePrivateKey: next[1].signaturePrivateKey,
      keyPackages: [next[0].keyPackage])
    #expect(throws: GroupError.invalidResumption(.noReInit)) {
      _ = try joinResumed(next[0], welcome: resumed.welcome, reinitOf: active[0])
    }
  }

  @Test("A Welcome without a reinit PSK is refused")
  func missingPSK() throws {
    let (old, next) = try endedGroup()
    let resumed = try start(old, next, psk: nil)
    #expect(throws: GroupError.invalidResumption(.missingResumptionPSK)) {
      _ = try joinResumed(next[0], welcome: resumed.welcome, reinitOf: old[0])
    }
    // A resumption PSK of usage application does not count either.
    let application = try start(
      old, next, psk: try pskID(.application, group: old[0].groupID, epoch: 2))
    #expect(throws: GroupError.invalidResumption(.missingResumptionPSK)) {
      _ = try joinResumed(next[0], welcome: application.welcome, reinitOf: old[0])
    }
  }

  @Test("A branch PSK in a reinit Welcome is refused")
  func wrongUsage() throws {
    let (old, next) = try endedGroup()
    let resumed = try start(old, next, psk: try pskID(.branch, group: old[0].groupID, epoch: 2))
    #expect(throws: GroupError.invalidResumption(.wrongUsage(.branch))) {
      _ = try joinResumed(next[0], welcome: resumed.welcome, reinitOf: old[0])
    }
  }

  @Test("A reinit PSK of another epoch than the ReInit commit's is refused")
  func wrongEpoch() throws {
    let (old, next) = try endedGroup()
    let earlier = try #require(old[1].resumptionPSK(epoch: 1))
    let resumed = try start(
      old, next, psk: try pskID(.reinit, group: old[0].groupID, epoch: 1), secret: earlier)
    #expect(throws: GroupError.invalidResumption(.wrongEpoch(expected: 2, received: 1))) {
      _ = try joinResumed(next[0], welcome: resumed.welcome, reinitOf: old[0])
    }
  }

  @Test("A reinit PSK of another group is refused")
  func wrongGroup() throws {
    let (old, next) = try endedGroup()
    let other = Array("other".utf8)
    var store = PSKStore()
    store.addResumption(groupID: other, epoch: 2, psk: old[1].resumptionPSK)
    let resumed = try start(old, next, psk: try pskID(.reinit, group: other, epoch: 2))
    #expect(throws: GroupError.invalidResumption(.wrongGroupID)) {
      _ = try joinResumed(next[0], welcome: resumed.welcome, reinitOf: old[0], psks: store)
    }
  }

  @Test("The new group must be in epoch 1")
  func epochNotOne() throws {
    let (old, next) = try endedGroup()
    let resumed = try start(
      old, next, psk: try pskID(.reinit, group: old[0].groupID, epoch: 2), emptyEpochs: 1)
    #expect(throws: GroupError.invalidResumption(.newEpochNotOne(2))) {
      _ = try joinResumed(next[0], welcome: resumed.welcome, reinitOf: old[0])
    }
  }

  @Test("Group id, suite and extensions must be the ReInit's")
  func parametersMismatch() throws {
    let (old, next) = try endedGroup()
    let changed = GroupState.ResumptionParameters(
      groupID: reinit.groupID, version: .mls10, cipherSuite: Self.newSuite, extensions: [])
    let resumed = try start(
      old, next, psk: try pskID(.reinit, group: old[0].groupID, epoch: 2), parameters: changed)
    #expect(throws: GroupError.invalidResumption(.reinitParametersMismatch)) {
      _ = try joinResumed(next[0], welcome: resumed.welcome, reinitOf: old[0])
    }
    let renamed = GroupState.ResumptionParameters(
      groupID: [9], version: .mls10, cipherSuite: Self.newSuite,
      extensions: Self.newExtensions)
    let second = try start(
      old, next, psk: try pskID(.reinit, group: old[0].groupID, epoch: 2), parameters: renamed)
    #expect(throws: GroupError.invalidResumption(.reinitParametersMismatch)) {
      _ = try joinResumed(next[0], welcome: second.welcome, reinitOf: old[0])
    }
  }

  @Test("Only members of the old group enter the new one")
  func strangerRefused() throws {
    let (old, next) = try endedGroup()
    let mallory = try GroupClient("mallory", suite: Self.newSuite)
    #expect(throws: GroupError.invalidResumption(.unknownMember(2))) {
      _ = try old[1].reinitialize(
        creator: next[1].bundle, signaturePrivateKey: next[1].signaturePrivateKey,
        keyPackages: [next[0].keyPackage, mallory.keyPackage])
    }
    let resumed = try start(
      old, next, psk: try pskID(.reinit, group: old[0].groupID, epoch: 2),
      members: [next[0].keyPackage, mallory.keyPackage])
    #expect(throws: GroupError.invalidResumption(.unknownMember(2))) {
      _ = try joinResumed(next[0], welcome: resumed.welcome, reinitOf: old[0])
    }
  }

  @Test("§11.2 a reinit PSK proposal in a running group is invalid")
  func reinitPSKProposalRejected() throws {
    var (_, states) = try threeMemberGroup()
    let id = try pskID(.reinit, group: states[0].groupID, epoch: 1)
    #expect(throws: GroupError.invalidProposalList(.pskUsageNotAllowed)) {
      _ = try states[0].commit(proposals: [.preSharedKey(PreSharedKey(psk: id))])
    }
    let forged = try states[0].forgeProposal(.preSharedKey(PreSharedKey(psk: id)))
    #expect(throws: GroupError.invalidProposalList(.pskUsageNotAllowed)) {
      _ = try states[1].process(forged)
    }
  }
}
