/// How often each key and credential property occurs in a tree, kept current by every tree
/// mutation. RFC 9420 §7.3, §12.4.2.
///
/// Validating a leaf asks whether its signature and encryption keys are already in use and
/// which credential types the members use and support; a received UpdatePath must not reuse
/// any key of the tree. Answering from the nodes costs O(N) per commit, which made processing
/// and adding linear in the group size; these counts answer in O(1) and cost O(1) per changed
/// node. Counts rather than sets, because a tree read from the wire may repeat a key until
/// validation rejects it.
struct TreeKeyIndex: Sendable {
  /// Leaves per signature key.
  private var signatureKeys: [[UInt8]: Int] = [:]
  /// Leaves per encryption key.
  private var leafEncryptionKeys: [[UInt8]: Int] = [:]
  /// Parent nodes per encryption key.
  private var parentEncryptionKeys: [[UInt8]: Int] = [:]
  /// Leaves per credential type in use.
  private(set) var credentialTypes: [CredentialType: Int] = [:]
  /// Leaves per set of credential types listed in their capabilities.
  private(set) var supportedCredentialSets: [Set<CredentialType>: Int] = [:]

  init() {}

  /// How many leaves carry this signature key.
  func leafCount(signatureKey key: [UInt8]) -> Int { signatureKeys[key] ?? 0 }

  /// How many leaves carry this encryption key.
  func leafCount(encryptionKey key: [UInt8]) -> Int { leafEncryptionKeys[key] ?? 0 }

  /// Whether any node, leaf or parent, carries this encryption key.
  func containsEncryptionKey(_ key: [UInt8]) -> Bool {
    leafEncryptionKeys[key] != nil || parentEncryptionKeys[key] != nil
  }

  /// Counts a node that enters the tree.
  mutating func insert(_ node: Node?) {
    switch node {
    case .leaf(let leaf):
      signatureKeys[leaf.signatureKey, default: 0] += 1
      leafEncryptionKeys[leaf.encryptionKey, default: 0] += 1
      credentialTypes[leaf.credential.credentialType, default: 0] += 1
      supportedCredentialSets[Set(leaf.capabilities.credentials), default: 0] += 1
    case .parent(let parent):
      parentEncryptionKeys[parent.encryptionKey, default: 0] += 1
    case nil:
      return
    }
  }

  /// Uncounts a node that leaves the tree.
  mutating func remove(_ node: Node?) {
    switch node {
    case .leaf(let leaf):
      Self.decrement(&signatureKeys, leaf.signatureKey)
      Self.decrement(&leafEncryptionKeys, leaf.encryptionKey)
      Self.decrement(&credentialTypes, leaf.credential.credentialType)
      Self.decrement(&supportedCredentialSets, Set(leaf.capabilities.credentials))
    case .parent(let parent):
      Self.decrement(&parentEncryptionKeys, parent.encryptionKey)
    case nil:
      return
    }
  }

  private static func decrement<Key: Hashable>(_ counts: inout [Key: Int], _ key: Key) {
    guard let count = counts[key] else { return }
    counts[key] = count > 1 ? count - 1 : nil
  }
}
