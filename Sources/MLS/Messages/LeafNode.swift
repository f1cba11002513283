import MLSCodec
import MLSCrypto

/// What a client supports. RFC 9420 §7.2 (`Capabilities`).
///
/// Every list keeps unknown and GREASE (§13.5) values byte for byte, since they are signed.
public struct Capabilities: Hashable, Sendable, TLSCodable {
  public var versions: [ProtocolVersion]
  public var cipherSuites: [CipherSuite]
  public var extensions: [ExtensionType]
  public var proposals: [ProposalType]
  public var credentials: [CredentialType]

  public init(
    versions: [ProtocolVersion], cipherSuites: [CipherSuite], extensions: [ExtensionType],
    proposals: [ProposalType], credentials: [CredentialType]
  ) {
    self.versions = versions
    self.cipherSuites = cipherSuites
    self.extensions = extensions
    self.proposals = proposals
    self.credentials = credentials
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.writeVector(versions)
    try writer.writeVector(cipherSuites)
    try writer.writeVector(extensions)
    try writer.writeVector(proposals)
    try writer.writeVector(credentials)
  }

  public init(from reader: inout TLSReader) throws {
    versions = try reader.readVector()
    cipherSuites = try reader.readVector()
    extensions = try reader.readVector()
    proposals = try reader.readVector()
    credentials = try reader.readVector()
  }
}

/// The validity window of a KeyPackage's leaf, in seconds since the Unix epoch. RFC 9420 §7.2.
public struct Lifetime: Hashable, Sendable, TLSCodable {
  public var notBefore: UInt64
  public var notAfter: UInt64

  public init(notBefore: UInt64, notAfter: UInt64) {
    self.notBefore = notBefore
    self.notAfter = notAfter
  }

  public func encode(to writer: inout TLSWriter) {
    writer.write(notBefore)
    writer.write(notAfter)
  }

  public init(from reader: inout TLSReader) throws {
    notBefore = try reader.readUInt64()
    notAfter = try reader.readUInt64()
  }
}

/// How a leaf node came to be, with the data that source carries. RFC 9420 §7.2.
///
/// The `leaf_node_source` code is closed: an unknown code leaves the rest of the leaf unparseable,
/// so it is a decoding error.
public enum LeafNodeSource: Hashable, Sendable, TLSCodable {
  /// In a KeyPackage (code 1): the leaf is valid for `lifetime`.
  case keyPackage(Lifetime)
  /// In an Update proposal (code 2).
  case update
  /// In a Commit's UpdatePath (code 3): the parent hash links the leaf to the new path (§7.9).
  case commit(parentHash: [UInt8])

  /// The wire code of this source.
  public var code: UInt8 {
    switch self {
    case .keyPackage: 1
    case .update: 2
    case .commit: 3
    }
  }

  /// The lifetime, for a key_package source.
  public var lifetime: Lifetime? {
    if case .keyPackage(let lifetime) = self { return lifetime }
    return nil
  }

  /// The parent hash, for a commit source.
  public var parentHash: [UInt8]? {
    if case .commit(let parentHash) = self { return parentHash }
    return nil
  }

  public func encode(to writer: inout TLSWriter) throws {
    writer.write(code)
    switch self {
    case .keyPackage(let lifetime): try writer.write(lifetime)
    case .update: break
    case .commit(let parentHash): try writer.writeOpaque(parentHash)
    }
  }

  public init(from reader: inout TLSReader) throws {
    let code = try reader.readUInt8()
    switch code {
    case 1: self = .keyPackage(try reader.read())
    case 2: self = .update
    case 3: self = .commit(parentHash: try reader.readOpaque())
    default: throw TLSDecodingError.unknownEnumValue(type: "LeafNodeSource", value: UInt64(code))
    }
  }
}

/// A member's leaf in the ratchet tree. RFC 9420 §7.2.
///
/// Decoding checks syntax only; the signature and the rules of §7.3 are checked by the tree layer.
public struct LeafNode: Hashable, Sendable, TLSCodable {
  /// `HPKEPublicKey encryption_key`.
  public var encryptionKey: [UInt8]
  /// `SignaturePublicKey signature_key`.
  public var signatureKey: [UInt8]
  public var credential: Credential
  public var capabilities: Capabilities
  public var source: LeafNodeSource
  public var extensions: [Extension]
  /// `SignWithLabel(., "LeafNodeTBS", LeafNodeTBS)`.
  public var signature: [UInt8]

  public init(
    encryptionKey: [UInt8], signatureKey: [UInt8], credential: Credential,
    capabilities: Capabilities, source: LeafNodeSource, extensions: [Extension],
    signature: [UInt8]
  ) {
    self.encryptionKey = encryptionKey
    self.signatureKey = signatureKey
    self.credential = credential
    self.capabilities = capabilities
    self.source = source
    self.extensions = extensions
    self.signature = signature
  }

  /// Writes every field before `signature`: the part LeafNode and LeafNodeTBS share.
  func encodeSignedFields(to writer: inout TLSWriter) throws {
    try writer.writeOpaque(encryptionKey)
    try writer.writeOpaque(signatureKey)
    try writer.write(credential)
    try writer.write(capabilities)
    try writer.write(source)
    try writer.writeVector(extensions)
  }

  public func encode(to writer: inout TLSWriter) throws {
    try encodeSignedFields(to: &writer)
    try writer.writeOpaque(signature)
  }

  /// Writes this leaf's `LeafNodeTBS` (§7.2) without building the value, which would copy the
  /// leaf and retain every array it owns (once per leaf of a joined tree, on every core).
  /// Throws `MessageError.missingLeafNodeContext` for an update or commit source without
  /// `groupID` and `leafIndex`.
  func encodeTBS(groupID: [UInt8]?, leafIndex: LeafIndex?, to writer: inout TLSWriter) throws {
    try encodeSignedFields(to: &writer)
    switch source {
    case .keyPackage:
      break
    case .update, .commit:
      guard let groupID, let leafIndex else { throw MessageError.missingLeafNodeContext }
      try writer.writeOpaque(groupID)
      try writer.write(leafIndex)
    }
  }

  public init(from reader: inout TLSReader) throws {
    encryptionKey = try reader.readOpaque()
    signatureKey = try reader.readOpaque()
    credential = try reader.read()
    capabilities = try reader.read()
    source = try reader.read()
    extensions = try reader.readVector()
    signature = try reader.readOpaque()
  }

  /// The content the signature covers. `groupID` and `leafIndex` are required for update and
  /// commit sources (they bind the leaf to its group and position, §7.2) and ignored otherwise.
  public func toBeSigned(groupID: [UInt8]? = nil, leafIndex: LeafIndex? = nil) -> LeafNodeTBS {
    LeafNodeTBS(leafNode: self, groupID: groupID, leafIndex: leafIndex)
  }
}

/// What a leaf node's signature covers. RFC 9420 §7.2 (`LeafNodeTBS`).
///
/// The leaf's fields without the signature, then for update and commit sources the group ID and
/// leaf index, so a leaf cannot be replayed into another group or position.
public struct LeafNodeTBS: Hashable, Sendable, TLSEncodable {
  /// The leaf whose fields are signed; its `signature` is not encoded.
  public var leafNode: LeafNode
  public var groupID: [UInt8]?
  public var leafIndex: LeafIndex?

  public init(leafNode: LeafNode, groupID: [UInt8]?, leafIndex: LeafIndex?) {
    self.leafNode = leafNode
    self.groupID = groupID
    self.leafIndex = leafIndex
  }

  /// Throws `MessageError.missingLeafNodeContext` for an update or commit source without
  /// `groupID` and `leafIndex`.
  public func encode(to writer: inout TLSWriter) throws {
    try leafNode.encodeTBS(groupID: groupID, leafIndex: leafIndex, to: &writer)
  }
}
