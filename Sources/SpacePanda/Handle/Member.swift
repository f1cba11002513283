import MLS

extension MLSHandle {
  /// A member of the group as the application sees it: its leaf index (RFC 9420 §4.1) and the
  /// identity in its credential (§5.3).
  public struct Member: Sendable, Hashable {
    /// The leaf index: what `remove(memberIndex:)` takes.
    public let index: UInt32
    /// The credential's identity bytes (a BasicCredential's `identity`).
    public let identity: [UInt8]
    /// The identity as UTF-8 text, or nil when it is not valid UTF-8 or not a BasicCredential.
    public let name: String?
    /// The leaf's signature public key.
    public let signatureKey: [UInt8]

    init(index: LeafIndex, leaf: LeafNode) {
      self.index = index.rawValue
      identity = Self.identity(of: leaf.credential)
      if case .basic(let bytes) = leaf.credential {
        name = String(validating: bytes, as: UTF8.self)
      } else {
        name = nil
      }
      signatureKey = leaf.signatureKey
    }

    /// The identity an authorization policy and events see for a credential.
    static func identity(of credential: Credential) -> [UInt8] {
      switch credential {
      case .basic(let identity): identity
      case .x509(let certificates): certificates.first?.certData ?? []
      case .other(_, let body): body
      }
    }
  }

  /// What an incoming message did. RFC 9420 §6, §12.
  public enum ProcessedEvent: Sendable, Hashable {
    /// Application data from the member at `sender`.
    case application(sender: UInt32, plaintext: [UInt8])
    /// A proposal from `sender`, cached for the next commit (§12.4).
    case proposal(sender: UInt32, proposal: Proposal)
    /// A commit from `sender`, merged: the group is now in `epoch`.
    case commit(sender: UInt32, epoch: UInt64, added: [UInt32], removed: [UInt32])
    /// A commit from `sender` removed this client: the handle can no longer send or receive.
    case removedFromGroup(by: UInt32)
  }
}
