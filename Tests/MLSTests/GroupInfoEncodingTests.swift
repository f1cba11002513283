import MLSCodec
import MLSCrypto
import Testing

@testable import MLS

/// The GroupInfo's `ratchet_tree` extension (RFC 9420 §12.4.3.3) is encoded in parts on all
/// cores (`GroupState.encodedRatchetTree`): the bytes must be those of the tree's own
/// sequential encoding, whatever the part size.
@Suite("GroupInfo ratchet tree encoding (RFC 9420 §12.4.3.3)")
struct GroupInfoEncodingTests {
  @Test(arguments: [1, 2, 3, 7, 1_024])
  func partsJoinToTheSequentialEncoding(_ partSize: Int) throws {
    let clients = try (0..<9).map { try GroupClient("member \($0)") }
    var creator = try clients[0].createGroup()
    let adds = clients.dropFirst().map { Proposal.add(Add(keyPackage: $0.keyPackage)) }
    _ = try creator.commit(proposals: adds)
    try creator.mergePendingCommit()
    // A removal leaves a blank leaf inside the range, and trailing blanks are dropped.
    _ = try creator.commit(proposals: [.remove(Remove(removed: LeafIndex(3)))])
    try creator.mergePendingCommit()
    let sequential = try creator.tree.tlsSerialized()
    #expect(sequential.count > 1_000)
    let parts = try GroupState.encodedRatchetTree(creator.tree.nodes, partSize: partSize)
    #expect(parts == sequential)
    let info = try creator.groupInfo()
    let ratchetTree = info.extensions.first { $0.extensionType == .ratchetTree }
    #expect(ratchetTree?.extensionData == sequential)
  }
}
