import MLS
import MLSCrypto

/// An estimate of the heap a group state holds, from its public parts.
///
/// Method: the tree's node array (`MemoryLayout<Node?>.stride` per slot, which includes every
/// inline field), plus every heap array a node owns (keys, credential, the five capability
/// lists, extensions, signature, parent hash, unmerged leaves), each counted as a 32-byte Swift
/// array header plus its elements rounded up to 16 bytes (malloc granularity), plus the tree
/// hash cache (one optional hash per node), plus one private key per node on the member's
/// direct path. Secret-tree ratchets and the proposal cache are not public and are left out;
/// they are O(log N) per epoch until a sender's ratchet is used.
enum Memory {
  static let arrayHeader = 32

  static func array(_ count: Int, elementSize: Int) -> Int {
    guard count > 0 else { return 0 }
    return arrayHeader + (count * elementSize + 15) / 16 * 16
  }

  static func leafBytes(_ leaf: LeafNode) -> Int {
    var total = array(leaf.encryptionKey.count, elementSize: 1)
    total += array(leaf.signatureKey.count, elementSize: 1)
    total += array(leaf.signature.count, elementSize: 1)
    switch leaf.credential {
    case .basic(let identity): total += array(identity.count, elementSize: 1)
    case .x509(let certificates):
      total += array(certificates.count, elementSize: MemoryLayout<Certificate>.stride)
      for certificate in certificates { total += array(certificate.certData.count, elementSize: 1) }
    case .other(_, let body): total += array(body.count, elementSize: 1)
    }
    let capabilities = leaf.capabilities
    total += array(capabilities.versions.count, elementSize: 2)
    total += array(capabilities.cipherSuites.count, elementSize: 2)
    total += array(capabilities.extensions.count, elementSize: 2)
    total += array(capabilities.proposals.count, elementSize: 2)
    total += array(capabilities.credentials.count, elementSize: 2)
    total += array(leaf.extensions.count, elementSize: MemoryLayout<Extension>.stride)
    for item in leaf.extensions { total += array(item.extensionData.count, elementSize: 1) }
    if let parentHash = leaf.source.parentHash { total += array(parentHash.count, elementSize: 1) }
    return total
  }

  static func estimate(_ state: GroupState) -> Double {
    let nodes = state.tree.nodes
    var total = array(nodes.count, elementSize: MemoryLayout<Node?>.stride)
    for node in nodes {
      switch node {
      case .leaf(let leaf): total += leafBytes(leaf)
      case .parent(let parent):
        total += array(parent.encryptionKey.count, elementSize: 1)
        total += array(parent.parentHash.count, elementSize: 1)
        total += array(parent.unmergedLeaves.count, elementSize: 4)
      case nil: break
      }
    }
    let hashLength = state.provider.hash.outputLength
    total += array(nodes.count, elementSize: MemoryLayout<[UInt8]?>.stride)
    total += nodes.count * array(hashLength, elementSize: 1)
    let pathLength = state.tree.math.directPath(state.ownLeafIndex.nodeIndex).count + 1
    total += pathLength * array(state.provider.kem.secretLength, elementSize: 1)
    return Double(total)
  }
}
