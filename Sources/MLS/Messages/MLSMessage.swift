import MLSCodec

/// The outermost MLS structure: a version and a body chosen by the wire format.
/// RFC 9420 §6 (`MLSMessage`).
///
/// The version is decoded as any 16-bit value so the protocol layer can reject it with context;
/// an unknown wire format cannot be parsed and is a decoding error.
public struct MLSMessage: Hashable, Sendable, TLSCodable {
  /// The body of each wire format.
  public enum Body: Hashable, Sendable {
    case publicMessage(PublicMessage)
    case privateMessage(PrivateMessage)
    case welcome(Welcome)
    case groupInfo(GroupInfo)
    case keyPackage(KeyPackage)

    public var wireFormat: WireFormat {
      switch self {
      case .publicMessage: .publicMessage
      case .privateMessage: .privateMessage
      case .welcome: .welcome
      case .groupInfo: .groupInfo
      case .keyPackage: .keyPackage
      }
    }
  }

  public var version: ProtocolVersion
  public var body: Body

  public init(version: ProtocolVersion = .mls10, body: Body) {
    self.version = version
    self.body = body
  }

  public var wireFormat: WireFormat { body.wireFormat }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.write(version)
    try writer.write(body.wireFormat)
    switch body {
    case .publicMessage(let message): try writer.write(message)
    case .privateMessage(let message): try writer.write(message)
    case .welcome(let welcome): try writer.write(welcome)
    case .groupInfo(let groupInfo): try writer.write(groupInfo)
    case .keyPackage(let keyPackage): try writer.write(keyPackage)
    }
  }

  public init(from reader: inout TLSReader) throws {
    version = try reader.read()
    let wireFormat: WireFormat = try reader.read()
    switch wireFormat {
    case .publicMessage: body = .publicMessage(try reader.read())
    case .privateMessage: body = .privateMessage(try reader.read())
    case .welcome: body = .welcome(try reader.read())
    case .groupInfo: body = .groupInfo(try reader.read())
    case .keyPackage: body = .keyPackage(try reader.read())
    }
  }
}
