import MLSCodec

// TEMPORARY stand-ins for the wire structs that branch `messages` is writing. Deleted on merge.

public enum LeafNodeSource: Hashable, Sendable {
  case keyPackage
  case update
  case commit(parentHash: [UInt8])
}

public struct LeafNode: Hashable, Sendable, TLSCodable {
  public var encryptionKey: [UInt8]
  public var signatureKey: [UInt8]
  public var leafNodeSource: LeafNodeSource

  public init(encryptionKey: [UInt8], signatureKey: [UInt8], leafNodeSource: LeafNodeSource) {
    self.encryptionKey = encryptionKey
    self.signatureKey = signatureKey
    self.leafNodeSource = leafNodeSource
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.writeOpaque(encryptionKey)
    try writer.writeOpaque(signatureKey)
    switch leafNodeSource {
    case .keyPackage: writer.write(UInt8(1))
    case .update: writer.write(UInt8(2))
    case .commit(let parentHash):
      writer.write(UInt8(3))
      try writer.writeOpaque(parentHash)
    }
  }

  public init(from reader: inout TLSReader) throws {
    encryptionKey = try reader.readOpaque()
    signatureKey = try reader.readOpaque()
    switch try reader.readUInt8() {
    case 1: leafNodeSource = .keyPackage
    case 2: leafNodeSource = .update
    case 3: leafNodeSource = .commit(parentHash: try reader.readOpaque())
    default: throw TLSDecodingError.invalidValue("leaf_node_source")
    }
  }
}

public struct ParentNode: Hashable, Sendable, TLSCodable {
  public var encryptionKey: [UInt8]
  public var parentHash: [UInt8]
  public var unmergedLeaves: [LeafIndex]

  public init(encryptionKey: [UInt8], parentHash: [UInt8], unmergedLeaves: [LeafIndex]) {
    self.encryptionKey = encryptionKey
    self.parentHash = parentHash
    self.unmergedLeaves = unmergedLeaves
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.writeOpaque(encryptionKey)
    try writer.writeOpaque(parentHash)
    try writer.writeVector { w in for leaf in unmergedLeaves { w.write(leaf.rawValue) } }
  }

  public init(from reader: inout TLSReader) throws {
    encryptionKey = try reader.readOpaque()
    parentHash = try reader.readOpaque()
    unmergedLeaves = try reader.readVector { r in LeafIndex(try r.readUInt32()) }
  }
}

public enum Node: Hashable, Sendable, TLSCodable {
  case leaf(LeafNode)
  case parent(ParentNode)

  public func encode(to writer: inout TLSWriter) throws {
    switch self {
    case .leaf(let leaf):
      writer.write(UInt8(1))
      try leaf.encode(to: &writer)
    case .parent(let parent):
      writer.write(UInt8(2))
      try parent.encode(to: &writer)
    }
  }

  public init(from reader: inout TLSReader) throws {
    switch try reader.readUInt8() {
    case 1: self = .leaf(try LeafNode(from: &reader))
    case 2: self = .parent(try ParentNode(from: &reader))
    default: throw TLSDecodingError.invalidValue("node_type")
    }
  }
}
