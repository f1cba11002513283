import MLSCodec

/// A credential type code. RFC 9420 §5.3, registry in §17.5.
///
/// Open: any 16-bit value decodes, so unknown and GREASE (§13.5) codes listed in capabilities
/// survive a round trip.
public struct CredentialType: RawRepresentable, Hashable, Sendable, TLSCodable {
  public var rawValue: UInt16
  public init(rawValue: UInt16) { self.rawValue = rawValue }

  public static let basic = CredentialType(rawValue: 0x0001)
  public static let x509 = CredentialType(rawValue: 0x0002)

  public func encode(to writer: inout TLSWriter) { writer.write(rawValue) }
  public init(from reader: inout TLSReader) throws { rawValue = try reader.readUInt16() }
}

/// One DER certificate of an X.509 chain. RFC 9420 §5.3 (`Certificate`).
public struct Certificate: Hashable, Sendable, TLSCodable {
  public var certData: [UInt8]

  public init(certData: [UInt8]) { self.certData = certData }

  public func encode(to writer: inout TLSWriter) throws { try writer.writeOpaque(certData) }
  public init(from reader: inout TLSReader) throws { certData = try reader.readOpaque() }
}

/// Who a member claims to be. RFC 9420 §5.3.
///
/// The RFC defines the body of `basic` and `x509` only. A credential of another type is kept as
/// the bytes of one `opaque<V>` body: this is an assumption about future types (the RFC gives no
/// generic length), made so a leaf with such a credential can still be parsed, re-encoded byte for
/// byte and rejected later by the capability checks of §7.2 rather than by the parser.
public enum Credential: Hashable, Sendable, TLSCodable {
  /// `opaque identity<V>`: an application-defined identifier.
  case basic(identity: [UInt8])
  /// `Certificate certificates<V>`: leaf first, each certificate signing the previous one.
  case x509(certificates: [Certificate])
  /// Any other type, with its body as one opaque vector. Never produced for `basic` or `x509`.
  case other(type: CredentialType, body: [UInt8])

  /// The `credential_type` on the wire.
  public var credentialType: CredentialType {
    switch self {
    case .basic: .basic
    case .x509: .x509
    case .other(let type, _): type
    }
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.write(credentialType)
    switch self {
    case .basic(let identity): try writer.writeOpaque(identity)
    case .x509(let certificates): try writer.writeVector(certificates)
    case .other(_, let body): try writer.writeOpaque(body)
    }
  }

  public init(from reader: inout TLSReader) throws {
    let type: CredentialType = try reader.read()
    switch type {
    case .basic: self = .basic(identity: try reader.readOpaque())
    case .x509: self = .x509(certificates: try reader.readVector())
    default: self = .other(type: type, body: try reader.readOpaque())
    }
  }
}
