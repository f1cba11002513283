/// Which ratchet a generation number belongs to. RFC 9420 §9: each leaf has one ratchet for
/// application messages and one for handshake messages, and both restart every epoch, so a
/// generation is only meaningful with all three coordinates.
public struct SenderStream: Hashable, Sendable {
  /// The two ratchets of a leaf in the secret tree.
  public enum ContentKind: Sendable, Hashable {
    case application
    case handshake
  }

  public var epoch: UInt64
  public var leafIndex: UInt32
  public var contentKind: ContentKind

  public init(epoch: UInt64, leafIndex: UInt32, contentKind: ContentKind) {
    self.epoch = epoch
    self.leafIndex = leafIndex
    self.contentKind = contentKind
  }
}
