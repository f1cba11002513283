import MLSCodec
import MLSCrypto
import Testing

@testable import MLS

/// A small group simulated over real suite-1 cryptography.
struct TreeKEMGroup {
  let provider: CipherSuiteProvider
  let groupID: [UInt8] = Array("treekem-test".utf8)
  var tree: PublicRatchetTree
  var states: [LeafIndex: TreeKEMPrivateState] = [:]
  var signatureKeys: [LeafIndex: SecretBytes] = [:]

  init(members: Int) throws {
    provider = try CipherSuiteProvider(.x25519Aes128Sha256Ed25519)
    let first = try Self.member(0, provider: provider)
    tree = PublicRatchetTree(firstLeaf: first.leaf)
    states[LeafIndex(0)] = TreeKEMPrivateState(leaf: LeafIndex(0), leafPrivateKey: first.kem)
    signatureKeys[LeafIndex(0)] = first.signature
    for seed in 1..<members { try add(seed) }
  }

  /// A member with fresh keys and a signed key-package leaf.
  static func member(_ seed: Int, provider: CipherSuiteProvider) throws -> (
    leaf: LeafNode, kem: SecretBytes, signature: SecretBytes
  ) {
    let kem = try provider.generateKEMKeyPair()
    let signature = try provider.generateSignatureKeyPair()
    var leaf = LeafNode(
      encryptionKey: kem.publicKey, signatureKey: signature.publicKey,
      credential: .basic(identity: Array("member \(seed)".utf8)),
      capabilities: Capabilities(
        versions: [.mls10], cipherSuites: [.x25519Aes128Sha256Ed25519], extensions: [],
        proposals: [], credentials: [.basic]),
      source: .keyPackage(Lifetime(notBefore: 0, notAfter: UInt64.max)), extensions: [],
      signature: [])
    try leaf.sign(
      privateKey: signature.privateKey, groupID: [], leafIndex: LeafIndex(0), provider: provider)
    return (leaf, kem.privateKey, signature.privateKey)
  }

  @discardableResult
  mutating func add(_ seed: Int) throws -> LeafIndex {
    let member = try Self.member(seed, provider: provider)
    let index = tree.add(member.leaf)
    states[index] = TreeKEMPrivateState(leaf: index, leafPrivateKey: member.kem)
    signatureKeys[index] = member.signature
    return index
  }

  func context(treeHash: [UInt8]) throws -> [UInt8] {
    try GroupContext(
      cipherSuite: provider.suite, groupID: groupID, epoch: 7, treeHash: treeHash,
      confirmedTranscriptHash: [1, 2, 3], extensions: []
    ).tlsSerialized()
  }

  /// The committer's side: a new tree, the UpdatePath, the commit secret and the context.
  func commit(from sender: LeafIndex, newLeaves: [LeafIndex] = []) throws -> (
    tree: PublicRatchetTree, path: UpdatePath, prepared: TreeKEM.PreparedPath, context: [UInt8]
  ) {
    var newTree = tree
    guard let leaf = tree.leafNode(at: sender), let signatureKey = signatureKeys[sender] else {
      throw TreeKEMError.invalidSender(sender)
    }
    let prepared = try TreeKEM.preparePath(
      tree: &newTree, sender: sender, leafNode: leaf, signaturePrivateKey: signatureKey,
      groupID: groupID, provider: provider)
    let context = try context(treeHash: try newTree.rootTreeHash(using: provider.hash))
    let path = try TreeKEM.encryptPath(
      prepared, tree: newTree, groupContext: context, newLeaves: newLeaves, provider: provider)
    return (newTree, path, prepared, context)
  }
}

@Suite("TreeKEM (RFC 9420 §7.4-§7.6)")
struct TreeKEMTests {
  @Test func everyMemberDerivesTheCommitSecret() throws {
    var group = try TreeKEMGroup(members: 5)
    for sender in [LeafIndex(0), LeafIndex(3), LeafIndex(4)] {
      let commit = try group.commit(from: sender)
      #expect(commit.path.nodes.count == group.tree.filteredDirectPath(of: sender).count)
      for receiver in group.tree.occupiedLeaves where receiver != sender {
        var merged = group.tree
        try TreeKEM.merge(commit.path, from: sender, into: &merged, provider: group.provider)
        #expect(merged == commit.tree)
        guard var state = group.states[receiver] else { throw TreeKEMError.invalidSender(receiver) }
        let result = try TreeKEM.decrypt(
          commit.path, from: sender, tree: merged, state: &state, groupContext: commit.context,
          provider: group.provider)
        #expect(result.commitSecret.revealed() == commit.prepared.commitSecret.revealed())
        #expect(result.node == merged.math.commonAncestor(sender.nodeIndex, receiver.nodeIndex))
        try state.verifyConsistent(with: merged, provider: group.provider)
        group.states[receiver] = state
      }
      group.tree = commit.tree
      group.states[sender] = commit.prepared.privateState
      var check = group.tree
      try check.validate(
        groupID: group.groupID,
        expectedTreeHash: try check.rootTreeHash(using: group.provider.hash),
        provider: group.provider)
    }
  }

  @Test func newMembersAreLeftOutOfTheResolution() throws {
    var group = try TreeKEMGroup(members: 4)
    _ = try group.commit(from: LeafIndex(0))
    let added = try group.add(4)
    #expect(added == LeafIndex(4))
    let commit = try group.commit(from: LeafIndex(0), newLeaves: [added])
    // Root 7's copath child 11 resolves to the new leaf only: nothing is encrypted to it.
    #expect(commit.path.nodes.last?.encryptedPathSecret.isEmpty == true)
    var merged = group.tree
    try TreeKEM.merge(commit.path, from: LeafIndex(0), into: &merged, provider: group.provider)
    guard var state = group.states[added] else { throw TreeKEMError.invalidSender(added) }
    #expect(throws: TreeKEMError.noPrivateKeyInResolution(NodeIndex(11))) {
      try TreeKEM.decrypt(
        commit.path, from: LeafIndex(0), tree: merged, state: &state,
        groupContext: commit.context, newLeaves: [added], provider: group.provider)
    }
  }

  @Test func mergeRejectsNonCommitLeaf() throws {
    let group = try TreeKEMGroup(members: 3)
    var path = try group.commit(from: LeafIndex(1)).path
    path.leafNode.source = .update
    var tree = group.tree
    #expect(throws: TreeKEMError.leafNodeSourceNotCommit) {
      try TreeKEM.merge(path, from: LeafIndex(1), into: &tree, provider: group.provider)
    }
  }

  @Test func mergeRejectsWrongParentHashAndLeavesTreeUnchanged() throws {
    let group = try TreeKEMGroup(members: 3)
    var path = try group.commit(from: LeafIndex(1)).path
    path.leafNode.source = .commit(parentHash: [0])
    var tree = group.tree
    #expect(throws: TreeKEMError.parentHashMismatch) {
      try TreeKEM.merge(path, from: LeafIndex(1), into: &tree, provider: group.provider)
    }
    #expect(tree == group.tree)
  }

  @Test func mergeRejectsChangedPathKey() throws {
    let group = try TreeKEMGroup(members: 4)
    var path = try group.commit(from: LeafIndex(1)).path
    path.nodes[1].encryptionKey = path.nodes[0].encryptionKey
    var tree = group.tree
    #expect(throws: TreeKEMError.parentHashMismatch) {
      try TreeKEM.merge(path, from: LeafIndex(1), into: &tree, provider: group.provider)
    }
  }

  @Test func mergeRejectsWrongPathLength() throws {
    let group = try TreeKEMGroup(members: 4)
    var path = try group.commit(from: LeafIndex(1)).path
    path.nodes.removeLast()
    var tree = group.tree
    #expect(throws: TreeKEMError.pathLengthMismatch(expected: 2, actual: 1)) {
      try TreeKEM.merge(path, from: LeafIndex(1), into: &tree, provider: group.provider)
    }
  }

  @Test func mergeRejectsBlankSender() throws {
    var group = try TreeKEMGroup(members: 4)
    let path = try group.commit(from: LeafIndex(1)).path
    try group.tree.remove(LeafIndex(2))
    var tree = group.tree
    #expect(throws: TreeKEMError.invalidSender(LeafIndex(2))) {
      try TreeKEM.merge(path, from: LeafIndex(2), into: &tree, provider: group.provider)
    }
  }

  @Test func decryptRejectsOwnPath() throws {
    let group = try TreeKEMGroup(members: 2)
    let commit = try group.commit(from: LeafIndex(0))
    var state = commit.prepared.privateState
    #expect(throws: TreeKEMError.receiverIsSender) {
      try TreeKEM.decrypt(
        commit.path, from: LeafIndex(0), tree: commit.tree, state: &state,
        groupContext: commit.context, provider: group.provider)
    }
  }

  @Test func decryptRejectsMissingCiphertext() throws {
    let group = try TreeKEMGroup(members: 4)
    var commit = try group.commit(from: LeafIndex(0))
    commit.path.nodes[1].encryptedPathSecret.removeLast()
    guard var state = group.states[LeafIndex(3)] else { throw TreeKEMError.receiverIsSender }
    #expect(
      throws: TreeKEMError.ciphertextCountMismatch(node: NodeIndex(3), expected: 2, actual: 1)
    ) {
      try TreeKEM.decrypt(
        commit.path, from: LeafIndex(0), tree: commit.tree, state: &state,
        groupContext: commit.context, provider: group.provider)
    }
  }

  @Test func decryptRejectsWrongGroupContext() throws {
    let group = try TreeKEMGroup(members: 2)
    let commit = try group.commit(from: LeafIndex(0))
    guard var state = group.states[LeafIndex(1)] else { throw TreeKEMError.receiverIsSender }
    let before = state.privateKeys.count
    #expect(throws: TreeKEMError.crypto(.authenticationFailed)) {
      try TreeKEM.decrypt(
        commit.path, from: LeafIndex(0), tree: commit.tree, state: &state,
        groupContext: commit.context + [0], provider: group.provider)
    }
    #expect(state.privateKeys.count == before)
  }

  @Test func decryptRejectsKeyThatDoesNotMatchTheSecret() throws {
    let group = try TreeKEMGroup(members: 4)
    let commit = try group.commit(from: LeafIndex(0))
    var tree = commit.tree
    guard var root = tree.parentNode(at: NodeIndex(3)) else { throw TreeKEMError.receiverIsSender }
    root.encryptionKey = try group.provider.generateKEMKeyPair().publicKey
    try tree.setNode(.parent(root), at: NodeIndex(3))
    guard var state = group.states[LeafIndex(1)] else { throw TreeKEMError.receiverIsSender }
    #expect(throws: TreeKEMError.publicKeyMismatch(NodeIndex(3))) {
      try TreeKEM.decrypt(
        commit.path, from: LeafIndex(0), tree: tree, state: &state,
        groupContext: commit.context, provider: group.provider)
    }
  }

  @Test func decryptNeedsAPrivateKey() throws {
    let group = try TreeKEMGroup(members: 2)
    let commit = try group.commit(from: LeafIndex(0))
    guard var state = group.states[LeafIndex(1)] else { throw TreeKEMError.receiverIsSender }
    state.forget([LeafIndex(1).nodeIndex])
    #expect(throws: TreeKEMError.noPrivateKeyInResolution(NodeIndex(2))) {
      try TreeKEM.decrypt(
        commit.path, from: LeafIndex(0), tree: commit.tree, state: &state,
        groupContext: commit.context, provider: group.provider)
    }
  }

  @Test func inconsistentPrivateStateIsRejected() throws {
    let group = try TreeKEMGroup(members: 2)
    guard var state = group.states[LeafIndex(0)] else { throw TreeKEMError.receiverIsSender }
    try state.setPathSecret(SecretBytes(zeros: 32), at: NodeIndex(1), provider: group.provider)
    #expect(throws: TreeKEMError.privateKeyForBlankNode(NodeIndex(1))) {
      try state.verifyConsistent(with: group.tree, provider: group.provider)
    }
    var other = TreeKEMPrivateState(
      leaf: LeafIndex(0), leafPrivateKey: try group.provider.generateKEMKeyPair().privateKey)
    #expect(throws: TreeKEMError.privateKeyMismatch(NodeIndex(0))) {
      try other.verifyConsistent(with: group.tree, provider: group.provider)
    }
    other.forget([NodeIndex(0)])
    try other.verifyConsistent(with: group.tree, provider: group.provider)
  }

  @Test func validateRejectsBadSignatureAndWrongTreeHash() throws {
    let group = try TreeKEMGroup(members: 3)
    var tree = group.tree
    let hash = try tree.rootTreeHash(using: group.provider.hash)
    try tree.validate(groupID: group.groupID, expectedTreeHash: hash, provider: group.provider)
    #expect(throws: TreeValidationError.treeHashMismatch) {
      try tree.validate(
        groupID: group.groupID, expectedTreeHash: hash.map { $0 ^ 1 }, provider: group.provider)
    }
    guard var leaf = tree.leafNode(at: LeafIndex(2)) else { throw TreeKEMError.receiverIsSender }
    leaf.signature[0] ^= 1
    try tree.setNode(.leaf(leaf), at: LeafIndex(2).nodeIndex)
    let tampered = try tree.rootTreeHash(using: group.provider.hash)
    #expect(throws: TreeValidationError.leafSignatureInvalid(LeafIndex(2))) {
      try tree.validate(
        groupID: group.groupID, expectedTreeHash: tampered, provider: group.provider)
    }
  }

  /// `validate` checks signatures alongside the structural checks: with several faults it
  /// still reports the structural one first, as the sequential order did, and it keeps the
  /// tree hashes it computed.
  @Test func validateReportsStructuralFaultsBeforeBadSignatures() throws {
    let group = try TreeKEMGroup(members: 40)
    var tree = group.tree
    guard var signed = tree.leafNode(at: LeafIndex(3)),
      let victim = tree.leafNode(at: LeafIndex(30)),
      var duplicate = tree.leafNode(at: LeafIndex(35))
    else { throw TreeKEMError.receiverIsSender }
    signed.signature[0] ^= 1
    try tree.setNode(.leaf(signed), at: LeafIndex(3).nodeIndex)
    var hash = try tree.rootTreeHash(using: group.provider.hash)
    #expect(throws: TreeValidationError.treeHashMismatch) {
      try tree.validate(
        groupID: group.groupID, expectedTreeHash: hash.map { $0 ^ 1 }, provider: group.provider)
    }
    duplicate.encryptionKey = victim.encryptionKey
    try tree.setNode(.leaf(duplicate), at: LeafIndex(35).nodeIndex)
    var fresh = try PublicRatchetTree(tree.wireForm)
    hash = try tree.rootTreeHash(using: group.provider.hash)
    #expect(throws: TreeValidationError.duplicateEncryptionKey(LeafIndex(35).nodeIndex)) {
      try fresh.validate(
        groupID: group.groupID, expectedTreeHash: hash, provider: group.provider)
    }
    // The root hash computed during validation is cached on the tree itself.
    let computed = fresh.hashCache.computations
    #expect(computed > 0)
    #expect(try fresh.rootTreeHash(using: group.provider.hash) == hash)
    #expect(fresh.hashCache.computations == computed)
  }

  @Test func parallelSignatureCheckNamesTheLowestBadLeaf() throws {
    let group = try TreeKEMGroup(members: 130)
    var tree = group.tree
    try tree.verifyLeafSignatures(groupID: group.groupID, provider: group.provider)
    for bad in [LeafIndex(129), LeafIndex(70)] {
      guard var leaf = tree.leafNode(at: bad) else { throw TreeKEMError.invalidSender(bad) }
      leaf.signature[3] ^= 0x40
      try tree.setNode(.leaf(leaf), at: bad.nodeIndex)
    }
    #expect(throws: TreeValidationError.leafSignatureInvalid(LeafIndex(70))) {
      try tree.verifyLeafSignatures(groupID: group.groupID, provider: group.provider)
    }
  }

  @Test func commitLeafSignatureBindsGroupAndPosition() throws {
    let group = try TreeKEMGroup(members: 2)
    let commit = try group.commit(from: LeafIndex(1))
    let leaf = commit.path.leafNode
    try leaf.verifySignature(
      groupID: group.groupID, leafIndex: LeafIndex(1), provider: group.provider)
    #expect(throws: CryptoError.invalidSignature) {
      try leaf.verifySignature(groupID: [9], leafIndex: LeafIndex(1), provider: group.provider)
    }
    #expect(throws: CryptoError.invalidSignature) {
      try leaf.verifySignature(
        groupID: group.groupID, leafIndex: LeafIndex(0), provider: group.provider)
    }
  }
}
