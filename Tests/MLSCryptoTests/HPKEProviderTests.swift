import Testing

@testable import MLSCrypto

@Suite("EncryptWithLabel and KEM keys on the provider (RFC 9420 §5.1.3)")
struct HPKEProviderTests {
  private func providerError(_ body: () throws -> Void) -> CryptoError? {
    do {
      try body()
      return nil
    } catch let error as CryptoError {
      return error
    } catch {
      Issue.record("unexpected error type: \(error)")
      return nil
    }
  }

  /// EncryptContext = opaque label<V> ("MLS 1.0 " + Label) || opaque context<V>.
  @Test func encryptContextEncoding() throws {
    let encoded = try CipherSuiteProvider.encryptContext(label: "X", context: [1, 2])
    #expect(encoded == [9] + Array("MLS 1.0 X".utf8) + [2, 1, 2])
    let empty = try CipherSuiteProvider.encryptContext(label: "", context: [])
    #expect(empty == [8] + Array("MLS 1.0 ".utf8) + [0])
    // The parts hashed without a joined copy are the same bytes.
    let large = [UInt8](repeating: 3, count: 300)
    let parts = try CipherSuiteProvider.encryptContextParts(label: "Welcome", context: large)
    #expect(
      parts.flatMap { $0 }
        == (try CipherSuiteProvider.encryptContext(label: "Welcome", context: large)))
    #expect(parts[0] == [15] + Array("MLS 1.0 Welcome".utf8) + [0x41, 0x2C])
  }

  @Test(arguments: CipherSuite.all)
  func encryptWithLabelRoundTripAndRejections(suite: CipherSuite) throws {
    let provider = try CipherSuiteProvider(suite)
    let keys = try provider.generateKEMKeyPair()
    #expect(try provider.kemPublicKey(for: keys.privateKey) == keys.publicKey)
    let plaintext = Array("path secret".utf8)
    let sealed = try provider.encryptWithLabel(
      publicKey: keys.publicKey, label: "UpdatePathNode", context: [1, 2, 3], plaintext: plaintext)
    #expect(sealed.kemOutput.count == provider.kem.publicKeyLength)
    #expect(sealed.ciphertext.count == plaintext.count + 16)
    let opened = try provider.decryptWithLabel(
      privateKey: keys.privateKey, label: "UpdatePathNode", context: [1, 2, 3],
      kemOutput: sealed.kemOutput, ciphertext: sealed.ciphertext)
    #expect(opened == plaintext)

    var tampered = sealed.ciphertext
    tampered[0] ^= 1
    let attempts: [(String, [UInt8], [UInt8])] = [
      ("Welcome", [1, 2, 3], sealed.ciphertext),
      ("UpdatePathNode", [1, 2], sealed.ciphertext),
      ("UpdatePathNode", [1, 2, 3], tampered),
    ]
    for (label, context, ciphertext) in attempts {
      let error = providerError {
        _ = try provider.decryptWithLabel(
          privateKey: keys.privateKey, label: label, context: context,
          kemOutput: sealed.kemOutput, ciphertext: ciphertext)
      }
      #expect(error == .authenticationFailed)
    }
    let shortOutput = providerError {
      _ = try provider.decryptWithLabel(
        privateKey: keys.privateKey, label: "UpdatePathNode", context: [1, 2, 3],
        kemOutput: Array(sealed.kemOutput.dropFirst()), ciphertext: sealed.ciphertext)
    }
    #expect(
      shortOutput
        == .invalidPublicKey("public key must be \(provider.kem.publicKeyLength) bytes"))
  }

  /// A prepared EncryptContext (hashed once, as for a Welcome's secrets) seals what
  /// DecryptWithLabel opens under the same label and context, and nothing else.
  @Test(arguments: CipherSuite.all)
  func preparedEncryptContextMatchesEncryptWithLabel(suite: CipherSuite) throws {
    let provider = try CipherSuiteProvider(suite)
    let context = [UInt8](repeating: 0x42, count: 70_000)
    let prepared = try provider.prepareEncryptContext(label: "Welcome", context: context)
    let plaintext = Array("group secrets".utf8)
    for _ in 0..<2 {
      let keys = try provider.generateKEMKeyPair()
      let sealed = try provider.encryptWithLabel(
        publicKey: keys.publicKey, prepared: prepared, plaintext: plaintext)
      let opened = try provider.decryptWithLabel(
        privateKey: keys.privateKey, label: "Welcome", context: context,
        kemOutput: sealed.kemOutput, ciphertext: sealed.ciphertext)
      #expect(opened == plaintext)
      let otherContext = providerError {
        _ = try provider.decryptWithLabel(
          privateKey: keys.privateKey, label: "Welcome", context: Array(context.dropLast()),
          kemOutput: sealed.kemOutput, ciphertext: sealed.ciphertext)
      }
      #expect(otherContext == .authenticationFailed)
    }
    let other = try CipherSuiteProvider(
      suite == .x25519Aes128Sha256Ed25519 ? .x448Aes256Sha512Ed448 : .x25519Aes128Sha256Ed25519)
    let keys = try other.generateKEMKeyPair()
    let mixed = providerError {
      _ = try other.encryptWithLabel(publicKey: keys.publicKey, prepared: prepared, plaintext: [])
    }
    #expect(mixed == .library("info_hash prepared for another HPKE suite"))
  }

  @Test(arguments: CipherSuite.all)
  func deriveKeyPairMatchesHPKE(suite: CipherSuite) throws {
    let provider = try CipherSuiteProvider(suite)
    let ikm = SecretBytes([UInt8](repeating: 0xA5, count: provider.hashLength))
    let fromProvider = try provider.deriveKeyPair(ikm: ikm)
    let fromHPKE = try HPKE(kem: provider.kem, kdf: provider.hash, aead: .aead(provider.aead))
      .deriveKeyPair(ikm: ikm)
    #expect(fromProvider.privateKey == fromHPKE.privateKey)
    #expect(fromProvider.publicKey == fromHPKE.publicKey)
    #expect(try provider.kemPublicKey(for: fromProvider.privateKey) == fromProvider.publicKey)
  }
}
