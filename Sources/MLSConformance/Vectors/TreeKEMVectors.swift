import Foundation
import MLS
import MLSCodec
import MLSCrypto

/// treekem.json: private-state consistency, merging and decrypting UpdatePaths, and creating
/// them. RFC 9420 §7.4-§7.6.
enum TreeKEMVectors {
  struct PathSecret: Decodable {
    let node: UInt32
    let path_secret: HexBytes
  }

  struct LeafPrivate: Decodable {
    let index: UInt32
    let encryption_priv: HexBytes
    let signature_priv: HexBytes
    let path_secrets: [PathSecret]
  }

  struct UpdatePathCase: Decodable {
    let sender: UInt32
    let update_path: HexBytes
    let path_secrets: [HexBytes?]
    let commit_secret: HexBytes
    let tree_hash_after: HexBytes
  }

  struct Case: Decodable {
    let cipher_suite: UInt16
    let group_id: HexBytes
    let epoch: UInt64
    let confirmed_transcript_hash: HexBytes
    let ratchet_tree: HexBytes
    let leaves_private: [LeafPrivate]
    let update_paths: [UpdatePathCase]
  }

  static func run(_ data: Data) throws -> [CaseOutcome] {
    runCases(try decodeCases(Case.self, from: data)) { testCase in
      let provider = try CipherSuiteProvider(CipherSuite(rawValue: testCase.cipher_suite))
      let tree = try PublicRatchetTree(tlsSerialized: testCase.ratchet_tree.bytes)
      var states: [LeafIndex: TreeKEMPrivateState] = [:]
      for leaf in testCase.leaves_private {
        var state = TreeKEMPrivateState(
          leaf: LeafIndex(leaf.index), leafPrivateKey: SecretBytes(leaf.encryption_priv.bytes))
        for secret in leaf.path_secrets {
          try state.setPathSecret(
            SecretBytes(secret.path_secret.bytes), at: NodeIndex(secret.node), provider: provider)
        }
        try state.verifyConsistent(with: tree, provider: provider)
        states[state.leaf] = state
      }
      for (number, pathCase) in testCase.update_paths.enumerated() {
        try checkUpdatePath(
          pathCase, number: number, testCase: testCase, tree: tree, states: states,
          provider: provider)
        try checkCreatedPath(
          from: LeafIndex(pathCase.sender), number: number, testCase: testCase, tree: tree,
          states: states, provider: provider)
      }
      return .passed
    }
  }

  /// Merges and decrypts one given UpdatePath for every other member.
  static func checkUpdatePath(
    _ pathCase: UpdatePathCase, number: Int, testCase: Case, tree: PublicRatchetTree,
    states: [LeafIndex: TreeKEMPrivateState], provider: CipherSuiteProvider
  ) throws {
    let sender = LeafIndex(pathCase.sender)
    let path = try UpdatePath(tlsSerialized: pathCase.update_path.bytes)
    var merged = tree
    try TreeKEM.merge(path, from: sender, into: &merged, provider: provider)
    let treeHash = try merged.rootTreeHash(using: provider.hash)
    try expectBytes(
      treeHash, pathCase.tree_hash_after.bytes, "update_paths[\(number)].tree_hash_after")
    let context = try groupContext(testCase, treeHash: treeHash)
    var receivers = 0
    for (offset, expected) in pathCase.path_secrets.enumerated() {
      let receiver = LeafIndex(UInt32(offset))
      guard receiver != sender, let expected else { continue }
      guard var state = states[receiver] else {
        throw VectorMismatch("no private state for leaf \(offset)")
      }
      let decrypted = try TreeKEM.decrypt(
        path, from: sender, tree: merged, state: &state, groupContext: context,
        provider: provider)
      try expectBytes(
        decrypted.pathSecret.revealed(), expected.bytes,
        "update_paths[\(number)].path_secrets[\(offset)]")
      try expectBytes(
        decrypted.commitSecret.revealed(), pathCase.commit_secret.bytes,
        "update_paths[\(number)].commit_secret for leaf \(offset)")
      receivers += 1
    }
    try expect(receivers == merged.occupiedLeaves.count - 1, "update_paths[\(number)] receivers")
  }

  /// The provisional GroupContext the vectors use: the given fields, the tree hash after the
  /// path, no extensions.
  static func groupContext(_ testCase: Case, treeHash: [UInt8]) throws -> [UInt8] {
    let context = GroupContext(
      cipherSuite: CipherSuite(rawValue: testCase.cipher_suite), groupID: testCase.group_id.bytes,
      epoch: testCase.epoch, treeHash: treeHash,
      confirmedTranscriptHash: testCase.confirmed_transcript_hash.bytes, extensions: [])
    return try context.tlsSerialized()
  }

  /// Creates a fresh UpdatePath from the sender's leaf and has every other member process it.
  static func checkCreatedPath(
    from sender: LeafIndex, number: Int, testCase: Case, tree: PublicRatchetTree,
    states: [LeafIndex: TreeKEMPrivateState], provider: CipherSuiteProvider
  ) throws {
    guard let senderLeaf = tree.leafNode(at: sender),
      let senderKeys = testCase.leaves_private.first(where: { $0.index == sender.rawValue })
    else { throw VectorMismatch("no leaf or keys for sender \(sender.rawValue)") }
    let signatureKey = SecretBytes(senderKeys.signature_priv.bytes)
    try expectBytes(
      try provider.signaturePublicKey(for: signatureKey), senderLeaf.signatureKey,
      "leaves_private[\(sender.rawValue)].signature_priv")
    var committerTree = tree
    let prepared = try TreeKEM.preparePath(
      tree: &committerTree, sender: sender, leafNode: senderLeaf,
      signaturePrivateKey: signatureKey, groupID: testCase.group_id.bytes, provider: provider)
    let treeHash = try committerTree.rootTreeHash(using: provider.hash)
    let context = try groupContext(testCase, treeHash: treeHash)
    let path = try TreeKEM.encryptPath(
      prepared, tree: committerTree, groupContext: context, provider: provider)
    try prepared.privateState.verifyConsistent(with: committerTree, provider: provider)
    let wirePath = try UpdatePath(tlsSerialized: try path.tlsSerialized())
    var receivers = 0
    for receiver in tree.occupiedLeaves where receiver != sender {
      guard var state = states[receiver] else {
        throw VectorMismatch("no private state for leaf \(receiver.rawValue)")
      }
      var merged = tree
      try TreeKEM.merge(wirePath, from: sender, into: &merged, provider: provider)
      try expectBytes(
        try merged.rootTreeHash(using: provider.hash), treeHash, "created path \(number) tree hash")
      let decrypted = try TreeKEM.decrypt(
        wirePath, from: sender, tree: merged, state: &state, groupContext: context,
        provider: provider)
      try expectBytes(
        decrypted.commitSecret.revealed(), prepared.commitSecret.revealed(),
        "created path \(number) commit secret at leaf \(receiver.rawValue)")
      try state.verifyConsistent(with: merged, provider: provider)
      receivers += 1
    }
    try expect(receivers == tree.occupiedLeaves.count - 1, "created path \(number) receivers")
  }
}
