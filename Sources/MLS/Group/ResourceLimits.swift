/// Caps on what a received message may make a member hold or process. RFC 9420 §16.8 notes that
/// a malicious member or delivery service can send very large trees and proposal lists; these
/// bounds let the application refuse them before the costly checks (signatures of every leaf,
/// tree hashes) run. Message size is capped at the application layer (`MLSConfig`), where the
/// bytes are known; the forward ratchet distance by `SecretTreeConfiguration`. Structures do
/// not nest recursively in RFC 9420's wire format, so there is no nesting depth to cap.
public struct ResourceLimits: Sendable, Equatable {
  /// The most leaves a ratchet tree may have (blank ones included): a joined tree, or the tree
  /// after a commit's Adds.
  public var maximumLeaves: Int
  /// The most proposals (by value and by reference) one commit may list.
  public var maximumProposalsPerCommit: Int

  public init(maximumLeaves: Int = 1 << 16, maximumProposalsPerCommit: Int = 4096) {
    self.maximumLeaves = max(1, maximumLeaves)
    self.maximumProposalsPerCommit = max(1, maximumProposalsPerCommit)
  }

  /// The limit a message broke; names the bound, never message content.
  public enum Limit: Sendable, Equatable {
    case leaves
    case proposalsPerCommit
  }

  /// Refuses a wire tree of `nodeCount` nodes with more than `maximumLeaves` leaves. Checked
  /// before the tree is built, so a hostile tree costs no more than its decoding.
  func checkTree(nodeCount: Int) throws(GroupError) {
    let leaves = (nodeCount + 1) / 2
    guard leaves <= maximumLeaves else {
      throw .resourceLimitExceeded(.leaves, limit: maximumLeaves, actual: leaves)
    }
  }

  /// Refuses a commit listing more than `maximumProposalsPerCommit` proposals, or whose Adds
  /// would take the occupied leaves past `maximumLeaves`.
  func checkCommit(
    _ proposals: [ProposalOrRef], occupiedLeaves: @autoclosure () -> Int
  ) throws(GroupError) {
    guard proposals.count <= maximumProposalsPerCommit else {
      throw .resourceLimitExceeded(
        .proposalsPerCommit, limit: maximumProposalsPerCommit, actual: proposals.count)
    }
    var adds = 0
    for case .proposal(.add) in proposals { adds += 1 }
    guard adds > 0 else { return }
    let total = occupiedLeaves() + adds
    guard total <= maximumLeaves else {
      throw .resourceLimitExceeded(.leaves, limit: maximumLeaves, actual: total)
    }
  }
}
