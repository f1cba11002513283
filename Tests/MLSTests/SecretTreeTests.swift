import MLS
import MLSCrypto
import Testing

@Suite("Secret tree and hash ratchets (RFC 9420 §9, §6.3.2)")
struct SecretTreeTests {
  let provider: CipherSuiteProvider

  init() throws {
    provider = try CipherSuiteProvider(.x25519Aes128Sha256Ed25519)
  }

  func makeTree(
    leaves: UInt32 = 8, configuration: SecretTreeConfiguration = .init()
  ) throws -> SecretTree {
    try SecretTree(
      provider: provider, encryptionSecret: SecretBytes(Array(repeating: 0x5a, count: 32)),
      leafCount: leaves, configuration: configuration)
  }

  @Test func keyCannotBeObtainedTwice() throws {
    var tree = try makeTree()
    let first = try tree.key(for: LeafIndex(3), kind: .application, generation: 0)
    #expect(first.generation == 0)
    #expect(first.key.count == provider.aeadKeyLength)
    #expect(first.nonce.count == provider.aeadNonceLength)
    #expect(throws: SecretTreeError.generationUnavailable(generation: 0)) {
      try tree.key(for: LeafIndex(3), kind: .application, generation: 0)
    }
    // The other ratchet of the same leaf is independent.
    let handshake = try tree.key(for: LeafIndex(3), kind: .handshake, generation: 0)
    #expect(handshake.key != first.key)
  }

  @Test func senderAndReceiverAgree() throws {
    var sender = try makeTree()
    var receiver = try makeTree()
    for expected in UInt32(0)..<4 {
      let sent = try sender.nextKey(for: LeafIndex(5), kind: .handshake)
      #expect(sent.generation == expected)
      let received = try receiver.key(for: LeafIndex(5), kind: .handshake, generation: expected)
      #expect(sent.key == received.key)
      #expect(sent.nonce == received.nonce)
    }
  }

  @Test func outOfOrderWithinWindow() throws {
    var sender = try makeTree()
    var sent: [RatchetKey] = []
    for _ in 0..<6 { sent.append(try sender.nextKey(for: LeafIndex(1), kind: .application)) }

    var receiver = try makeTree()
    for generation in [UInt32(5), 2, 0, 4, 1, 3] {
      let key = try receiver.key(for: LeafIndex(1), kind: .application, generation: generation)
      #expect(key.key == sent[Int(generation)].key)
      #expect(key.nonce == sent[Int(generation)].nonce)
    }
    for generation in UInt32(0)..<6 {
      #expect(throws: SecretTreeError.generationUnavailable(generation: generation)) {
        try receiver.key(for: LeafIndex(1), kind: .application, generation: generation)
      }
    }
  }

  @Test func skippedKeysBeyondWindowAreDeleted() throws {
    var tree = try makeTree(configuration: SecretTreeConfiguration(maximumSkippedKeys: 5))
    _ = try tree.key(for: LeafIndex(0), kind: .application, generation: 10)
    // Generations 5...9 are kept (the five newest skipped); 0...4 were deleted.
    for generation in UInt32(0)..<5 {
      #expect(throws: SecretTreeError.generationUnavailable(generation: generation)) {
        try tree.key(for: LeafIndex(0), kind: .application, generation: generation)
      }
    }
    for generation in UInt32(5)..<10 {
      let key = try tree.key(for: LeafIndex(0), kind: .application, generation: generation)
      #expect(key.generation == generation)
    }
    #expect(throws: SecretTreeError.generationUnavailable(generation: 10)) {
      try tree.key(for: LeafIndex(0), kind: .application, generation: 10)
    }
    #expect(try tree.key(for: LeafIndex(0), kind: .application, generation: 11).generation == 11)
  }

  @Test func noRetentionWhenWindowIsZero() throws {
    var tree = try makeTree(configuration: SecretTreeConfiguration(maximumSkippedKeys: 0))
    _ = try tree.key(for: LeafIndex(2), kind: .handshake, generation: 1)
    #expect(throws: SecretTreeError.generationUnavailable(generation: 0)) {
      try tree.key(for: LeafIndex(2), kind: .handshake, generation: 0)
    }
  }

  @Test func forwardDistanceIsBounded() throws {
    var tree = try makeTree()
    #expect(
      throws: SecretTreeError.generationTooFarAhead(
        generation: 1001, next: 0, maximumDistance: 1000)
    ) {
      try tree.key(for: LeafIndex(4), kind: .application, generation: 1001)
    }
    // The refusal changed nothing: generation 0 is still available, and 1000 ahead is allowed.
    #expect(try tree.key(for: LeafIndex(4), kind: .application, generation: 0).generation == 0)
    #expect(
      try tree.key(for: LeafIndex(4), kind: .application, generation: 1001).generation == 1001)

    var strict = try makeTree(configuration: SecretTreeConfiguration(maximumForwardDistance: 3))
    #expect(
      throws: SecretTreeError.generationTooFarAhead(generation: 4, next: 0, maximumDistance: 3)
    ) {
      try strict.key(for: LeafIndex(0), kind: .handshake, generation: 4)
    }
  }

  @Test func leavesOutsideTheTreeAreRejected() throws {
    var tree = try makeTree(leaves: 4)
    #expect(throws: SecretTreeError.leafOutOfRange(leaf: 4, leafCount: 4)) {
      try tree.key(for: LeafIndex(4), kind: .application, generation: 0)
    }
    #expect(throws: SecretTreeError.leafOutOfRange(leaf: UInt32.max, leafCount: 4)) {
      try tree.nextKey(for: LeafIndex(UInt32.max), kind: .handshake)
    }
    #expect(throws: SecretTreeError.emptyTree) {
      try SecretTree(provider: provider, encryptionSecret: SecretBytes(zeros: 32), leafCount: 0)
    }
  }

  @Test func nodeSecretsAreDeletedOnceSplit() throws {
    var tree = try makeTree(leaves: 8)
    #expect(tree.heldNodeSecretCount == 1)
    _ = try tree.key(for: LeafIndex(0), kind: .application, generation: 0)
    // Root 7 -> 3, 11; 3 -> 1, 5; 1 -> 0, 2; leaf 0 consumed: 11, 5 and 2 remain.
    #expect(tree.heldNodeSecretCount == 3)
    _ = try tree.key(for: LeafIndex(1), kind: .handshake, generation: 0)
    #expect(tree.heldNodeSecretCount == 2)
    _ = try tree.key(for: LeafIndex(7), kind: .handshake, generation: 0)
    // 11 -> 9, 13; 13 -> 12, 14; leaf 7 (node 14) consumed: 5, 9 and 12 remain.
    #expect(tree.heldNodeSecretCount == 3)
  }

  @Test func leavesHaveDistinctKeys() throws {
    var tree = try makeTree(leaves: 2)
    let left = try tree.key(for: LeafIndex(0), kind: .application, generation: 0)
    let right = try tree.key(for: LeafIndex(1), kind: .application, generation: 0)
    #expect(left.key != right.key)
    #expect(left.nonce != right.nonce)
  }

  @Test func senderDataUsesTheFirstNhBytesOfTheCiphertext() throws {
    let secret = SecretBytes(Array(repeating: 7, count: 32))
    let ciphertext = (0..<80).map { UInt8($0) }
    let full = try SenderDataKeys.derive(
      senderDataSecret: secret, ciphertext: ciphertext, provider: provider)
    let sampleOnly = try SenderDataKeys.derive(
      senderDataSecret: secret, ciphertext: Array(ciphertext.prefix(32)), provider: provider)
    #expect(full.key == sampleOnly.key)
    #expect(full.nonce == sampleOnly.nonce)
    #expect(full.key.count == 16)
    #expect(full.nonce.count == 12)

    var changed = ciphertext
    changed[31] ^= 1
    let other = try SenderDataKeys.derive(
      senderDataSecret: secret, ciphertext: changed, provider: provider)
    #expect(other.key != full.key)

    let short = try SenderDataKeys.derive(
      senderDataSecret: secret, ciphertext: [1, 2, 3], provider: provider)
    let expected = try provider.expandWithLabel(
      secret: secret, label: "key", context: [1, 2, 3], length: 16)
    #expect(short.key == expected)
    #expect(SenderDataKeys.ciphertextSample([1, 2, 3], provider: provider) == [1, 2, 3])
  }
}
