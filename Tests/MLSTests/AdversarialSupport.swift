import MLSCodec
import MLSCrypto
import Testing

@testable import MLS

/// Builds messages that decode and carry valid signatures and membership tags but break one
/// protocol rule each, for tests of the receiver's checks (RFC 9420 §6, §12).
struct AdversarialForge {
  /// The member whose keys sign and tag the forged messages.
  var sender: GroupState

  /// A PublicMessage around `content`, signed with the sender's key over `context` (by default
  /// the sender's own GroupContext) and tagged with its membership key. Unlike
  /// `Framing.protectPublic`, nothing is checked: the point is to reach the receiver's checks.
  func publicMessage(
    _ content: FramedContent, context: GroupContext? = nil, confirmationTag: [UInt8]? = nil
  ) throws -> MLSMessage {
    let groupContext = context ?? sender.groupContext
    var auth = try Framing.sign(
      content: content, wireFormat: .publicMessage, groupContext: groupContext,
      signaturePrivateKey: sender.signaturePrivateKey, provider: sender.provider)
    auth.confirmationTag = confirmationTag
    let authenticated = AuthenticatedContent(
      wireFormat: .publicMessage, content: content, auth: auth)
    var tag: [UInt8]?
    if case .member = content.sender {
      tag = try Framing.computeMembershipTag(
        authenticated, groupContext: groupContext, membershipKey: sender.framingKeys.membershipKey,
        provider: sender.provider)
    }
    let message = PublicMessage(content: content, auth: auth, membershipTag: tag)
    return MLSMessage(version: .mls10, body: .publicMessage(message))
  }

  /// FramedContent of the sender's current group and epoch, from its own leaf.
  func content(_ body: MessageContent) -> FramedContent {
    FramedContent(
      groupID: sender.groupID, epoch: sender.epoch, sender: .member(sender.ownLeafIndex),
      authenticatedData: [], content: body)
  }

  /// A well-formed, well-signed Add proposal of a fresh client: the default body when only the
  /// framing is under test.
  static func someProposal() throws -> MessageContent {
    .proposal(.add(Add(keyPackage: try GroupClient("mallory").keyPackage)))
  }
}

/// SHA-256 of a member's complete serialized state: "unchanged" means exactly this.
func stateDigest(_ state: GroupState) throws -> [UInt8] {
  try Digest.hash(.sha256, state.serializedState())
}

/// Processes `message` at `receiver`, expects `expected`, and checks the state did not move.
func expectRefused(
  _ message: MLSMessage, by receiver: GroupState, _ expected: GroupError,
  sourceLocation: SourceLocation = #_sourceLocation
) throws {
  var copy = receiver
  let before = try stateDigest(receiver)
  #expect(throws: expected, sourceLocation: sourceLocation) { _ = try copy.process(message) }
  #expect(try stateDigest(copy) == before, sourceLocation: sourceLocation)
}
