import MLS

/// How this client frames its proposals and commits. RFC 9420 §6: handshake messages may be
/// PublicMessage (the server can see and check membership changes) or PrivateMessage (content
/// and sender hidden from the server). The product's threat model puts the server out of the
/// trust boundary, so the default is `.privateMessage`.
public enum HandshakeFraming: Sendable, Hashable {
  case privateMessage
  case publicMessage

  /// The wire format handshake messages are sent in.
  public var wireFormat: WireFormat {
    switch self {
    case .privateMessage: .privateMessage
    case .publicMessage: .publicMessage
    }
  }
}
