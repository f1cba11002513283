import MLSCodec
import MLSCrypto
import Testing

@testable import MLS

/// One negative test per rule of RFC 9420 §12.1/§12.2 (proposal lists) and §12.4.2 (commits):
/// bob (leaf 1) sends the bad commit, alice (leaf 0) must reject it with that rule and keep
/// her state. Lists expressible by value are also refused when bob tries to commit them.
@Suite("Group validation rules (RFC 9420 §12.2, §12.4.2)")
struct GroupValidationTests {
  let clients: [GroupClient]
  let states: [GroupState]
  let dave: GroupClient

  /// The members' clock, fixed so lifetime errors have exact values.
  let now: UInt64

  init() throws {
    var (clients, states) = try threeMemberGroup()
    now = SystemClock().now
    for index in states.indices { states[index].options.clock = FixedClock(now) }
    self.clients = clients
    self.states = states
    dave = try GroupClient("dave")
  }

  var pskNonce: [UInt8] { Array(repeating: 0x11, count: 32) }

  /// Alice rejects `commit` from bob with `expected`, and her state is unchanged.
  func expectReceiverRejects(_ commit: Commit, _ expected: GroupError) throws {
    var bob = states[1]
    let message = try bob.forgeCommit(commit)
    var alice = states[0]
    #expect(throws: expected) { _ = try alice.process(message) }
    #expect(alice.epoch == states[0].epoch)
    #expect(alice.epochAuthenticator == states[0].epochAuthenticator)
    #expect(alice.pendingProposals.count == states[0].pendingProposals.count)
  }

  /// Both the committer (bob) and the receiver (alice) refuse the by-value list.
  func expectListRejected(_ proposals: [Proposal], _ expected: GroupError) throws {
    var bob = states[1]
    #expect(throws: expected) { _ = try bob.commit(proposals: proposals) }
    #expect(!bob.hasPendingCommit)
    try expectReceiverRejects(
      Commit(proposals: proposals.map { .proposal($0) }, path: nil), expected)
  }

  // MARK: §12.1 individual proposals

  @Test("§12.1.3 Remove of a blank leaf")
  func removeBlank() throws {
    try expectListRejected(
      [.remove(Remove(removed: LeafIndex(7)))], .invalidProposalList(.removeOfBlankLeaf(7)))
  }

  @Test("§12.1.4 PSK nonce of the wrong length")
  func pskNonceLength() throws {
    let id = PreSharedKeyID(key: .external(pskID: [1]), pskNonce: [1, 2, 3])
    try expectListRejected(
      [.preSharedKey(PreSharedKey(psk: id))], .invalidProposalList(.pskNonceLength))
  }

  @Test("§12.1.4 resumption PSK with usage reinit outside a reinit")
  func pskUsage() throws {
    let id = PreSharedKeyID(
      key: .resumption(usage: .reinit, pskGroupID: states[0].groupID, pskEpoch: 1),
      pskNonce: pskNonce)
    try expectListRejected(
      [.preSharedKey(PreSharedKey(psk: id))], .invalidProposalList(.pskUsageNotAllowed))
  }

  @Test("§12.1.5 ReInit to a lower version")
  func reinitDowngrade() throws {
    let reinit = ReInit(
      groupID: [9], version: ProtocolVersion(rawValue: 0), cipherSuite: clients[0].suite,
      extensions: [])
    try expectListRejected([.reInit(reinit)], .invalidProposalList(.reinitVersionDowngrade))
  }

  @Test("§12.1.1/§10.1 Add with an invalid KeyPackage: each rule")
  func invalidKeyPackages() throws {
    var version = dave.keyPackage
    version.version = ProtocolVersion(rawValue: 2)
    try expectListRejected(
      [.add(Add(keyPackage: version))],
      .invalidProposalList(.invalidKeyPackage(.unsupportedVersion(ProtocolVersion(rawValue: 2)))))
    var suite = dave.keyPackage
    suite.cipherSuite = .p256Aes128Sha256P256
    try expectListRejected(
      [.add(Add(keyPackage: suite))],
      .invalidProposalList(
        .invalidKeyPackage(
          .cipherSuiteMismatch(expected: clients[0].suite, actual: .p256Aes128Sha256P256))))
    var signature = dave.keyPackage
    signature.signature[0] ^= 1
    try expectListRejected(
      [.add(Add(keyPackage: signature))],
      .invalidProposalList(.invalidKeyPackage(.signatureInvalid)))
    var sameKeys = dave.keyPackage
    sameKeys.initKey = sameKeys.leafNode.encryptionKey
    try sameKeys.signKeyPackage(privateKey: dave.signaturePrivateKey, provider: dave.provider)
    try expectListRejected(
      [.add(Add(keyPackage: sameKeys))],
      .invalidProposalList(.invalidKeyPackage(.initKeyEqualsEncryptionKey)))
    let expired = try GroupClient("old", clock: FixedClock(1_000_000))
    let notAfter =
      1_000_000 - KeyPackageBuilder.clockSkewAllowance
      + KeyPackageBuilder.defaultLifetime
    try expectListRejected(
      [.add(Add(keyPackage: expired.keyPackage))],
      .invalidProposalList(
        .invalidKeyPackage(.leafNode(.lifetimeExpired(notAfter: notAfter, now: now)))))
  }

  @Test("§12.1.2/§7.3 Update with a bad leaf signature is refused on receipt")
  func invalidUpdate() throws {
    var carol = states[2]
    var leaf = try #require(carol.tree.leafNode(at: LeafIndex(2)))
    leaf.source = .update
    leaf.encryptionKey = try carol.provider.generateKEMKeyPair().publicKey
    let message = try carol.forgeProposal(.update(Update(leafNode: leaf)))
    var alice = states[0]
    #expect(throws: GroupError.invalidProposalList(.invalidUpdateLeaf(.signatureInvalid))) {
      _ = try alice.process(message)
    }
    #expect(alice.pendingProposals.isEmpty)
  }

  @Test("§12.1.2 Update from a non-member")
  func updateFromNonMember() throws {
    let leaf = try #require(states[0].tree.leafNode(at: LeafIndex(2)))
    let proposals = [
      ResolvedProposal(proposal: .update(Update(leafNode: leaf)), sender: .external(senderIndex: 0))
    ]
    #expect(throws: GroupError.invalidProposalList(.updateFromNonMember)) {
      try states[0].validateProposalList(proposals, committer: LeafIndex(1))
    }
  }

  // MARK: §12.2 list rules

  @Test("§12.2 Update by the committer")
  func updateByCommitter() throws {
    let leaf = try #require(states[1].tree.leafNode(at: LeafIndex(1)))
    try expectListRejected(
      [.update(Update(leafNode: leaf))], .invalidProposalList(.updateByCommitter))
  }

  @Test("§12.2 Remove of the committer")
  func removesCommitter() throws {
    try expectListRejected(
      [.remove(Remove(removed: LeafIndex(1)))], .invalidProposalList(.removesCommitter))
  }

  @Test("§12.2 two Removes of one leaf")
  func duplicateRemove() throws {
    let remove = Proposal.remove(Remove(removed: LeafIndex(2)))
    try expectListRejected([remove, remove], .invalidProposalList(.duplicateUpdateOrRemove(2)))
  }

  @Test("§12.2 two Adds of one client")
  func duplicateAdd() throws {
    let add = Proposal.add(Add(keyPackage: dave.keyPackage))
    try expectListRejected([add, add], .invalidProposalList(.duplicateAdd))
  }

  @Test("§12.2 Add of a client already in the group")
  func addOfExistingMember() throws {
    let carolAgain = try GroupClient("carol", signaturePrivateKey: clients[2].signaturePrivateKey)
    try expectListRejected(
      [.add(Add(keyPackage: carolAgain.keyPackage))], .invalidProposalList(.addOfExistingMember))
  }

  @Test("§12.2 two PSK proposals with one PreSharedKeyID")
  func duplicatePSK() throws {
    let psk = Proposal.preSharedKey(
      PreSharedKey(psk: PreSharedKeyID(key: .external(pskID: [1]), pskNonce: pskNonce)))
    try expectListRejected([psk, psk], .invalidProposalList(.duplicatePSK))
  }

  @Test("§12.2 two GroupContextExtensions proposals")
  func multipleGCE() throws {
    let gce = Proposal.groupContextExtensions(GroupContextExtensions(extensions: []))
    try expectListRejected([gce, gce], .invalidProposalList(.multipleGroupContextExtensions))
  }

  @Test("§12.2 ReInit with another proposal")
  func reinitNotAlone() throws {
    let reinit = ReInit(
      groupID: [9], version: .mls10, cipherSuite: clients[0].suite, extensions: [])
    try expectListRejected(
      [.reInit(reinit), .add(Add(keyPackage: dave.keyPackage))],
      .invalidProposalList(.reinitNotAlone))
  }

  @Test("§12.2 ExternalInit in a regular commit")
  func externalInit() throws {
    try expectListRejected(
      [.externalInit(ExternalInit(kemOutput: [1, 2, 3]))],
      .invalidProposalList(.externalInitInRegularCommit))
  }

  @Test("§12.1.7 GroupContextExtensions requiring an unsupported extension")
  func unsupportedGCE() throws {
    let required = try Extension(
      RequiredCapabilities(
        extensionTypes: [ExtensionType(rawValue: 0x0F0F)], proposalTypes: [], credentialTypes: []))
    try expectListRejected(
      [.groupContextExtensions(GroupContextExtensions(extensions: [required]))],
      .invalidProposalList(.unsupportedGroupContextExtensions))
  }

  // MARK: §12.4.2 commit rules

  @Test("§12.4 path required for a Remove")
  func pathRequired() throws {
    try expectReceiverRejects(
      Commit(proposals: [.proposal(.remove(Remove(removed: LeafIndex(2))))], path: nil),
      .invalidCommit(.pathRequired))
    try expectReceiverRejects(Commit(proposals: [], path: nil), .invalidCommit(.pathRequired))
  }

  @Test("§12.4 unknown proposal reference")
  func unknownReference() throws {
    try expectReceiverRejects(
      Commit(proposals: [.reference(Array(repeating: 3, count: 32))], path: nil),
      .invalidCommit(.unknownProposalReference))
  }

  @Test("§12.4 references only from members")
  func referenceFromNonMember() throws {
    #expect(throws: GroupError.invalidCommit(.invalidSender)) {
      _ = try states[0].resolve([.reference([1])], committer: .newMemberCommit)
    }
  }

  @Test("§12.4.2 PSK not available")
  func pskUnavailable() throws {
    let id = PreSharedKeyID(key: .external(pskID: [0x55]), pskNonce: pskNonce)
    try expectListRejected([.preSharedKey(PreSharedKey(psk: id))], .invalidCommit(.pskUnavailable))
  }

  /// A valid path commit made by bob, to tamper with.
  func bobPathCommit() throws -> Commit {
    var bob = states[1]
    return try commitBody(bob.commit(forcePath: true).commit)
  }

  @Test("§12.1.2 a commit applying an Update of this member it never proposed")
  func unknownOwnUpdate() throws {
    var alice = states[0]
    var leaf = try #require(alice.tree.leafNode(at: LeafIndex(0)))
    leaf.source = .update
    leaf.encryptionKey = try alice.provider.generateKEMKeyPair().publicKey
    try leaf.sign(
      privateKey: clients[0].signaturePrivateKey, groupID: alice.groupID, leafIndex: LeafIndex(0),
      provider: alice.provider)
    // alice's Update is framed but its private key is not kept (a forged proposal).
    let proposal = try alice.forgeProposal(.update(Update(leafNode: leaf)))
    var bob = states[1]
    _ = try bob.process(proposal)
    var receiver = states[0]
    _ = try receiver.process(proposal)
    let message = try bob.commit().commit
    #expect(throws: GroupError.invalidCommit(.unknownOwnUpdate)) {
      _ = try receiver.process(message)
    }
  }

  @Test("§12.4.2 path leaf invalid (§7.3 signature)")
  func invalidPathLeaf() throws {
    var commit = try bobPathCommit()
    commit.path?.leafNode.signature[0] ^= 1
    try expectReceiverRejects(commit, .invalidCommit(.invalidPathLeaf(.signatureInvalid)))
  }

  @Test("§12.4.2 path leaf keeps the committer's encryption key")
  func pathLeafNotFresh() throws {
    var commit = try bobPathCommit()
    var leaf = try #require(commit.path?.leafNode)
    leaf.encryptionKey = try #require(states[0].tree.leafNode(at: LeafIndex(1))).encryptionKey
    try leaf.sign(
      privateKey: clients[1].signaturePrivateKey, groupID: states[0].groupID,
      leafIndex: LeafIndex(1), provider: clients[1].provider)
    commit.path?.leafNode = leaf
    try expectReceiverRejects(commit, .invalidCommit(.pathLeafKeyNotFresh))
  }

  @Test("§12.4.2 path public key already in the tree")
  func pathKeyNotUnique() throws {
    var commit = try bobPathCommit()
    let carolKey = try #require(states[0].tree.leafNode(at: LeafIndex(2))).encryptionKey
    commit.path?.nodes[0].encryptionKey = carolKey
    try expectReceiverRejects(commit, .invalidCommit(.pathKeyNotUnique))
  }

  @Test("§12.4.2 wrong confirmation tag")
  func confirmationTag() throws {
    try expectReceiverRejects(try bobPathCommit(), .invalidCommit(.confirmationTagMismatch))
  }

  @Test("A member's own commit comes back: merge the pending one instead")
  func ownCommit() throws {
    var alice = states[0]
    let message = try alice.forgeCommit(Commit(proposals: [], path: nil))
    #expect(throws: GroupError.invalidCommit(.ownCommit)) { _ = try alice.process(message) }
  }

  @Test("A commit of another epoch or group is refused by framing")
  func wrongEpoch() throws {
    var states = states
    let old = try states[1].commit(forcePath: true).commit
    try deliver(try states[2].commit().commit, to: &states, except: 2)
    #expect(throws: GroupError.framing(.wrongEpoch(expected: 2, received: 1))) {
      _ = try states[0].process(old)
    }
  }
}
