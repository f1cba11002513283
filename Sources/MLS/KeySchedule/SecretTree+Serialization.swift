import MLSCodec
import MLSCrypto

/// Why stored state did not decode: a named field broke a structural rule. Never carries the
/// bytes themselves.
public struct StoredStateError: Error, Equatable, Sendable {
  public let field: String

  public init(_ field: String) {
    self.field = field
  }
}

/// Secret lengths in stored state are checked against the suite, so a damaged file cannot hand
/// a KDF or AEAD a key of the wrong size.
extension TLSReader {
  mutating func readSecret(length: Int, _ field: String) throws -> SecretBytes {
    let bytes = try readOpaque()
    guard bytes.count == length else { throw StoredStateError(field) }
    return SecretBytes(bytes)
  }
}

extension TLSWriter {
  mutating func writeSecret(_ secret: SecretBytes) throws {
    try writeOpaque(secret.revealed())
  }
}

/// Persistence of a hash ratchet (RFC 9420 §9.1): the current secret (absent once exhausted),
/// the next generation and the retained keys of skipped generations (§9.2).
///
///     struct {
///       optional<opaque secret<V>>;
///       uint32 next_generation;
///       struct { uint32 generation; opaque key<V>; opaque nonce<V>; } skipped<V>;
///     } StoredHashRatchet;
extension HashRatchet {
  func encodeState(to writer: inout TLSWriter) throws {
    try writer.writeOptional(secret.map { $0.revealed() }.map(OpaqueBytes.init))
    writer.write(nextGeneration)
    try writer.writeVector { (inner: inout TLSWriter) throws in
      for key in skipped.values.sorted(by: { $0.generation < $1.generation }) {
        inner.write(key.generation)
        try inner.writeSecret(key.key)
        try inner.writeOpaque(key.nonce)
      }
    }
  }

  static func decodeState(
    from reader: inout TLSReader, provider: CipherSuiteProvider,
    configuration: SecretTreeConfiguration
  ) throws -> HashRatchet {
    let secret = try reader.readOptional { (inner: inout TLSReader) throws in
      try inner.readSecret(length: provider.hashLength, "ratchet secret")
    }
    let next = try reader.readUInt32()
    let keys = try reader.readVector { (inner: inout TLSReader) throws -> RatchetKey in
      let generation = try inner.readUInt32()
      let key = try inner.readSecret(length: provider.aeadKeyLength, "ratchet key")
      let nonce = try inner.readOpaque()
      guard nonce.count == provider.aeadNonceLength, generation < next else {
        throw StoredStateError("ratchet skipped key")
      }
      return RatchetKey(generation: generation, key: key, nonce: nonce)
    }
    guard secret != nil || next == UInt32.max else { throw StoredStateError("ratchet secret") }
    var ratchet = HashRatchet(
      provider: provider, secret: secret ?? SecretBytes(zeros: provider.hashLength),
      configuration: configuration)
    ratchet.secret = secret
    ratchet.nextGeneration = next
    for key in keys {
      guard ratchet.skipped.updateValue(key, forKey: key.generation) == nil else {
        throw StoredStateError("ratchet skipped key repeated")
      }
    }
    return ratchet
  }
}

/// An `opaque<V>` as a codable value, for optionals of bytes.
struct OpaqueBytes: TLSCodable {
  var bytes: [UInt8]

  init(_ bytes: [UInt8]) {
    self.bytes = bytes
  }

  func encode(to writer: inout TLSWriter) throws { try writer.writeOpaque(bytes) }

  init(from reader: inout TLSReader) throws { bytes = try reader.readOpaque() }
}

/// Persistence of a secret tree (RFC 9420 §9): the node secrets not yet split, and the two
/// ratchets of each leaf already seeded. Consumed secrets are absent, as §9.2 requires, so a
/// restored tree refuses exactly what the original refused.
///
///     struct {
///       uint32 leaf_count;
///       struct { uint32 node; opaque secret<V>; } node_secrets<V>;
///       struct { uint32 leaf; StoredHashRatchet handshake; StoredHashRatchet application; }
///         ratchets<V>;
///     } StoredSecretTree;
extension SecretTree {
  func encodeState(to writer: inout TLSWriter) throws {
    writer.write(leafCount)
    try writer.writeVector { (inner: inout TLSWriter) throws in
      for (node, secret) in nodeSecrets.sorted(by: { $0.key < $1.key }) {
        inner.write(node.rawValue)
        try inner.writeSecret(secret)
      }
    }
    try writer.writeVector { (inner: inout TLSWriter) throws in
      for (leaf, handshake) in handshakeRatchets.sorted(by: { $0.key < $1.key }) {
        guard let application = applicationRatchets[leaf] else {
          throw StoredStateError("secret tree ratchets")
        }
        inner.write(leaf.rawValue)
        try handshake.encodeState(to: &inner)
        try application.encodeState(to: &inner)
      }
    }
  }

  static func decodeState(
    from reader: inout TLSReader, provider: CipherSuiteProvider,
    configuration: SecretTreeConfiguration, expectedLeafCount: UInt32
  ) throws -> SecretTree {
    let leafCount = try reader.readUInt32()
    guard leafCount == expectedLeafCount else { throw StoredStateError("secret tree size") }
    var tree = try SecretTree(
      provider: provider, encryptionSecret: SecretBytes(zeros: provider.hashLength),
      leafCount: leafCount, configuration: configuration)
    let nodeLimit = tree.math.nodeCount
    let nodes = try reader.readVector { (inner: inout TLSReader) throws in
      let node = try inner.readUInt32()
      guard node < nodeLimit else { throw StoredStateError("secret tree node") }
      return (NodeIndex(rawValue: node), try inner.readSecret(length: provider.hashLength, "node"))
    }
    tree.nodeSecrets = [:]
    for (node, secret) in nodes {
      guard tree.nodeSecrets.updateValue(secret, forKey: node) == nil else {
        throw StoredStateError("secret tree node repeated")
      }
    }
    let ratchets = try reader.readVector { (inner: inout TLSReader) throws in
      let leaf = try inner.readUInt32()
      guard leaf < leafCount else { throw StoredStateError("secret tree leaf") }
      let handshake = try HashRatchet.decodeState(
        from: &inner, provider: provider, configuration: configuration)
      let application = try HashRatchet.decodeState(
        from: &inner, provider: provider, configuration: configuration)
      return (LeafIndex(leaf), handshake, application)
    }
    for (leaf, handshake, application) in ratchets {
      guard tree.handshakeRatchets.updateValue(handshake, forKey: leaf) == nil else {
        throw StoredStateError("secret tree leaf repeated")
      }
      tree.applicationRatchets[leaf] = application
    }
    return tree
  }
}
