import MLS
import MLSCrypto

/// An estimate of the heap a group state keeps, counting every structure that grows with N.
///
/// Method (see docs/BENCHMARKS.md):
/// - Node storage (`TreeNodes`): leaves and parents in chunks of `TreeNodes.chunkSize` slots,
///   each allocated chunk an array of `LeafNode?` or `ParentNode?` (inline fields included;
///   never-written blank chunks allocate nothing), plus the two outer arrays of chunk references.
/// - Every heap array a node owns (keys, credential, the five capability lists, extensions,
///   signature, parent hash, unmerged leaves), each a 32-byte Swift array header plus its
///   elements rounded up to 16 bytes (malloc granularity). Arrays that share one buffer (the
///   tree interns repeated capability lists) are counted once, by buffer address.
/// - The per-parent subtree counts of `TreeNodes` (a `UInt32` per parent slot, chunked).
/// - The tree-hash cache: parents only, one byte buffer of 64 hashes and a 16-byte chunk record
///   per 64 parent slots, every chunk counted as filled.
/// - The key index: three sharded dictionaries (signature keys and leaf encryption keys per
///   member, parent encryption keys per non-blank parent) of 256 shards; each shard a hash table
///   of 12-byte buckets (8-byte key, 4-byte count) at most 3/4 full (power-of-two capacity) plus a 64-byte header. The keys
///   share the nodes' buffers. Plus the small credential-type tables.
/// - The secret tree: each held node secret and each sender ratchet (about 160 bytes each with
///   its dictionary slot and wiped storage), and the private path keys.
enum Memory {
  static let arrayHeader = 32

  static func array(_ count: Int, elementSize: Int) -> Int {
    guard count > 0 else { return 0 }
    return arrayHeader + (count * elementSize + 15) / 16 * 16
  }

  /// Counts the buffers of arrays, each distinct buffer once.
  struct Buffers {
    var seen: Set<UInt> = []
    var total = 0

    mutating func add<Element>(_ value: [Element]) {
      guard !value.isEmpty else { return }
      let address = value.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
      guard seen.insert(address).inserted else { return }
      total += Memory.array(value.count, elementSize: MemoryLayout<Element>.stride)
    }
  }

  static func addLeaf(_ leaf: LeafNode, to buffers: inout Buffers) {
    buffers.add(leaf.encryptionKey)
    buffers.add(leaf.signatureKey)
    buffers.add(leaf.signature)
    switch leaf.credential {
    case .basic(let identity): buffers.add(identity)
    case .x509(let certificates):
      buffers.add(certificates)
      for certificate in certificates { buffers.add(certificate.certData) }
    case .other(_, let body): buffers.add(body)
    }
    let capabilities = leaf.capabilities
    buffers.add(capabilities.versions)
    buffers.add(capabilities.cipherSuites)
    buffers.add(capabilities.extensions)
    buffers.add(capabilities.proposals)
    buffers.add(capabilities.credentials)
    buffers.add(leaf.extensions)
    for item in leaf.extensions { buffers.add(item.extensionData) }
    if let parentHash = leaf.source.parentHash { buffers.add(parentHash) }
  }

  /// One sharded count table of `entries` keys over `shards` shards, spread evenly.
  static func shardedTable(entries: Int, shards: Int = 256) -> Int {
    var total = array(shards, elementSize: 8)
    guard entries > 0 else { return total }
    let used = min(entries, shards)
    let perShard = (entries + used - 1) / used
    var buckets = 1
    while buckets * 3 < perShard * 4 { buckets *= 2 }
    total += used * (64 + buckets * 12 + (buckets + 7) / 8)
    return total
  }

  static func estimate(_ state: GroupState) -> Double {
    let nodes = state.tree.nodes
    let chunk = TreeNodes.chunkSize
    let leafSlots = (nodes.count + 1) / 2
    let parentSlots = nodes.count / 2
    let leafChunks = (leafSlots + chunk - 1) / chunk
    let parentChunks = (parentSlots + chunk - 1) / chunk
    var total = array(leafChunks, elementSize: 8) + array(parentChunks, elementSize: 8)
    let stored = nodes.allocatedChunks
    total += stored.leaves * array(chunk, elementSize: MemoryLayout<LeafNode?>.stride)
    total += stored.parents * array(chunk, elementSize: MemoryLayout<ParentNode?>.stride)
    total += array(parentChunks, elementSize: 8) + parentChunks * array(chunk, elementSize: 4)
    var buffers = Buffers()
    var leaves = 0
    var parents = 0
    for node in nodes {
      switch node {
      case .leaf(let leaf):
        leaves += 1
        addLeaf(leaf, to: &buffers)
      case .parent(let parent):
        parents += 1
        buffers.add(parent.encryptionKey)
        buffers.add(parent.parentHash)
        buffers.add(parent.unmergedLeaves)
      case nil: break
      }
    }
    total += buffers.total
    let hashLength = state.provider.hash.outputLength
    let hashChunks = (parentSlots + 63) / 64
    total +=
      array(hashChunks, elementSize: 16) + hashChunks * array(64 * hashLength, elementSize: 1)
    total += 2 * shardedTable(entries: leaves) + shardedTable(entries: parents)
    // Credential types in use and supported credential-type sets: a few entries each.
    total += 2 * 512
    let secretTree = state.secretTreeHeld
    total += (secretTree.nodeSecrets + secretTree.ratchets) * 160
    let pathLength = state.tree.math.directPath(state.ownLeafIndex.nodeIndex).count + 1
    total += pathLength * (array(state.provider.kem.secretLength, elementSize: 1) + 32)
    return Double(total)
  }
}
