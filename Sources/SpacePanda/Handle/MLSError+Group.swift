import MLS
import MLSCrypto

extension MLSError {
  /// RFC 9420 §12: group operation failures. A sender outside the tree is `unauthorized`
  /// (§6.1: only members may send member content); a message of another epoch is the product's
  /// `epochMismatch`; wrapped lower-layer errors keep their own mapping.
  public init(_ error: GroupError) {
    switch error {
    case .invalidProposalList(let rule):
      self = .invalidProposal(String(describing: rule))
    case .invalidCommit(.confirmationTagMismatch):
      self = .invalidCommit("confirmation tag does not match")
    case .invalidCommit(let rule):
      self = .invalidCommit(String(describing: rule))
    case .invalidWelcome(.pskUnavailable):
      self = .unauthorized("the Welcome needs a pre-shared key this client does not hold")
    case .invalidWelcome(let rule):
      self = .malformedMessage("invalid Welcome: \(rule)")
    case .invalidResumption(let rule):
      self = .invalidCommit("resumption (ReInit or branch): \(rule)")
    case .wrongGroup:
      self = .malformedMessage("message is for another group")
    case .wrongEpoch(let expected, let received):
      self = .epochMismatch(expected: expected, received: received)
    case .unsupportedVersion(let version):
      self = .malformedMessage("unsupported protocol version \(version)")
    case .unexpectedWireFormat:
      self = .malformedMessage("unexpected wire format")
    case .resourceLimitExceeded(let limit, let bound, let actual):
      self = .malformedMessage("resource limit \(limit): \(actual) > \(bound)")
    case .unknownSender:
      self = .unauthorized("sender is not a member")
    case .unsupportedSender:
      self = .unauthorized("sender type not accepted for this content")
    case .noPendingCommit:
      self = .internalError("no pending commit")
    case .commitPending:
      self = .internalError("a commit is pending")
    case .commitRequired:
      self = .invalidProposal("proposals are pending: commit before sending application data")
    case .notActive:
      self = .notAMember
    case .invalidArgument(let what):
      self = .invalidConfiguration(what)
    case .framing(let inner): self.init(inner)
    case .treeKEM(let inner): self.init(inner)
    case .tree(let inner): self.init(inner)
    case .keySchedule(let inner): self.init(inner)
    case .secretTree(let inner): self.init(inner)
    case .crypto(let inner): self.init(inner)
    case .malformed(let what):
      self = .malformedMessage(what)
    }
  }
}
