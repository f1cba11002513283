import MLS
import MLSCrypto
import Testing

/// A hash ratchet keeps its secret keyed for HMAC and re-keys it in place at each step
/// (RFC 9420 §9.1). Copies of a tree (a GroupState copied by the application) share that
/// state until one steps; these check they still behave as independent values.
@Suite("Hash ratchet keyed secret")
struct RatchetKeyedSecretTests {
  let provider: CipherSuiteProvider

  init() throws {
    provider = try CipherSuiteProvider(.x25519Aes128Sha256Ed25519)
  }

  func makeTree() throws -> SecretTree {
    try SecretTree(
      provider: provider, encryptionSecret: SecretBytes(Array(repeating: 0x3c, count: 32)),
      leafCount: 4)
  }

  /// The first `count` keys of leaf 1's application ratchet, from a tree never copied
  /// (`stepsMatchDeriveTreeSecret` checks that sequence against DeriveTreeSecret).
  func expectedKeys(_ count: Int) throws -> [SecretBytes] {
    var tree = try makeTree()
    var keys: [SecretBytes] = []
    for _ in 0..<count {
      keys.append(try tree.nextKey(for: LeafIndex(1), kind: .application).key)
    }
    return keys
  }

  @Test func copiesStepIndependently() throws {
    var sender = try makeTree()
    let first = try sender.nextKey(for: LeafIndex(1), kind: .application)
    var copy = sender
    let fromSender = try sender.nextKey(for: LeafIndex(1), kind: .application)
    let fromCopy = try copy.nextKey(for: LeafIndex(1), kind: .application)
    #expect(first.generation == 0)
    #expect(fromSender.generation == 1 && fromCopy.generation == 1)
    #expect(fromSender.key == fromCopy.key)
    #expect(fromSender.nonce == fromCopy.nonce)
    // The copy moving on does not move the original, and both continue the same sequence.
    let copyNext = try copy.nextKey(for: LeafIndex(1), kind: .application)
    let senderNext = try sender.nextKey(for: LeafIndex(1), kind: .application)
    #expect(copyNext.generation == 2 && senderNext.generation == 2)
    #expect(copyNext.key == senderNext.key)
    let expected = try expectedKeys(3)
    #expect([first.key, fromSender.key, senderNext.key] == expected)
    #expect(first.key != fromSender.key)
  }

  /// An in-order key refused by the caller stays available, on the live tree and on a copy.
  @Test func refusedInOrderKeyStaysAvailable() throws {
    var receiver = try makeTree()
    struct Refused: Error {}
    let expected = try expectedKeys(3)
    _ = try receiver.key(for: LeafIndex(1), kind: .application, generation: 0)
    let snapshot = receiver
    for _ in 0..<3 {
      let refused = try receiver.withKey(for: LeafIndex(1), kind: .application, generation: 1) {
        (key) throws(Refused) -> SecretBytes in
        #expect(key.key == expected[1])
        throw Refused()
      }
      guard case .failure = refused else {
        Issue.record("refusal not reported")
        return
      }
    }
    let accepted = try receiver.withKey(for: LeafIndex(1), kind: .application, generation: 1) {
      (key) throws(Refused) -> SecretBytes in key.key
    }
    #expect(try accepted.get() == expected[1])
    // Used once: gone on the live tree, still there on the snapshot taken before.
    #expect(throws: SecretTreeError.generationUnavailable(generation: 1)) {
      try receiver.key(for: LeafIndex(1), kind: .application, generation: 1)
    }
    var restored = snapshot
    #expect(
      try restored.key(for: LeafIndex(1), kind: .application, generation: 1).key == expected[1])
    #expect(
      try receiver.key(for: LeafIndex(1), kind: .application, generation: 2).key == expected[2])
  }

  /// The first steps equal DeriveTreeSecret from the ratchet's seed, for a suite of each hash.
  @Test(arguments: [UInt16(1), 4, 7])
  func stepsMatchDeriveTreeSecret(_ raw: UInt16) throws {
    let provider = try CipherSuiteProvider(CipherSuite(rawValue: raw))
    let root = SecretBytes((0..<provider.hashLength).map { UInt8(truncatingIfNeeded: $0 &* 9) })
    var tree = try SecretTree(provider: provider, encryptionSecret: root, leafCount: 1)
    // One leaf: the root is the leaf secret; its application ratchet starts at
    // ExpandWithLabel(leaf_secret, "application", "", Nh) (RFC 9420 §9).
    var secret = try provider.expandWithLabel(
      secret: root, label: "application", context: [], length: provider.hashLength)
    for generation: UInt32 in 0..<4 {
      let key = try tree.nextKey(for: LeafIndex(0), kind: .application)
      let expectedKey = try provider.deriveTreeSecret(
        secret: secret, label: "key", generation: generation, length: provider.aeadKeyLength)
      let expectedNonce = try provider.deriveTreeSecret(
        secret: secret, label: "nonce", generation: generation, length: provider.aeadNonceLength)
      #expect(key.generation == generation)
      #expect(key.key == expectedKey)
      #expect(key.nonce == expectedNonce.revealed())
      secret = try provider.deriveTreeSecret(
        secret: secret, label: "secret", generation: generation, length: provider.hashLength)
    }
  }
}
