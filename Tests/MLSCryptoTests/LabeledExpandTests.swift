import MLSCrypto
import Testing

/// The per-message derivations written on the stack (`deriveRatchetStep`,
/// `deriveSenderDataKeys`) against the general `ExpandWithLabel` path. RFC 9420 §5.1, §6.3.2, §9.1.
@Suite("Per-message ExpandWithLabel")
struct LabeledExpandTests {
  /// A ratchet step equals three DeriveTreeSecrets, for every hash and generations whose
  /// big-endian bytes all differ.
  @Test(arguments: [UInt16(1), 3, 4, 7])
  func ratchetStepMatchesDeriveTreeSecret(_ raw: UInt16) throws {
    let provider = try CipherSuiteProvider(CipherSuite(rawValue: raw))
    let secret = SecretBytes((1...provider.hashLength).map { UInt8(truncatingIfNeeded: $0 &* 5) })
    for generation: UInt32 in [0, 1, 0x0102_0304, UInt32.max] {
      let step = try provider.deriveRatchetStep(secret: secret, generation: generation)
      let key = try provider.deriveTreeSecret(
        secret: secret, label: "key", generation: generation, length: provider.aeadKeyLength)
      let nonce = try provider.deriveTreeSecret(
        secret: secret, label: "nonce", generation: generation, length: provider.aeadNonceLength)
      let next = try provider.deriveTreeSecret(
        secret: secret, label: "secret", generation: generation, length: provider.hashLength)
      #expect(step.key == key)
      #expect(step.nonce == nonce.revealed())
      #expect(step.nextSecret == next)
      #expect(step.key.count == provider.aeadKeyLength)
      #expect(step.nonce.count == provider.aeadNonceLength)
      #expect(step.nextSecret.count == provider.hashLength)
    }
    let other = try provider.deriveRatchetStep(secret: secret, generation: 2)
    let first = try provider.deriveRatchetStep(secret: secret, generation: 1)
    #expect(other.key != first.key)
  }

  /// Sender-data keys use the first Nh bytes of the ciphertext (all of a shorter one, none of
  /// an empty one); every use of the keyed secret (pooled contexts included) gives the same.
  @Test(arguments: [UInt16(1), 4, 7])
  func senderDataKeysMatchExpandWithLabel(_ raw: UInt16) throws {
    let provider = try CipherSuiteProvider(CipherSuite(rawValue: raw))
    let secret = SecretBytes((1...provider.hashLength).map { UInt8(truncatingIfNeeded: $0 &* 3) })
    let key = try provider.hmacKey(for: secret)
    let long = (0..<(provider.hashLength + 17)).map { UInt8(truncatingIfNeeded: $0 &* 11) }
    for ciphertext in [long, Array(long.prefix(5)), []] {
      let sample = Array(ciphertext.prefix(provider.hashLength))
      let expectedKey = try provider.expandWithLabel(
        secret: secret, label: "key", context: sample, length: provider.aeadKeyLength)
      let expectedNonce = try provider.expandWithLabel(
        secret: secret, label: "nonce", context: sample, length: provider.aeadNonceLength)
      // More uses than the pool keeps, so both fresh and restarted contexts are exercised.
      for _ in 0..<6 {
        let derived = try provider.deriveSenderDataKeys(key: key, ciphertext: ciphertext)
        #expect(derived.key == expectedKey)
        #expect(derived.nonce == expectedNonce.revealed())
      }
    }
    let other = try CipherSuiteProvider(CipherSuite(rawValue: raw == 1 ? 4 : 1))
    #expect(throws: CryptoError.invalidLength("HMAC key of another hash")) {
      try other.deriveSenderDataKeys(key: key, ciphertext: long)
    }
  }

  /// Pooled contexts are restarted: interleaved and concurrent uses of one key never see each
  /// other's input.
  @Test func keyedSecretIsSafeToShare() async throws {
    let provider = try CipherSuiteProvider(.x25519Aes128Sha256Ed25519)
    let secret = SecretBytes((1...32).map { UInt8($0) })
    let key = try provider.hmacKey(for: secret)
    let inputs: [[UInt8]] = (0..<8).map { index in [UInt8](repeating: UInt8(index), count: 40) }
    var expected: [[UInt8]] = []
    for input in inputs {
      expected.append(try provider.deriveSenderDataKeys(key: key, ciphertext: input).nonce)
    }
    let results = try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
      for round in 0..<64 {
        let index = round % inputs.count
        let input = inputs[index]
        group.addTask {
          (index, try provider.deriveSenderDataKeys(key: key, ciphertext: input).nonce)
        }
      }
      var collected: [(Int, [UInt8])] = []
      for try await result in group { collected.append(result) }
      return collected
    }
    #expect(results.count == 64)
    for (index, nonce) in results { #expect(nonce == expected[index]) }
    #expect(Set(expected).count == inputs.count)
  }
}
