import MLSCodec

/// An interior node of the ratchet tree. RFC 9420 §7.1 (`ParentNode`).
public struct ParentNode: Hashable, Sendable, TLSCodable {
  /// `HPKEPublicKey encryption_key`.
  public var encryptionKey: [UInt8]
  public var parentHash: [UInt8]
  /// Leaves below this node that do not know its private key yet (§7.1), in increasing order.
  public var unmergedLeaves: [LeafIndex]

  public init(encryptionKey: [UInt8], parentHash: [UInt8], unmergedLeaves: [LeafIndex]) {
    self.encryptionKey = encryptionKey
    self.parentHash = parentHash
    self.unmergedLeaves = unmergedLeaves
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.writeOpaque(encryptionKey)
    try writer.writeOpaque(parentHash)
    try writer.writeVector(unmergedLeaves)
  }

  public init(from reader: inout TLSReader) throws {
    encryptionKey = try reader.readOpaque()
    parentHash = try reader.readOpaque()
    unmergedLeaves = try reader.readVector()
  }
}

/// A non-blank node of the ratchet tree. RFC 9420 §7.8 (`Node`).
///
/// `node_type` is closed: unknown codes are a decoding error.
public enum Node: Hashable, Sendable, TLSCodable {
  /// `leaf(1)`.
  case leaf(LeafNode)
  /// `parent(2)`.
  case parent(ParentNode)

  /// The leaf, when this is a leaf node.
  public var leafNode: LeafNode? {
    if case .leaf(let leaf) = self { return leaf }
    return nil
  }

  /// The parent, when this is a parent node.
  public var parentNode: ParentNode? {
    if case .parent(let parent) = self { return parent }
    return nil
  }

  /// The encryption key either kind of node carries.
  public var encryptionKey: [UInt8] {
    switch self {
    case .leaf(let leaf): leaf.encryptionKey
    case .parent(let parent): parent.encryptionKey
    }
  }

  public func encode(to writer: inout TLSWriter) throws {
    switch self {
    case .leaf(let leaf):
      writer.write(UInt8(1))
      try writer.write(leaf)
    case .parent(let parent):
      writer.write(UInt8(2))
      try writer.write(parent)
    }
  }

  public init(from reader: inout TLSReader) throws {
    let type = try reader.readUInt8()
    switch type {
    case 1: self = .leaf(try reader.read())
    case 2: self = .parent(try reader.read())
    default: throw TLSDecodingError.unknownEnumValue(type: "NodeType", value: UInt64(type))
    }
  }
}

/// The ratchet tree as it travels: `optional<Node> ratchet_tree<V>`, nodes in array order with
/// nil for blank nodes. RFC 9420 §12.4.3.3.
///
/// This is the syntax only: the tree layer checks that the last node is non-blank, that leaves
/// and parents alternate, and everything else §7 and §12.4.3.3 require.
public struct RatchetTree: Hashable, Sendable, TLSCodable {
  public var nodes: [Node?]

  public init(nodes: [Node?]) { self.nodes = nodes }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.writeVector { writer in
      for node in nodes { try writer.writeOptional(node) }
    }
  }

  public init(from reader: inout TLSReader) throws {
    nodes = try reader.readVector { reader in try reader.readOptional(of: Node.self) }
  }
}
