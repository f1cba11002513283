import MLSCodec
import MLSCrypto

/// Add a member from their KeyPackage. RFC 9420 §12.1.1.
public struct Add: Hashable, Sendable, TLSCodable {
  public var keyPackage: KeyPackage

  public init(keyPackage: KeyPackage) { self.keyPackage = keyPackage }

  public func encode(to writer: inout TLSWriter) throws { try writer.write(keyPackage) }
  public init(from reader: inout TLSReader) throws { keyPackage = try reader.read() }
}

/// Replace the sender's own leaf. RFC 9420 §12.1.2.
public struct Update: Hashable, Sendable, TLSCodable {
  public var leafNode: LeafNode

  public init(leafNode: LeafNode) { self.leafNode = leafNode }

  public func encode(to writer: inout TLSWriter) throws { try writer.write(leafNode) }
  public init(from reader: inout TLSReader) throws { leafNode = try reader.read() }
}

/// Remove the member at a leaf. RFC 9420 §12.1.3.
public struct Remove: Hashable, Sendable, TLSCodable {
  public var removed: LeafIndex

  public init(removed: LeafIndex) { self.removed = removed }

  public func encode(to writer: inout TLSWriter) throws { try writer.write(removed) }
  public init(from reader: inout TLSReader) throws { removed = try reader.read() }
}

/// Inject a pre-shared key into the next epoch's key schedule. RFC 9420 §12.1.4.
public struct PreSharedKey: Hashable, Sendable, TLSCodable {
  public var psk: PreSharedKeyID

  public init(psk: PreSharedKeyID) { self.psk = psk }

  public func encode(to writer: inout TLSWriter) throws { try writer.write(psk) }
  public init(from reader: inout TLSReader) throws { psk = try reader.read() }
}

/// Close this group and start a new one with other parameters. RFC 9420 §12.1.5.
public struct ReInit: Hashable, Sendable, TLSCodable {
  public var groupID: [UInt8]
  public var version: ProtocolVersion
  public var cipherSuite: CipherSuite
  public var extensions: [Extension]

  public init(
    groupID: [UInt8], version: ProtocolVersion, cipherSuite: CipherSuite, extensions: [Extension]
  ) {
    self.groupID = groupID
    self.version = version
    self.cipherSuite = cipherSuite
    self.extensions = extensions
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.writeOpaque(groupID)
    try writer.write(version)
    try writer.write(cipherSuite)
    try writer.writeVector(extensions)
  }

  public init(from reader: inout TLSReader) throws {
    groupID = try reader.readOpaque()
    version = try reader.read()
    cipherSuite = try reader.read()
    extensions = try reader.readVector()
  }
}

/// The KEM output from which an external joiner's init secret is derived. RFC 9420 §12.1.6.
public struct ExternalInit: Hashable, Sendable, TLSCodable {
  public var kemOutput: [UInt8]

  public init(kemOutput: [UInt8]) { self.kemOutput = kemOutput }

  public func encode(to writer: inout TLSWriter) throws { try writer.writeOpaque(kemOutput) }
  public init(from reader: inout TLSReader) throws { kemOutput = try reader.readOpaque() }
}

/// Replace the GroupContext's extensions. RFC 9420 §12.1.7.
public struct GroupContextExtensions: Hashable, Sendable, TLSCodable {
  public var extensions: [Extension]

  public init(extensions: [Extension]) { self.extensions = extensions }

  public func encode(to writer: inout TLSWriter) throws { try writer.writeVector(extensions) }
  public init(from reader: inout TLSReader) throws { extensions = try reader.readVector() }
}

/// A proposed change to the group. RFC 9420 §12.1.
///
/// Proposal bodies carry no length, so a body of a type this library does not know cannot be
/// skipped: decoding it is `TLSDecodingError.unknownEnumValue`. (Unknown proposal *types* in
/// capability lists are a different matter and round-trip as `ProposalType`.)
public enum Proposal: Hashable, Sendable, TLSCodable {
  case add(Add)
  case update(Update)
  case remove(Remove)
  case preSharedKey(PreSharedKey)
  case reInit(ReInit)
  case externalInit(ExternalInit)
  case groupContextExtensions(GroupContextExtensions)

  /// The `proposal_type` on the wire.
  public var proposalType: ProposalType {
    switch self {
    case .add: .add
    case .update: .update
    case .remove: .remove
    case .preSharedKey: .psk
    case .reInit: .reinit
    case .externalInit: .externalInit
    case .groupContextExtensions: .groupContextExtensions
    }
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.write(proposalType)
    switch self {
    case .add(let body): try writer.write(body)
    case .update(let body): try writer.write(body)
    case .remove(let body): try writer.write(body)
    case .preSharedKey(let body): try writer.write(body)
    case .reInit(let body): try writer.write(body)
    case .externalInit(let body): try writer.write(body)
    case .groupContextExtensions(let body): try writer.write(body)
    }
  }

  public init(from reader: inout TLSReader) throws {
    let type: ProposalType = try reader.read()
    switch type {
    case .add: self = .add(try reader.read())
    case .update: self = .update(try reader.read())
    case .remove: self = .remove(try reader.read())
    case .psk: self = .preSharedKey(try reader.read())
    case .reinit: self = .reInit(try reader.read())
    case .externalInit: self = .externalInit(try reader.read())
    case .groupContextExtensions: self = .groupContextExtensions(try reader.read())
    default:
      throw TLSDecodingError.unknownEnumValue(type: "ProposalType", value: UInt64(type.rawValue))
    }
  }
}
