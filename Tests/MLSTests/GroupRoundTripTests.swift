import MLSCodec
import MLSCrypto
import Testing

@testable import MLS

@Suite("Group round trips (RFC 9420 §11, §12)")
struct GroupRoundTripTests {
  @Test("Create, add two members by Welcome: all agree on epoch 1")
  func createAndAdd() throws {
    let (_, states) = try threeMemberGroup()
    try expectAgreement(states)
    #expect(states[0].epoch == 1)
    #expect(states.map(\.ownLeafIndex) == [LeafIndex(0), LeafIndex(1), LeafIndex(2)])
    #expect(states[0].members.count == 3)
  }

  @Test("Every suite: create, add, empty commit", arguments: CipherSuite.all)
  func everySuite(suite: CipherSuite) throws {
    var (_, states) = try threeMemberGroup(suite: suite)
    try expectAgreement(states)
    let output = try states[1].commit()
    try deliver(output.commit, to: &states, except: 1)
    try expectAgreement(states)
    #expect(states[0].epoch == 2)
  }

  @Test("Update by reference, remove by value, application data, in PublicMessage")
  func updateRemoveApplication() throws {
    var (clients, states) = try threeMemberGroup()
    // bob proposes an Update; alice and carol cache it; carol commits it by reference.
    let update = try states[1].proposeUpdate()
    for index in [0, 2] {
      let processed = try states[index].process(update)
      guard case .proposal(.update, _) = processed.content else {
        throw GroupTestFailure.notAProposal
      }
    }
    let oldBobKey = try #require(states[0].tree.leafNode(at: LeafIndex(1))).encryptionKey
    let commit = try states[2].commit()
    #expect(try commitBody(commit.commit).proposals.count == 1)
    try deliver(commit.commit, to: &states, except: 2)
    try expectAgreement(states)
    #expect(try #require(states[0].tree.leafNode(at: LeafIndex(1))).encryptionKey != oldBobKey)
    // alice removes bob by value.
    let removal = try states[0].commit(proposals: [.remove(Remove(removed: LeafIndex(1)))])
    let bobView = try states[1].process(removal.commit)
    guard case .commit(let bobStaged) = bobView.content else { throw GroupTestFailure.notACommit }
    #expect(bobStaged.removesSelf)
    try states[1].merge(bobStaged)
    #expect(!states[1].isActive)
    var remaining = [states[0], states[2]]
    try deliver(removal.commit, to: &remaining, except: 0)
    try expectAgreement(remaining)
    #expect(remaining[0].members.count == 2)
    // Application data both ways.
    let message = try remaining[0].encrypt(application: Array("hello".utf8))
    let received = try remaining[1].process(message)
    guard case .application(let data) = received.content else {
      Issue.record("expected application data")
      return
    }
    #expect(data == Array("hello".utf8))
    _ = clients
  }

  @Test("Handshake messages as PrivateMessage, add by reference, four members")
  func privateHandshake() throws {
    let options = GroupOptions(encryptHandshakeMessages: true)
    var (_, states) = try threeMemberGroup(options: options)
    let dave = try GroupClient("dave")
    let proposal = try states[1].propose(.add(Add(keyPackage: dave.keyPackage)))
    guard case .privateMessage = proposal.body else {
      Issue.record("expected a PrivateMessage")
      return
    }
    for index in [0, 2] { _ = try states[index].process(proposal) }
    let output = try states[0].commit()
    guard case .privateMessage = output.commit.body else {
      Issue.record("expected a PrivateMessage commit")
      return
    }
    try deliver(output.commit, to: &states, except: 0)
    states.append(try dave.join(output.welcome, options: options))
    try expectAgreement(states)
    #expect(states[3].ownLeafIndex == LeafIndex(3))
    // dave commits with a path; everyone follows.
    let fromDave = try states[3].commit(forcePath: true)
    try deliver(fromDave.commit, to: &states, except: 3)
    try expectAgreement(states)
  }

  @Test("External and resumption PSKs, GroupContextExtensions")
  func psksAndExtensions() throws {
    var (_, states) = try threeMemberGroup()
    let pskID = Array("shared psk".utf8)
    for index in states.indices {
      states[index].psks.addExternal(pskID: pskID, psk: SecretBytes(Array(repeating: 7, count: 32)))
    }
    let nonce = try SecureRandom.bytes(32)
    let external = PreSharedKeyID(key: .external(pskID: pskID), pskNonce: nonce)
    let output = try states[0].commit(proposals: [.preSharedKey(PreSharedKey(psk: external))])
    #expect(try commitBody(output.commit).path == nil)
    try deliver(output.commit, to: &states, except: 0)
    try expectAgreement(states)
    let resumption = PreSharedKeyID(
      key: .resumption(usage: .application, pskGroupID: states[0].groupID, pskEpoch: 1),
      pskNonce: try SecureRandom.bytes(32))
    let second = try states[1].commit(proposals: [.preSharedKey(PreSharedKey(psk: resumption))])
    try deliver(second.commit, to: &states, except: 1)
    try expectAgreement(states)
    let extensions = [Extension(extensionType: .applicationID, extensionData: [0x01, 0x41])]
    let third = try states[2].commit(proposals: [
      .groupContextExtensions(GroupContextExtensions(extensions: extensions))
    ])
    #expect(try commitBody(third.commit).path != nil)
    try deliver(third.commit, to: &states, except: 2)
    try expectAgreement(states)
    #expect(states[0].groupContext.extensions == extensions)
    #expect(states[0].epoch == 4)
  }

  @Test("A joiner with the tree out of band; a discarded commit changes nothing")
  func outOfBandTreeAndDiscard() throws {
    let options = GroupOptions(ratchetTreeInWelcome: false)
    let alice = try GroupClient("alice")
    let bob = try GroupClient("bob")
    var group = try alice.createGroup(options: options)
    let before = group.epochAuthenticator
    let output = try group.commit(proposals: [.add(Add(keyPackage: bob.keyPackage))])
    #expect(group.hasPendingCommit)
    #expect(throws: GroupError.commitPending) { _ = try group.commit() }
    try group.discardPendingCommit()
    #expect(group.epoch == 0)
    #expect(group.epochAuthenticator == before)
    #expect(throws: GroupError.noPendingCommit) { try group.mergePendingCommit() }
    #expect(throws: GroupError.invalidWelcome(.missingRatchetTree)) {
      _ = try bob.join(output.welcome)
    }
    let again = try group.commit(proposals: [.add(Add(keyPackage: bob.keyPackage))])
    try group.mergePendingCommit()
    let joined = try bob.join(again.welcome, ratchetTree: group.tree.wireForm)
    try expectAgreement([group, joined])
  }

  @Test("§12.4.2 a ReInit commit ends the group for everyone")
  func reinitEndsGroup() throws {
    var (_, states) = try threeMemberGroup()
    let reinit = ReInit(
      groupID: Array("next".utf8), version: .mls10, cipherSuite: .x25519Aes128Sha256Ed25519,
      extensions: [])
    let output = try states[0].commit(proposals: [.reInit(reinit)])
    try deliver(output.commit, to: &states, except: 0)
    try expectAgreement(states)
    for state in states {
      #expect(!state.isActive)
      #expect(state.pendingReInit == reinit)
    }
    #expect(throws: GroupError.notActive) { _ = try states[1].encrypt(application: [1]) }
    #expect(throws: GroupError.notActive) { _ = try states[1].commit() }
  }

  @Test("§12.4 no application data while received proposals wait; echoes cached once")
  func commitBeforeApplication() throws {
    var (_, states) = try threeMemberGroup()
    let proposal = try states[1].propose(.remove(Remove(removed: LeafIndex(2))))
    _ = try states[0].process(proposal)
    _ = try states[0].process(proposal)
    _ = try states[1].process(proposal)
    #expect(states[0].pendingProposals.count == 1)
    #expect(states[1].pendingProposals.count == 1)
    #expect(throws: GroupError.commitRequired) { _ = try states[0].encrypt(application: [1]) }
    let commit = try states[0].commit()
    #expect(try commitBody(commit.commit).proposals.count == 1)
    var remaining = [states[0], states[1]]
    try deliver(commit.commit, to: &remaining, except: 0)
    let message = try remaining[0].encrypt(application: [1])
    guard case .application(let data) = try remaining[1].process(message).content else {
      throw GroupTestFailure.notACommit
    }
    #expect(data == [1])
  }
}
