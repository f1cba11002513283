import MLSCodec

/// An HPKE-sealed value: the KEM encapsulation and the AEAD ciphertext. RFC 9420 §7.6.
public struct HPKECiphertext: Hashable, Sendable, TLSCodable {
  public var kemOutput: [UInt8]
  public var ciphertext: [UInt8]

  public init(kemOutput: [UInt8], ciphertext: [UInt8]) {
    self.kemOutput = kemOutput
    self.ciphertext = ciphertext
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.writeOpaque(kemOutput)
    try writer.writeOpaque(ciphertext)
  }

  public init(from reader: inout TLSReader) throws {
    kemOutput = try reader.readOpaque()
    ciphertext = try reader.readOpaque()
  }
}

/// One node of a committer's new direct path: its public key and the path secret sealed to each
/// node of the copath child's resolution. RFC 9420 §7.6 (`UpdatePathNode`).
public struct UpdatePathNode: Hashable, Sendable, TLSCodable {
  /// `HPKEPublicKey encryption_key`.
  public var encryptionKey: [UInt8]
  public var encryptedPathSecret: [HPKECiphertext]

  public init(encryptionKey: [UInt8], encryptedPathSecret: [HPKECiphertext]) {
    self.encryptionKey = encryptionKey
    self.encryptedPathSecret = encryptedPathSecret
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.writeOpaque(encryptionKey)
    try writer.writeVector(encryptedPathSecret)
  }

  public init(from reader: inout TLSReader) throws {
    encryptionKey = try reader.readOpaque()
    encryptedPathSecret = try reader.readVector()
  }
}

/// A committer's new leaf and filtered direct path. RFC 9420 §7.6 (`UpdatePath`).
public struct UpdatePath: Hashable, Sendable, TLSCodable {
  public var leafNode: LeafNode
  public var nodes: [UpdatePathNode]

  public init(leafNode: LeafNode, nodes: [UpdatePathNode]) {
    self.leafNode = leafNode
    self.nodes = nodes
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.write(leafNode)
    try writer.writeVector(nodes)
  }

  public init(from reader: inout TLSReader) throws {
    leafNode = try reader.read()
    nodes = try reader.readVector()
  }
}
