import MLSCodec
import MLSCrypto
import Testing

@testable import MLS

/// Well-formed, well-signed, invalid: each message below decodes, carries a valid signature
/// (and membership tag where one applies) and breaks exactly one rule. The receiver (alice,
/// leaf 0) refuses it with that rule's typed error and her serialized state keeps its SHA-256.
/// Proposal-list and commit rules already covered by `GroupValidationTests` are not repeated.
@Suite("Adversarial: well-signed messages that break one rule (RFC 9420 §6, §7.9, §12.4)")
struct AdversarialFramingTests {
  let states: [GroupState]
  let clients: [GroupClient]

  init() throws {
    let group = try threeMemberGroup()
    states = group.states
    clients = group.clients
  }

  var alice: GroupState { states[0] }
  var bob: AdversarialForge { AdversarialForge(sender: states[1]) }

  // MARK: §6 framing

  @Test("§6 a message naming another group")
  func wrongGroup() throws {
    var content = bob.content(try AdversarialForge.someProposal())
    content.groupID = Array("another group".utf8)
    try expectRefused(try bob.publicMessage(content), by: alice, .framing(.wrongGroup))
  }

  @Test("§6 a message of a future epoch, signed and tagged for it")
  func futureEpoch() throws {
    var content = bob.content(try AdversarialForge.someProposal())
    content.epoch = alice.epoch + 1
    var context = states[1].groupContext
    context.epoch = alice.epoch + 1
    try expectRefused(
      try bob.publicMessage(content, context: context), by: alice,
      .framing(.wrongEpoch(expected: alice.epoch, received: alice.epoch + 1)))
  }

  @Test("§6.2 a member sender index past the tree")
  func senderBeyondTree() throws {
    var content = bob.content(try AdversarialForge.someProposal())
    content.sender = .member(LeafIndex(9))
    try expectRefused(try bob.publicMessage(content), by: alice, .unknownSender)
  }

  @Test("§6.2 a member sender index of a blank leaf")
  func senderBlankLeaf() throws {
    var content = bob.content(try AdversarialForge.someProposal())
    content.sender = .member(LeafIndex(3))
    try expectRefused(try bob.publicMessage(content), by: alice, .unknownSender)
  }

  @Test("§6.1 bob signs as carol: the signature does not verify under carol's key")
  func senderIsAnotherMember() throws {
    var content = bob.content(try AdversarialForge.someProposal())
    content.sender = .member(LeafIndex(2))
    try expectRefused(try bob.publicMessage(content), by: alice, .framing(.invalidSignature))
  }

  @Test("§6.2 application data in a PublicMessage")
  func applicationInPublic() throws {
    let content = bob.content(.application([1, 2, 3]))
    try expectRefused(
      try bob.publicMessage(content), by: alice, .framing(.applicationDataInPublicMessage))
  }

  @Test("§6 an external sender may not commit")
  func externalSenderCommit() throws {
    var content = bob.content(.commit(Commit(proposals: [], path: nil)))
    content.sender = .external(senderIndex: 0)
    let tag = [UInt8](repeating: 1, count: alice.provider.hashLength)
    try expectRefused(
      try bob.publicMessage(content, confirmationTag: tag), by: alice,
      .framing(.senderNotAllowed(senderType: 2, contentType: .commit)))
  }

  @Test("§6 a new-member-commit sender may not propose")
  func newMemberCommitProposes() throws {
    var content = bob.content(try AdversarialForge.someProposal())
    content.sender = .newMemberCommit
    try expectRefused(
      try bob.publicMessage(content), by: alice,
      .framing(.senderNotAllowed(senderType: 4, contentType: .proposal)))
  }

  @Test("§6.2 a member's PublicMessage with a membership tag of another epoch's key")
  func staleMembershipTag() throws {
    var forger = states[1]
    forger.framingKeys.membershipKey = SecretBytes([UInt8](repeating: 7, count: 32))
    let forge = AdversarialForge(sender: forger)
    try expectRefused(
      try forge.publicMessage(forge.content(try AdversarialForge.someProposal())), by: alice,
      .framing(.invalidMembershipTag))
  }

  // MARK: §7.9.2 parent hashes and §12.4 paths

  /// Bob's commit with a path, re-framed and re-signed after `edit`, with a placeholder
  /// confirmation tag: the receiver's path checks come before the confirmation tag, so the
  /// error names the path rule.
  func tamperedPathCommit(_ edit: (inout UpdatePath) throws -> Void) throws -> MLSMessage {
    var committer = states[1]
    var commit = try commitBody(committer.commit(forcePath: true).commit)
    var path = try #require(commit.path)
    try edit(&path)
    commit.path = path
    var sender = states[1]
    return try sender.forgeCommit(commit)
  }

  @Test("§7.9.2 a path node key replaced: the leaf's parent hash no longer matches")
  func pathWithWrongPublicKey() throws {
    let fresh = try alice.provider.generateKEMKeyPair().publicKey
    let message = try tamperedPathCommit { $0.nodes[0].encryptionKey = fresh }
    try expectRefused(message, by: alice, .treeKEM(.parentHashMismatch))
  }

  @Test("§7.9.2 a path leaf whose parent hash is re-signed but wrong")
  func parentHashMismatch() throws {
    let message = try tamperedPathCommit { path in
      path.leafNode.source = .commit(parentHash: [UInt8](repeating: 0x5A, count: 32))
      try path.leafNode.sign(
        privateKey: clients[1].signaturePrivateKey, groupID: alice.groupID,
        leafIndex: LeafIndex(1), provider: clients[1].provider)
    }
    try expectRefused(message, by: alice, .treeKEM(.parentHashMismatch))
  }

  @Test("§12.4.2 a path with one node too few for the tree")
  func pathTooShort() throws {
    let message = try tamperedPathCommit { $0.nodes.removeLast() }
    try expectRefused(message, by: alice, .treeKEM(.pathLengthMismatch(expected: 2, actual: 1)))
  }
}

/// `GroupOptions.limits` (RFC 9420 §16.8): hostile trees and commits at the caps are refused
/// before the costly checks, with the bound named, and the receiver's state unchanged.
@Suite("Adversarial: resource limits on received trees and commits")
struct AdversarialLimitTests {
  @Test("A commit listing more proposals than the cap")
  func tooManyProposals() throws {
    var (_, states) = try threeMemberGroup()
    states[0].options.limits = ResourceLimits(maximumProposalsPerCommit: 2)
    let psks = (0..<3).map { index in
      ProposalOrRef.proposal(
        .preSharedKey(
          PreSharedKey(
            psk: PreSharedKeyID(
              key: .external(pskID: [UInt8(index)]), pskNonce: [UInt8](repeating: 1, count: 32)))))
    }
    var bob = states[1]
    let message = try bob.forgeCommit(Commit(proposals: psks, path: nil))
    try expectRefused(
      message, by: states[0], .resourceLimitExceeded(.proposalsPerCommit, limit: 2, actual: 3))
  }

  @Test("A commit whose Adds take the group past the leaf cap")
  func addsPastLeafCap() throws {
    var (_, states) = try threeMemberGroup()
    states[0].options.limits = ResourceLimits(maximumLeaves: 3)
    let dave = try GroupClient("dave")
    var bob = states[1]
    let message = try bob.forgeCommit(
      Commit(proposals: [.proposal(.add(Add(keyPackage: dave.keyPackage)))], path: nil))
    try expectRefused(message, by: states[0], .resourceLimitExceeded(.leaves, limit: 3, actual: 4))
    // At the cap exactly the same commit gets past the limit (to the forged confirmation tag).
    states[0].options.limits = ResourceLimits(maximumLeaves: 4)
    try expectRefused(message, by: states[0], .invalidCommit(.confirmationTagMismatch))
  }

  @Test("A Welcome whose tree has more leaves than the joiner accepts")
  func welcomeTreePastLeafCap() throws {
    let (clients, states) = try threeMemberGroup()
    _ = clients
    let dave = try GroupClient("dave")
    var alice = states[0]
    let welcome = try alice.commit(proposals: [.add(Add(keyPackage: dave.keyPackage))]).welcome
    #expect(throws: GroupError.resourceLimitExceeded(.leaves, limit: 2, actual: 4)) {
      _ = try dave.join(welcome, options: GroupOptions(limits: ResourceLimits(maximumLeaves: 2)))
    }
    #expect(
      try dave.join(welcome, options: GroupOptions(limits: ResourceLimits(maximumLeaves: 4))).epoch
        == 2)
  }

  @Test("A GroupInfo whose tree has more leaves than an external joiner accepts")
  func groupInfoTreePastLeafCap() throws {
    var (_, states) = try threeMemberGroup()
    states[0].options.externalPubInGroupInfo = true
    let eve = try GroupClient("eve")
    #expect(throws: GroupError.resourceLimitExceeded(.leaves, limit: 2, actual: 3)) {
      _ = try GroupState.joinByExternalCommit(
        groupInfo: states[0].groupInfo(), leafNode: eve.keyPackage.leafNode,
        signaturePrivateKey: eve.signaturePrivateKey,
        options: GroupOptions(limits: ResourceLimits(maximumLeaves: 2)))
    }
  }
}
