import MLSCodec
import MLSCrypto
import Testing

@testable import MLS

@Suite("External commits and external proposals (RFC 9420 §12.1.8, §12.4.3.2)")
struct GroupExternalTests {
  let options = GroupOptions(externalPubInGroupInfo: true)

  @Test("A new client joins by external commit; members follow; it then commits itself")
  func externalJoin() throws {
    var (_, states) = try threeMemberGroup(options: options)
    let dave = try GroupClient("dave")
    let info = try states[0].groupInfo()
    let joined = try GroupState.joinByExternalCommit(
      groupInfo: info, leafNode: dave.keyPackage.leafNode,
      signaturePrivateKey: dave.signaturePrivateKey, options: options)
    for index in states.indices {
      let processed = try states[index].process(joined.commit)
      guard case .commit(let staged) = processed.content else { throw GroupTestFailure.notACommit }
      #expect(staged.sender == .newMemberCommit)
      #expect(staged.addedLeaves == [LeafIndex(3)])
      try states[index].merge(staged)
    }
    states.append(joined.group)
    try expectAgreement(states)
    #expect(joined.group.ownLeafIndex == LeafIndex(3))
    let next = try states[3].commit(forcePath: true)
    try deliver(next.commit, to: &states, except: 3)
    try expectAgreement(states)
  }

  @Test("Resync: a member re-joins by external commit, removing its old leaf")
  func resync() throws {
    var (clients, states) = try threeMemberGroup(options: options)
    let info = try states[0].groupInfo()
    let oldBob = try #require(states[1].tree.leafNode(at: LeafIndex(1)))
    let rejoined = try GroupState.joinByExternalCommit(
      groupInfo: info, leafNode: oldBob, signaturePrivateKey: clients[1].signaturePrivateKey,
      resyncRemoving: LeafIndex(1), options: options)
    let staleView = try states[1].process(rejoined.commit)
    guard case .commit(let stale) = staleView.content else { throw GroupTestFailure.notACommit }
    #expect(stale.removesSelf)
    var members = [states[0], states[2]]
    for index in members.indices {
      guard case .commit(let staged) = try members[index].process(rejoined.commit).content else {
        throw GroupTestFailure.notACommit
      }
      try members[index].merge(staged)
    }
    members.append(rejoined.group)
    try expectAgreement(members)
    #expect(rejoined.group.ownLeafIndex == LeafIndex(1))
  }

  @Test("Without external_pub in the GroupInfo no external commit is possible")
  func missingExternalPub() throws {
    let (_, states) = try threeMemberGroup()
    let dave = try GroupClient("dave")
    #expect(throws: GroupError.invalidWelcome(.missingExternalPub)) {
      _ = try GroupState.joinByExternalCommit(
        groupInfo: try states[0].groupInfo(), leafNode: dave.keyPackage.leafNode,
        signaturePrivateKey: dave.signaturePrivateKey)
    }
  }

  @Test("§12.2 external commit lists: one ExternalInit, at most one Remove, PSKs only")
  func externalListRules() throws {
    let (_, states) = try threeMemberGroup()
    let initProposal = Proposal.externalInit(ExternalInit(kemOutput: [1]))
    let cases: [[Proposal]] = [
      [],
      [initProposal, initProposal],
      [
        initProposal, .remove(Remove(removed: LeafIndex(1))),
        .remove(Remove(removed: LeafIndex(2))),
      ],
      [initProposal, .groupContextExtensions(GroupContextExtensions(extensions: []))],
    ]
    for proposals in cases {
      let resolved = proposals.map { ResolvedProposal(proposal: $0, sender: .newMemberCommit) }
      #expect(throws: GroupError.invalidProposalList(.invalidExternalCommitProposals)) {
        try states[0].validateExternalProposalList(resolved)
      }
    }
  }

  @Test("A tampered external commit is refused and leaves members unchanged")
  func tamperedExternalCommit() throws {
    let (_, states) = try threeMemberGroup(options: options)
    let dave = try GroupClient("dave")
    let joined = try GroupState.joinByExternalCommit(
      groupInfo: try states[0].groupInfo(), leafNode: dave.keyPackage.leafNode,
      signaturePrivateKey: dave.signaturePrivateKey, options: options)
    guard case .publicMessage(var message) = joined.commit.body else {
      throw GroupTestFailure.notACommit
    }
    message.auth.confirmationTag?[0] ^= 1
    var alice = states[0]
    #expect(throws: GroupError.invalidCommit(.confirmationTagMismatch)) {
      _ = try alice.process(MLSMessage(body: .publicMessage(message)))
    }
    #expect(alice.epoch == states[0].epoch)
  }

  @Test("An external sender's Remove and a new member's Add request are committed")
  func externalProposals() throws {
    let suite = CipherSuite.x25519Aes128Sha256Ed25519
    let provider = try CipherSuiteProvider(suite)
    let server = try provider.generateSignatureKeyPair()
    let senders = try Extension(
      ExternalSenders(senders: [
        ExternalSender(signatureKey: server.publicKey, credential: .basic(identity: [0x53]))
      ]))
    let clients = try ["alice", "bob", "carol"].map { try GroupClient($0) }
    var alice = try clients[0].createGroup(extensions: [senders])
    let added = try alice.commit(proposals: [
      .add(Add(keyPackage: clients[1].keyPackage)), .add(Add(keyPackage: clients[2].keyPackage)),
    ])
    try alice.mergePendingCommit()
    var states = [alice, try clients[1].join(added.welcome), try clients[2].join(added.welcome)]
    let removal = try ExternalProposal.make(
      .remove(Remove(removed: LeafIndex(2))), groupID: states[0].groupID, epoch: 1,
      senderIndex: 0, signaturePrivateKey: server.privateKey, cipherSuite: suite)
    for index in states.indices {
      let processed = try states[index].process(removal)
      #expect(processed.sender == .external(senderIndex: 0))
    }
    let commit = try states[0].commit()
    try deliver(commit.commit, to: &states, except: 0)
    #expect(!states[2].isActive)
    var remaining = [states[0], states[1]]
    try expectAgreement(remaining)
    #expect(remaining[0].members.count == 2)
    // dave asks to be added; bob commits the request; dave joins by Welcome.
    let dave = try GroupClient("dave")
    let request = try ExternalProposal.requestAdd(
      keyPackage: dave.keyPackage, groupID: remaining[0].groupID, epoch: remaining[0].epoch,
      signaturePrivateKey: dave.signaturePrivateKey)
    for index in remaining.indices { _ = try remaining[index].process(request) }
    let addCommit = try remaining[1].commit()
    try deliver(addCommit.commit, to: &remaining, except: 1)
    remaining.append(try dave.join(addCommit.welcome))
    try expectAgreement(remaining)
    // An unknown external sender index and a forbidden proposal type are refused.
    let unknown = try ExternalProposal.make(
      .remove(Remove(removed: LeafIndex(1))), groupID: remaining[0].groupID,
      epoch: remaining[0].epoch, senderIndex: 5, signaturePrivateKey: server.privateKey,
      cipherSuite: suite)
    #expect(throws: GroupError.unknownSender) { _ = try remaining[0].process(unknown) }
    let leaf = try #require(remaining[0].tree.leafNode(at: LeafIndex(1)))
    let update = try ExternalProposal.make(
      .update(Update(leafNode: leaf)), groupID: remaining[0].groupID, epoch: remaining[0].epoch,
      senderIndex: 0, signaturePrivateKey: server.privateKey, cipherSuite: suite)
    #expect(throws: GroupError.invalidProposalList(.updateFromNonMember)) {
      _ = try remaining[0].process(update)
    }
  }
}
