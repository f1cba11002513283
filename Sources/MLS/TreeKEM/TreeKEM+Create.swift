import Dispatch
import MLSCodec
import MLSCrypto
import Synchronization

extension TreeKEM {
  /// One node of a committer's filtered direct path and the copath child it encrypts to.
  public struct PathStep: Sendable, Hashable {
    public let parent: NodeIndex
    public let copathChild: NodeIndex
  }

  /// A committer's new path, merged into its tree but not yet encrypted. RFC 9420 §7.4, §7.5.
  public struct PreparedPath: Sendable {
    public let sender: LeafIndex
    /// The new leaf: fresh encryption key, `commit` source with its parent hash, signed.
    public let leafNode: LeafNode
    /// The filtered direct path, leaf to root.
    public let steps: [PathStep]
    /// The new public key of each step.
    public let publicKeys: [[UInt8]]
    /// The path secret of each step.
    let pathSecrets: [SecretBytes]
    /// The commit secret: one DeriveSecret("path") step past the last path secret (§12.4.1).
    public let commitSecret: SecretBytes
    /// The committer's private keys for its new leaf and path.
    public let privateState: TreeKEMPrivateState
  }

  /// Generates fresh keys along the sender's filtered direct path, merges them into `tree` with
  /// parent hashes, and sets the sender's new signed leaf. RFC 9420 §7.4, §7.5 steps 1-4.
  ///
  /// `leafNode` supplies every field except `encryption_key`, `leaf_node_source` and
  /// `signature`, which are replaced. `leafKeyPair` and `firstPathSecret` default to fresh random
  /// values; tests pass them to be deterministic. On error `tree` is unchanged.
  public static func preparePath(
    tree: inout PublicRatchetTree, sender: LeafIndex, leafNode: LeafNode,
    signaturePrivateKey: SecretBytes, groupID: [UInt8], provider: CipherSuiteProvider,
    leafKeyPair: (privateKey: SecretBytes, publicKey: [UInt8])? = nil,
    firstPathSecret: SecretBytes? = nil
  ) throws(TreeKEMError) -> PreparedPath {
    guard tree.leafNode(at: sender) != nil else { throw .invalidSender(sender) }
    var candidate = tree
    let steps = candidate.filteredDirectPathWithCopath(of: sender).map {
      PathStep(parent: $0.parent, copathChild: $0.copathChild)
    }
    var secrets: [SecretBytes] = []
    var keyPairs: [(privateKey: SecretBytes, publicKey: [UInt8])] = []
    let leafKeys: (privateKey: SecretBytes, publicKey: [UInt8])
    var secret: SecretBytes
    do {
      if let leafKeyPair {
        leafKeys = leafKeyPair
      } else {
        leafKeys = try provider.generateKEMKeyPair()
      }
      if let firstPathSecret {
        secret = firstPathSecret
      } else {
        secret = try SecureRandom.secret(provider.hashLength)
      }
      for _ in steps {
        secrets.append(secret)
        keyPairs.append(try nodeKeyPair(pathSecret: secret, provider: provider))
        secret = try nextPathSecret(secret, provider: provider)
      }
    } catch {
      throw .crypto(error)
    }
    let publicKeys = keyPairs.map(\.publicKey)
    let parentHash = try mapErrors {
      try candidate.mergePath(from: sender, encryptionKeys: publicKeys, using: provider.hash)
    }
    var leaf = leafNode
    leaf.encryptionKey = leafKeys.publicKey
    leaf.source = .commit(parentHash: parentHash)
    do {
      try leaf.sign(
        privateKey: signaturePrivateKey, groupID: groupID, leafIndex: sender, provider: provider)
    } catch {
      throw .crypto(error)
    }
    try mapErrors { try candidate.setNode(.leaf(leaf), at: sender.nodeIndex) }
    var state = TreeKEMPrivateState(leaf: sender, leafPrivateKey: leafKeys.privateKey)
    for (step, keyPair) in zip(steps, keyPairs) {
      state.setPrivateKey(keyPair.privateKey, at: step.parent)
    }
    tree = candidate
    return PreparedPath(
      sender: sender, leafNode: leaf, steps: steps, publicKeys: publicKeys, pathSecrets: secrets,
      commitSecret: secret, privateState: state)
  }

  /// Encrypts each path secret to the resolution of its copath child and builds the
  /// UpdatePath. RFC 9420 §7.5 ("encrypts path secrets to the group"), §7.6.
  ///
  /// `tree` is the tree `preparePath` produced; `groupContext` the serialized provisional
  /// GroupContext (with that tree's hash); `newLeaves` the leaves added by the same commit,
  /// which are left out of every resolution.
  public static func encryptPath(
    _ prepared: PreparedPath, tree: PublicRatchetTree, groupContext: [UInt8],
    newLeaves: [LeafIndex] = [], provider: CipherSuiteProvider
  ) throws(TreeKEMError) -> UpdatePath {
    // Every (path secret, recipient key) pair first, in path then resolution order.
    var jobs: [(step: Int, publicKey: [UInt8])] = []
    var counts: [Int] = []
    for (offset, step) in prepared.steps.enumerated() {
      let resolution = copathResolution(of: step.copathChild, in: tree, excluding: newLeaves)
      for target in resolution {
        guard let publicKey = tree.encryptionKey(at: target) else {
          throw .tree(.nodeOutOfRange(target))
        }
        jobs.append((offset, publicKey))
      }
      counts.append(resolution.count)
    }
    let sealed = try sealAll(
      jobs, secrets: prepared.pathSecrets, groupContext: groupContext, provider: provider)
    var nodes: [UpdatePathNode] = []
    nodes.reserveCapacity(prepared.steps.count)
    var next = 0
    for (offset, count) in counts.enumerated() {
      nodes.append(
        UpdatePathNode(
          encryptionKey: prepared.publicKeys[offset],
          encryptedPathSecret: Array(sealed[next..<(next + count)])))
      next += count
    }
    return UpdatePath(leafNode: prepared.leafNode, nodes: nodes)
  }

  /// Below this many encryptions the path is sealed on the calling thread: dispatching costs
  /// more than it saves.
  static let parallelSealThreshold = 8

  /// EncryptWithLabel of each job's path secret to its key, results in job order. §7.6.
  ///
  /// The encryptions are independent and each costs about two X25519 operations, so a FRESH
  /// tree's path (N - 1 of them) is spread over the cores in chunks; each chunk writes its own
  /// slots. The first error in job order is thrown, as a sequential loop would.
  static func sealAll(
    _ jobs: [(step: Int, publicKey: [UInt8])], secrets: [SecretBytes], groupContext: [UInt8],
    provider: CipherSuiteProvider
  ) throws(TreeKEMError) -> [HPKECiphertext] {
    let seal: @Sendable (Int) -> Result<HPKECiphertext, CryptoError> = { index in
      let job = jobs[index]
      do throws(CryptoError) {
        let sealed = try provider.encryptWithLabel(
          publicKey: job.publicKey, label: updatePathNodeLabel, context: groupContext,
          plaintext: secrets[job.step].revealed())
        return .success(HPKECiphertext(kemOutput: sealed.kemOutput, ciphertext: sealed.ciphertext))
      } catch {
        return .failure(error)
      }
    }
    var results: [Result<HPKECiphertext, CryptoError>]
    if jobs.count < parallelSealThreshold {
      results = jobs.indices.map(seal)
    } else {
      let chunkCount = min(jobs.count, 16)
      let slots = Mutex<[Result<HPKECiphertext, CryptoError>?]>(
        Array(repeating: nil, count: jobs.count))
      DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
        let range = (chunk * jobs.count / chunkCount)..<((chunk + 1) * jobs.count / chunkCount)
        let done = range.map(seal)
        slots.withLock { slots in
          for (index, result) in zip(range, done) { slots[index] = result }
        }
      }
      results = slots.withLock { $0 }.map { $0 ?? .failure(.library("EncryptWithLabel")) }
    }
    var ciphertexts: [HPKECiphertext] = []
    ciphertexts.reserveCapacity(results.count)
    for result in results {
      switch result {
      case .success(let ciphertext): ciphertexts.append(ciphertext)
      case .failure(let error): throw .crypto(error)
      }
    }
    return ciphertexts
  }
}
