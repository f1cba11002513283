/// How often each key and credential property occurs in a tree, kept current by every tree
/// mutation. RFC 9420 §7.3, §12.4.2.
///
/// Validating a leaf asks whether its signature and encryption keys are already in use and
/// which credential types the members use and support; a received UpdatePath must not reuse
/// any key of the tree. Answering from the nodes costs O(N) per commit, which made processing
/// and adding linear in the group size; these counts answer in O(1) and cost O(1) per changed
/// node. Counts rather than sets, because a tree read from the wire may repeat a key until
/// validation rejects it.
///
/// The per-key counts are sharded (`ShardedCounts`): every staged commit mutates a copy of the
/// tree, and one dictionary of N keys would be copied whole by the first write to that copy.
struct TreeKeyIndex: Sendable {
  /// Leaves per signature key.
  private var signatureKeys = ShardedCounts()
  /// Leaves per encryption key.
  private var leafEncryptionKeys = ShardedCounts()
  /// Parent nodes per encryption key.
  private var parentEncryptionKeys = ShardedCounts()
  /// Leaves per credential type in use.
  private(set) var credentialTypes: [CredentialType: Int] = [:]
  /// Leaves per set of credential types listed in their capabilities.
  private(set) var supportedCredentialSets: [Set<CredentialType>: Int] = [:]

  init() {}

  /// How many leaves carry this signature key.
  func leafCount(signatureKey key: [UInt8]) -> Int { signatureKeys[key] }

  /// How many leaves carry this encryption key.
  func leafCount(encryptionKey key: [UInt8]) -> Int { leafEncryptionKeys[key] }

  /// Whether any node, leaf or parent, carries this encryption key.
  func containsEncryptionKey(_ key: [UInt8]) -> Bool {
    leafEncryptionKeys[key] > 0 || parentEncryptionKeys[key] > 0
  }

  /// Counts a node that enters the tree.
  mutating func insert(_ node: Node?) {
    switch node {
    case .leaf(let leaf):
      signatureKeys.increment(leaf.signatureKey)
      leafEncryptionKeys.increment(leaf.encryptionKey)
      credentialTypes[leaf.credential.credentialType, default: 0] += 1
      supportedCredentialSets[Set(leaf.capabilities.credentials), default: 0] += 1
    case .parent(let parent):
      parentEncryptionKeys.increment(parent.encryptionKey)
    case nil:
      return
    }
  }

  /// Counts every node of a tree being built, as `insert` one by one would.
  ///
  /// Capability lists are counted per distinct list first and turned into sets once per list:
  /// building and hashing a `Set` per leaf was half the cost of indexing a joined tree.
  mutating func insert(contentsOf nodes: some Sequence<Node?>) {
    var lists: [[CredentialType]: Int] = [:]
    for node in nodes {
      guard case .leaf(let leaf) = node else {
        insert(node)
        continue
      }
      signatureKeys.increment(leaf.signatureKey)
      leafEncryptionKeys.increment(leaf.encryptionKey)
      credentialTypes[leaf.credential.credentialType, default: 0] += 1
      lists[leaf.capabilities.credentials, default: 0] += 1
    }
    for (list, count) in lists { supportedCredentialSets[Set(list), default: 0] += count }
  }

  /// Uncounts a node that leaves the tree.
  mutating func remove(_ node: Node?) {
    switch node {
    case .leaf(let leaf):
      signatureKeys.decrement(leaf.signatureKey)
      leafEncryptionKeys.decrement(leaf.encryptionKey)
      Self.decrement(&credentialTypes, leaf.credential.credentialType)
      Self.decrement(&supportedCredentialSets, Set(leaf.capabilities.credentials))
    case .parent(let parent):
      parentEncryptionKeys.decrement(parent.encryptionKey)
    case nil:
      return
    }
  }

  private static func decrement<Key: Hashable>(_ counts: inout [Key: Int], _ key: Key) {
    guard let count = counts[key] else { return }
    counts[key] = count > 1 ? count - 1 : nil
  }
}

/// Occurrence counts per key, split over `shardCount` dictionaries by the key's hash.
///
/// A copy shares every shard; a write copies one shard of about N / `shardCount` entries (plus
/// the outer array of shard references) instead of the whole table. `Hasher` is seeded per
/// process, so keys chosen by a peer cannot be steered into one shard.
///
/// Keys are stored as `KeyBytes`, hashed as one buffer: `[UInt8]`'s own `hash(into:)` feeds the
/// hasher byte by byte, which made building the index for a joined tree of 1,000 members a
/// sixth of the join.
struct ShardedCounts: Sendable {
  static var shardCount: Int { 256 }

  /// `UInt32` counts (a tree has fewer than 2^32 nodes) keep each bucket at 12 bytes.
  private var shards: [[KeyBytes: UInt32]] = Array(repeating: [:], count: shardCount)

  init() {}

  private static func shard(of key: KeyBytes) -> Int {
    var hasher = Hasher()
    key.hash(into: &hasher)
    return hasher.finalize() & (shardCount - 1)
  }

  /// How often `key` was counted (0 when never).
  subscript(key: [UInt8]) -> Int {
    let key = KeyBytes(key)
    return Int(shards[Self.shard(of: key)][key] ?? 0)
  }

  mutating func increment(_ key: [UInt8]) {
    let key = KeyBytes(key)
    shards[Self.shard(of: key)][key, default: 0] += 1
  }

  mutating func decrement(_ key: [UInt8]) {
    let key = KeyBytes(key)
    let shard = Self.shard(of: key)
    guard let count = shards[shard][key] else { return }
    shards[shard][key] = count > 1 ? count - 1 : nil
  }
}
