import MLSCodec

@testable import MLS

/// Builders for synthetic trees used by the tree tests.
enum TreeFixtures {
  /// A synthetic leaf whose keys are derived from `seed` (unique per seed).
  static func leaf(_ seed: Int) -> LeafNode {
    let tag = [
      UInt8(truncatingIfNeeded: seed >> 16), UInt8(truncatingIfNeeded: seed >> 8),
      UInt8(truncatingIfNeeded: seed),
    ]
    return LeafNode(
      encryptionKey: [0xE0] + tag, signatureKey: [0x50] + tag,
      credential: .basic(identity: tag),
      capabilities: Capabilities(
        versions: [.mls10], cipherSuites: [.x25519Aes128Sha256Ed25519], extensions: [],
        proposals: [], credentials: [.basic]),
      source: .keyPackage(Lifetime(notBefore: 0, notAfter: UInt64.max)), extensions: [],
      signature: [])
  }

  /// A synthetic parent node whose key is derived from `seed`.
  static func parent(_ seed: Int, unmerged: [UInt32] = []) -> ParentNode {
    let tag = [UInt8(truncatingIfNeeded: seed >> 8), UInt8(truncatingIfNeeded: seed)]
    return ParentNode(
      encryptionKey: [0xA0] + tag, parentHash: [], unmergedLeaves: unmerged.map { LeafIndex($0) })
  }

  /// A tree from a string with one character per node: `L` leaf, `P` parent, `_` blank.
  static func tree(_ layout: String, unmerged: [Int: [UInt32]] = [:]) throws -> PublicRatchetTree {
    let nodes: [Node?] = layout.enumerated().map { offset, character in
      switch character {
      case "L": .leaf(leaf(offset))
      case "P": .parent(parent(offset, unmerged: unmerged[offset] ?? []))
      default: nil
      }
    }
    return try PublicRatchetTree(nodes: nodes)
  }
}
