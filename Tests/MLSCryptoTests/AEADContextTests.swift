import MLSCodec
import MLSCrypto
import Testing

/// One cipher context re-keyed for several operations (a PrivateMessage's content and sender
/// data, RFC 9420 §6.3) gives exactly what a context per operation gives.
@Suite("AEAD context reuse")
struct AEADContextTests {
  @Test(arguments: [AEADAlgorithm.aes128GCM, .aes256GCM, .chaCha20Poly1305])
  func reusedContextMatchesOneShot(_ alg: AEADAlgorithm) throws {
    let context = try AEADContext(alg)
    #expect(context.algorithm == alg)
    for round in 0..<4 {
      let key = SecretBytes((0..<alg.keyLength).map { UInt8(truncatingIfNeeded: $0 &+ round) })
      let nonce = (0..<alg.nonceLength).map { UInt8(truncatingIfNeeded: $0 &* 3 &+ round) }
      let aad: [UInt8] = round == 0 ? [] : [UInt8(round), 1, 2]
      let plaintext = [UInt8](repeating: UInt8(round), count: round * 37)
      let sealed = try context.seal(key: key, nonce: nonce, aad: aad, plaintext: plaintext)
      #expect(
        sealed == (try AEAD.seal(alg, key: key, nonce: nonce, aad: aad, plaintext: plaintext)))
      #expect(sealed.count == plaintext.count + alg.tagLength)
      // Decrypting on the context that just encrypted switches its direction.
      #expect(try context.open(key: key, nonce: nonce, aad: aad, ciphertext: sealed) == plaintext)
      var tampered = sealed
      tampered[tampered.count - 1] ^= 0x01
      #expect(throws: CryptoError.authenticationFailed) {
        try context.open(key: key, nonce: nonce, aad: aad, ciphertext: tampered)
      }
      #expect(throws: CryptoError.authenticationFailed) {
        try context.open(key: key, nonce: nonce, aad: aad + [0], ciphertext: sealed)
      }
      // A failed open leaves the context usable.
      #expect(try context.open(key: key, nonce: nonce, aad: aad, ciphertext: sealed) == plaintext)
    }
  }

  @Test func reusedContextRejectsBadSizes() throws {
    let context = try AEADContext(.aes128GCM)
    let key = SecretBytes(zeros: 16)
    #expect(throws: CryptoError.invalidLength("AEAD key")) {
      try context.seal(
        key: SecretBytes(zeros: 32), nonce: [UInt8](repeating: 0, count: 12), aad: [],
        plaintext: [1])
    }
    #expect(throws: CryptoError.invalidLength("AEAD nonce")) {
      try context.seal(key: key, nonce: [0, 1], aad: [], plaintext: [1])
    }
    #expect(throws: CryptoError.authenticationFailed) {
      try context.open(
        key: key, nonce: [UInt8](repeating: 0, count: 12), aad: [], ciphertext: [1, 2])
    }
    // RFC known answer through the reused context: AES-128-GCM, zero key and nonce, empty
    // plaintext (GCM spec test case 1): tag 58e2fccefa7e3061367f1d57a4e7455a.
    let tag = try context.seal(
      key: key, nonce: [UInt8](repeating: 0, count: 12), aad: [], plaintext: [])
    #expect(tag == (try hex("58e2fccefa7e3061367f1d57a4e7455a")))
  }
}
