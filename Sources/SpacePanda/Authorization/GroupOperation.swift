import MLS

/// An action a member asks the group to accept, as the authorization policy sees it. Each maps
/// to an RFC 9420 proposal type (§12.1) or to sending application data (§6.3).
public enum GroupOperation: Sendable, Hashable {
  /// An Add proposal (§12.1.1).
  case add
  /// A Remove proposal for the member at leaf `target` (§12.1.3).
  case remove(target: UInt32)
  /// An Update proposal or a commit path replacing the sender's own leaf (§12.1.2).
  case update
  /// An application message.
  case sendApplicationMessage
  /// A GroupContextExtensions proposal setting the extensions to `proposed` (§12.1.7).
  case changeExtensions(proposed: [Extension])

  /// A short name for logs and errors.
  public var name: String {
    switch self {
    case .add: "add"
    case .remove: "remove"
    case .update: "update"
    case .sendApplicationMessage: "send"
    case .changeExtensions: "change extensions"
    }
  }
}

/// Decides whether a member may perform an operation. RFC 9420 leaves authorization to the
/// application (§16.10: "the application is responsible for ... access control"); the product
/// asks for "sender authorization checks".
///
/// Pure decision logic: implementations look only at the operation, the acting member (leaf
/// index and credential identity, already authenticated by the caller), and the group context
/// of the epoch the operation targets.
public protocol AuthorizationPolicy: Sendable {
  /// Returns when allowed; throws `.unauthorized` naming the rule otherwise, or
  /// `.invalidProposal` when the operation itself is malformed.
  func authorize(
    _ operation: GroupOperation, by member: MemberReference, in context: GroupContext
  ) throws(MLSError)
}

/// Every member may do everything: the behaviour of plain MLS.
public struct DefaultPolicy: AuthorizationPolicy {
  public init() {}

  public func authorize(
    _ operation: GroupOperation, by member: MemberReference, in context: GroupContext
  ) throws(MLSError) {}
}
