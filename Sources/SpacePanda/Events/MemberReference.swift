/// Who an event is about: a leaf index (RFC 9420 §4.1: a member's position in the tree) and the
/// credential identity (§5.3), both public to the group. Never a key.
public struct MemberReference: Sendable, Hashable {
  /// The member's leaf, when known (a removed member's leaf is the one it occupied).
  public var leafIndex: UInt32?
  /// The identity from the member's credential (e.g. a BasicCredential's `identity`).
  public var identity: [UInt8]

  public init(leafIndex: UInt32?, identity: [UInt8]) {
    self.leafIndex = leafIndex
    self.identity = identity
  }
}
