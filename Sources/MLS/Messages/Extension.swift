import MLSCodec

/// An extension type code. RFC 9420 §13, registry in §17.3.
///
/// Any 16-bit value decodes, so unknown and GREASE (§13.5) types survive a round trip.
public struct ExtensionType: RawRepresentable, Hashable, Sendable, TLSCodable {
  public var rawValue: UInt16
  public init(rawValue: UInt16) { self.rawValue = rawValue }

  public static let applicationID = ExtensionType(rawValue: 0x0001)
  public static let ratchetTree = ExtensionType(rawValue: 0x0002)
  public static let requiredCapabilities = ExtensionType(rawValue: 0x0003)
  public static let externalPub = ExtensionType(rawValue: 0x0004)
  public static let externalSenders = ExtensionType(rawValue: 0x0005)

  public func encode(to writer: inout TLSWriter) { writer.write(rawValue) }
  public init(from reader: inout TLSReader) throws { rawValue = try reader.readUInt16() }
}

/// One extension: a type and opaque data whose meaning the type gives. RFC 9420 §7.2, §13.
public struct Extension: Hashable, Sendable, TLSCodable {
  public var extensionType: ExtensionType
  public var extensionData: [UInt8]

  public init(extensionType: ExtensionType, extensionData: [UInt8]) {
    self.extensionType = extensionType
    self.extensionData = extensionData
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.write(extensionType)
    try writer.writeOpaque(extensionData)
  }

  public init(from reader: inout TLSReader) throws {
    extensionType = try reader.read()
    extensionData = try reader.readOpaque()
  }
}

/// A typed extension body: the structure an extension type's `extension_data` holds.
/// RFC 9420 §13.
///
/// Extensions travel as opaque bytes so unknown types survive; a known type is parsed on demand
/// with `Extension.payload(_:)`, which requires the data to be exactly one value.
public protocol ExtensionPayload: TLSCodable, Sendable {
  static var extensionType: ExtensionType { get }
}

extension Extension {
  /// Wraps a typed payload as an extension of its type.
  public init<P: ExtensionPayload>(_ payload: P) throws {
    self.init(extensionType: P.extensionType, extensionData: try payload.tlsSerialized())
  }

  /// Decodes this extension's data as `type`; nil when the extension is of another type.
  public func payload<P: ExtensionPayload>(_ type: P.Type) throws -> P? {
    guard extensionType == P.extensionType else { return nil }
    return try P(tlsSerialized: extensionData)
  }
}

extension Array where Element == Extension {
  /// The payload of the first extension of `type`'s extension type, decoded; nil when absent.
  public func payload<P: ExtensionPayload>(_ type: P.Type) throws -> P? {
    guard let found = first(where: { $0.extensionType == P.extensionType }) else { return nil }
    return try found.payload(type)
  }
}

/// `application_id`: an application-chosen identifier for a leaf. RFC 9420 §5.3.3.
public struct ApplicationID: ExtensionPayload, Hashable {
  public static let extensionType = ExtensionType.applicationID
  public var applicationID: [UInt8]

  public init(applicationID: [UInt8]) { self.applicationID = applicationID }

  public func encode(to writer: inout TLSWriter) throws { try writer.writeOpaque(applicationID) }
  public init(from reader: inout TLSReader) throws { applicationID = try reader.readOpaque() }
}

/// `required_capabilities`: what every member must support. RFC 9420 §11.1.
///
/// Lists keep unknown and GREASE values as they are.
public struct RequiredCapabilities: ExtensionPayload, Hashable {
  public static let extensionType = ExtensionType.requiredCapabilities
  public var extensionTypes: [ExtensionType]
  public var proposalTypes: [ProposalType]
  public var credentialTypes: [CredentialType]

  public init(
    extensionTypes: [ExtensionType], proposalTypes: [ProposalType],
    credentialTypes: [CredentialType]
  ) {
    self.extensionTypes = extensionTypes
    self.proposalTypes = proposalTypes
    self.credentialTypes = credentialTypes
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.writeVector(extensionTypes)
    try writer.writeVector(proposalTypes)
    try writer.writeVector(credentialTypes)
  }

  public init(from reader: inout TLSReader) throws {
    extensionTypes = try reader.readVector()
    proposalTypes = try reader.readVector()
    credentialTypes = try reader.readVector()
  }
}

/// `external_pub`: the HPKE public key external joiners encrypt to. RFC 9420 §12.4.3.2.
public struct ExternalPub: ExtensionPayload, Hashable {
  public static let extensionType = ExtensionType.externalPub
  /// `HPKEPublicKey external_pub`.
  public var externalPub: [UInt8]

  public init(externalPub: [UInt8]) { self.externalPub = externalPub }

  public func encode(to writer: inout TLSWriter) throws { try writer.writeOpaque(externalPub) }
  public init(from reader: inout TLSReader) throws { externalPub = try reader.readOpaque() }
}

/// One party allowed to send proposals from outside the group. RFC 9420 §12.1.8.1.
public struct ExternalSender: Hashable, Sendable, TLSCodable {
  /// `SignaturePublicKey signature_key`.
  public var signatureKey: [UInt8]
  public var credential: Credential

  public init(signatureKey: [UInt8], credential: Credential) {
    self.signatureKey = signatureKey
    self.credential = credential
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.writeOpaque(signatureKey)
    try writer.write(credential)
  }

  public init(from reader: inout TLSReader) throws {
    signatureKey = try reader.readOpaque()
    credential = try reader.read()
  }
}

/// `external_senders`: `ExternalSender external_senders<V>`; an external sender's index in a
/// proposal's `Sender` refers to this list. RFC 9420 §12.1.8.1.
public struct ExternalSenders: ExtensionPayload, Hashable {
  public static let extensionType = ExtensionType.externalSenders
  public var senders: [ExternalSender]

  public init(senders: [ExternalSender]) { self.senders = senders }

  public func encode(to writer: inout TLSWriter) throws { try writer.writeVector(senders) }
  public init(from reader: inout TLSReader) throws { senders = try reader.readVector() }
}

/// `ratchet_tree`: the whole tree, carried in a GroupInfo. RFC 9420 §12.4.3.3.
extension RatchetTree: ExtensionPayload {
  public static let extensionType = ExtensionType.ratchetTree
}
