import MLSCodec
import MLSCrypto
import Testing

@testable import MLS

/// The Adds of one commit are validated against the tree as it grows (RFC 9420 §12.3, §10.1,
/// §7.3), with one validation context extended by each added leaf.
@Suite("Group batch adds (RFC 9420 §12.3)")
struct GroupBatchAddTests {
  @Test("Twelve members added in one commit all join and agree")
  func twelveInOneCommit() throws {
    let clients = try (0..<13).map { try GroupClient("member \($0)") }
    var creator = try clients[0].createGroup()
    let adds = clients.dropFirst().map { Proposal.add(Add(keyPackage: $0.keyPackage)) }
    let output = try creator.commit(proposals: adds)
    try creator.mergePendingCommit()
    var states = [creator]
    for client in clients.dropFirst() { states.append(try client.join(output.welcome)) }
    try expectAgreement(states)
    #expect(states.map(\.ownLeafIndex.rawValue) == Array(0..<13))
    #expect(creator.members.count == 13)
  }

  @Test("A second Add reusing the first Add's encryption key is rejected")
  func duplicateEncryptionKeyAcrossAdds() throws {
    let options = GroupOptions(clock: FixedClock(kpNow))
    var alice = try GroupClient("alice", clock: FixedClock(kpNow)).createGroup(options: options)
    let bob = try KeyPackageFixture(identity: "bob")
    let carol = try KeyPackageFixture(identity: "carol")
    let copied = try carol.resigned {
      $0.leafNode.encryptionKey = bob.keyPackage.leafNode.encryptionKey
    }
    // Each alone is acceptable; together the second collides with the leaf just added.
    #expect(throws: Never.self) {
      var probe = alice
      _ = try probe.commit(proposals: [.add(Add(keyPackage: copied))])
    }
    #expect(
      throws: GroupError.invalidProposalList(.invalidKeyPackage(.leafNode(.duplicateEncryptionKey)))
    ) {
      _ = try alice.commit(proposals: [
        .add(Add(keyPackage: bob.keyPackage)), .add(Add(keyPackage: copied)),
      ])
    }
    #expect(!alice.hasPendingCommit)
  }

  @Test("An Add reusing an existing member's encryption key is rejected")
  func duplicateEncryptionKeyWithMember() throws {
    let options = GroupOptions(clock: FixedClock(kpNow))
    var alice = try GroupClient("alice", clock: FixedClock(kpNow)).createGroup(options: options)
    let bob = try KeyPackageFixture(identity: "bob")
    let carol = try KeyPackageFixture(identity: "carol")
    let output = try alice.commit(proposals: [.add(Add(keyPackage: bob.keyPackage))])
    #expect(output.welcome != nil)
    try alice.mergePendingCommit()
    let copied = try carol.resigned {
      $0.leafNode.encryptionKey = bob.keyPackage.leafNode.encryptionKey
    }
    let fresh = try KeyPackageFixture(identity: "dave")
    #expect(
      throws: GroupError.invalidProposalList(.invalidKeyPackage(.leafNode(.duplicateEncryptionKey)))
    ) {
      _ = try alice.commit(proposals: [
        .add(Add(keyPackage: fresh.keyPackage)), .add(Add(keyPackage: copied)),
      ])
    }
  }
}
