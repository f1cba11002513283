import MLSCodec
import MLSCrypto

/// A signed offer to join groups, published ahead of time. RFC 9420 §10 (`KeyPackage`).
public struct KeyPackage: Hashable, Sendable, TLSCodable {
  public var version: ProtocolVersion
  public var cipherSuite: CipherSuite
  /// `HPKEPublicKey init_key`: the key a Welcome's group secrets are encrypted to.
  public var initKey: [UInt8]
  public var leafNode: LeafNode
  public var extensions: [Extension]
  /// `SignWithLabel(., "KeyPackageTBS", KeyPackageTBS)` by the leaf's signature key.
  public var signature: [UInt8]

  public init(
    version: ProtocolVersion = .mls10, cipherSuite: CipherSuite, initKey: [UInt8],
    leafNode: LeafNode, extensions: [Extension], signature: [UInt8]
  ) {
    self.version = version
    self.cipherSuite = cipherSuite
    self.initKey = initKey
    self.leafNode = leafNode
    self.extensions = extensions
    self.signature = signature
  }

  /// The content the signature covers.
  public var toBeSigned: KeyPackageTBS {
    KeyPackageTBS(
      version: version, cipherSuite: cipherSuite, initKey: initKey, leafNode: leafNode,
      extensions: extensions)
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.write(toBeSigned)
    try writer.writeOpaque(signature)
  }

  public init(from reader: inout TLSReader) throws {
    let tbs: KeyPackageTBS = try reader.read()
    version = tbs.version
    cipherSuite = tbs.cipherSuite
    initKey = tbs.initKey
    leafNode = tbs.leafNode
    extensions = tbs.extensions
    signature = try reader.readOpaque()
  }
}

/// What a KeyPackage's signature covers: every field but the signature. RFC 9420 §10.
public struct KeyPackageTBS: Hashable, Sendable, TLSCodable {
  public var version: ProtocolVersion
  public var cipherSuite: CipherSuite
  public var initKey: [UInt8]
  public var leafNode: LeafNode
  public var extensions: [Extension]

  public init(
    version: ProtocolVersion, cipherSuite: CipherSuite, initKey: [UInt8], leafNode: LeafNode,
    extensions: [Extension]
  ) {
    self.version = version
    self.cipherSuite = cipherSuite
    self.initKey = initKey
    self.leafNode = leafNode
    self.extensions = extensions
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.write(version)
    try writer.write(cipherSuite)
    try writer.writeOpaque(initKey)
    try writer.write(leafNode)
    try writer.writeVector(extensions)
  }

  public init(from reader: inout TLSReader) throws {
    version = try reader.read()
    cipherSuite = try reader.read()
    initKey = try reader.readOpaque()
    leafNode = try reader.read()
    extensions = try reader.readVector()
  }
}
