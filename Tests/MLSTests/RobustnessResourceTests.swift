import FuzzHarness
import MLSCodec
import MLSCrypto
import Testing

@testable import MLS

/// Hostile sizes and indices in protocol structures are refused without large allocations and
/// without aliasing: RFC 9420 §2.1.2 (lengths), §7.8 and §12.4.3.3 (tree size), §7.1 (leaf
/// indices on the wire).
@Suite("Protocol decoding under hostile sizes and indices")
struct RobustnessResourceTests {
  static let maximalLength = (1 << 30) - 1
  /// A varint claiming 2^30 - 1 bytes, then six bytes.
  static let maximalClaim: [UInt8] = [0xBF, 0xFF, 0xFF, 0xFF] + [UInt8](repeating: 0, count: 6)

  @Test func wireTreeClaimingMaximalLengthFails() {
    #expect(throws: TLSDecodingError.lengthExceedsInput(declared: Self.maximalLength, remaining: 6))
    {
      try RatchetTree(tlsSerialized: Self.maximalClaim)
    }
  }

  /// Each layer of an MLSMessage refuses a maximal claim on its first variable-length field.
  @Test func messageLayersRefuseMaximalClaims() {
    // version mls10, wire_format key_package, version, suite 1, init_key claiming 2^30 - 1.
    let keyPackage: [UInt8] = [0x00, 0x01, 0x00, 0x05, 0x00, 0x01, 0x00, 0x01] + Self.maximalClaim
    #expect(throws: TLSDecodingError.lengthExceedsInput(declared: Self.maximalLength, remaining: 6))
    {
      try MLSMessage(tlsSerialized: keyPackage)
    }
    // wire_format welcome, suite 1, secrets claiming 2^30 - 1.
    let welcome: [UInt8] = [0x00, 0x01, 0x00, 0x03, 0x00, 0x01] + Self.maximalClaim
    #expect(throws: TLSDecodingError.lengthExceedsInput(declared: Self.maximalLength, remaining: 6))
    {
      try MLSMessage(tlsSerialized: welcome)
    }
    // wire_format private_message, group_id claiming 2^30 - 1.
    let privateMessage: [UInt8] = [0x00, 0x01, 0x00, 0x02] + Self.maximalClaim
    #expect(throws: TLSDecodingError.lengthExceedsInput(declared: Self.maximalLength, remaining: 6))
    {
      try MLSMessage(tlsSerialized: privateMessage)
    }
    for target in FuzzTarget.allCases {
      #expect(target.run(Self.maximalClaim) == .rejected, "\(target.rawValue)")
    }
  }

  /// A leaf index of 2^31 or more doubles past 2^32 when turned into a node index; it must
  /// name no leaf rather than wrap around to a real member (a GroupInfo `signer`, a `Sender`,
  /// a Remove). Regression for the aliasing found while writing these tests.
  @Test(arguments: [UInt32(1) << 31, (UInt32(1) << 31) + 1, UInt32.max])
  func leafIndexBeyondTwoToThe31NamesNoLeaf(raw: UInt32) throws {
    let tree = try TreeFixtures.tree("LPL")
    #expect(tree.leafNode(at: LeafIndex(0)) != nil)
    #expect(tree.leafNode(at: LeafIndex(1)) != nil)
    #expect(tree.leafNode(at: LeafIndex(raw)) == nil)
  }

  /// TreeKEM refuses an UpdatePath from a sender index that only exists modulo 2^32.
  @Test func commitFromAliasedSenderIsRefused() throws {
    let group = try TreeKEMGroup(members: 3)
    let path = try group.commit(from: LeafIndex(0)).path
    var tree = group.tree
    let aliased = LeafIndex(UInt32(1) << 31)
    #expect(throws: TreeKEMError.invalidSender(aliased)) {
      try TreeKEM.merge(path, from: aliased, into: &tree, provider: group.provider)
    }
    #expect(tree == group.tree)
  }

  /// An unmerged leaf claimed at 2^31 is outside any tree the wire can carry.
  @Test func unmergedLeafAtTwoToThe31IsRefused() throws {
    let huge = UInt32(1) << 31
    let tree = try TreeFixtures.tree("LPL", unmerged: [1: [huge]])
    #expect(
      throws: TreeValidationError.unmergedLeafNotDescendant(
        parent: NodeIndex(1), leaf: LeafIndex(huge))
    ) {
      try tree.verifyUnmergedLeaves()
    }
  }

  /// 2^16 blank nodes then one leaf (65 KiB on the wire) make a tree of 2^16 leaves whose
  /// memory is a small multiple of the input; every joiner check still runs to its verdict.
  @Test func blankHeavyTreeStaysProportionalToInput() throws {
    let blanks = 1 << 16
    let leaf = try Node.leaf(TreeFixtures.leaf(1)).tlsSerialized()
    var body = [UInt8](repeating: 0, count: blanks)
    body += [0x01] + leaf
    var writer = TLSWriter()
    try writer.writeOpaque(body)
    let wire = try RatchetTree(tlsSerialized: writer.bytes)
    #expect(wire.nodes.count == blanks + 1)
    var tree = try PublicRatchetTree(wire)
    #expect(tree.leafCount == 1 << 16)
    #expect(tree.nodes.count == (1 << 17) - 1)
    #expect(tree.occupiedLeaves == [LeafIndex(UInt32(blanks / 2))])
    let provider = try CipherSuiteProvider(.x25519Aes128Sha256Ed25519)
    let hash = try tree.rootTreeHash(using: provider.hash)
    // The synthetic leaf is unsigned: validation gets through every structural check and
    // stops at the signature.
    #expect(throws: TreeValidationError.leafSignatureInvalid(LeafIndex(UInt32(blanks / 2)))) {
      try tree.validate(groupID: [], expectedTreeHash: hash, provider: provider)
    }
  }

  /// A leaf where the wire format puts a parent (odd position) is refused at construction.
  @Test func nodeKindAtWrongPositionIsRefused() throws {
    let leaf = try Node.leaf(TreeFixtures.leaf(1)).tlsSerialized()
    var writer = TLSWriter()
    try writer.writeOpaque([0x01] + leaf + [0x01] + leaf)
    let wire = try RatchetTree(tlsSerialized: writer.bytes)
    #expect(throws: RatchetTreeError.nodeTypeMismatch(NodeIndex(1))) {
      try PublicRatchetTree(wire)
    }
  }
}
