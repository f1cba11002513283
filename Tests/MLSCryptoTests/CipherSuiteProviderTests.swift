import MLSCodec
import MLSCrypto
import Testing

@Suite("Cipher suite provider")
struct CipherSuiteProviderTests {
  @Test(arguments: [0x0000, 0x0008, 0x0A0A, 0xEAEA, 0xF000, 0xFFFF] as [UInt16])
  func unsupportedSuiteRejected(_ raw: UInt16) {
    #expect(throws: CryptoError.unsupportedCipherSuite(raw)) {
      try CipherSuiteProvider(CipherSuite(rawValue: raw))
    }
  }

  /// RFC 9420 §5.1 / §17.1: the algorithms and sizes (Nh, Nk, Nn) of each suite.
  @Test func algorithmsAndLengthsPerSuite() throws {
    typealias Row = (
      UInt16, KEMAlgorithm, AEADAlgorithm, HashAlgorithm, SignatureScheme, Int, Int, Int
    )
    let table: [Row] = [
      (1, .dhkemX25519, .aes128GCM, .sha256, .ed25519, 32, 16, 12),
      (2, .dhkemP256, .aes128GCM, .sha256, .ecdsaP256SHA256, 32, 16, 12),
      (3, .dhkemX25519, .chaCha20Poly1305, .sha256, .ed25519, 32, 32, 12),
      (4, .dhkemX448, .aes256GCM, .sha512, .ed448, 64, 32, 12),
      (5, .dhkemP521, .aes256GCM, .sha512, .ecdsaP521SHA512, 64, 32, 12),
      (6, .dhkemX448, .chaCha20Poly1305, .sha512, .ed448, 64, 32, 12),
      (7, .dhkemP384, .aes256GCM, .sha384, .ecdsaP384SHA384, 48, 32, 12),
    ]
    #expect(table.map(\.0) == CipherSuite.all.map(\.rawValue))
    for row in table {
      let provider = try CipherSuiteProvider(CipherSuite(rawValue: row.0))
      #expect(provider.suite.rawValue == row.0)
      #expect(provider.kem == row.1)
      #expect(provider.aead == row.2)
      #expect(provider.hash == row.3)
      #expect(provider.signatureScheme == row.4)
      #expect(provider.hashLength == row.5)
      #expect(provider.aeadKeyLength == row.6)
      #expect(provider.aeadNonceLength == row.7)
      #expect(try provider.hash([]).count == row.5)
      #expect(
        try provider.deriveSecret(secret: SecretBytes(zeros: row.5), label: "x").count == row.5)
    }
  }

  /// The KDFLabel encoding of RFC 9420 §5.1, written out by hand for one input.
  @Test func expandWithLabelEncodesKDFLabel() throws {
    let provider = try CipherSuiteProvider(.x25519Aes128Sha256Ed25519)
    let secret = SecretBytes((1...32).map { UInt8($0) })
    let derived = try provider.expandWithLabel(
      secret: secret, label: "test", context: [0xaa, 0xbb], length: 20)
    // uint16 20 | varint 12 "MLS 1.0 test" | varint 2 aa bb
    let info: [UInt8] = [0x00, 0x14, 0x0c] + ascii("MLS 1.0 test") + [0x02, 0xaa, 0xbb]
    let expected = try HKDF.expand(.sha256, prk: secret.revealed(), info: info, length: 20)
    #expect(derived.revealed() == expected)
    #expect(derived.count == 20)
  }

  /// Several ExpandWithLabels of one secret equal separate calls, for every hash.
  @Test(arguments: [UInt16(1), 4, 7])
  func expandWithLabelsMatchesSeparateCalls(_ raw: UInt16) throws {
    let provider = try CipherSuiteProvider(CipherSuite(rawValue: raw))
    let secret = SecretBytes((1...provider.hashLength).map { UInt8($0) })
    let requests: [(label: String, context: [UInt8], length: Int)] = [
      ("key", [0, 0, 0, 7], provider.aeadKeyLength),
      ("nonce", [0, 0, 0, 7], provider.aeadNonceLength),
      ("secret", [0, 0, 0, 7], provider.hashLength),
      ("long", [], 3 * provider.hashLength + 5),
    ]
    let outputs = try provider.expandWithLabels(secret: secret, requests)
    #expect(outputs.count == requests.count)
    for (output, request) in zip(outputs, requests) {
      let single = try provider.expandWithLabel(
        secret: secret, label: request.label, context: request.context, length: request.length)
      #expect(output == single)
      #expect(output.count == request.length)
    }
    #expect(outputs[0] != outputs[2])
    #expect(throws: CryptoError.invalidLength("ExpandWithLabel length")) {
      try provider.expandWithLabels(secret: secret, [("a", [], 16), ("b", [], 70_000)])
    }
  }

  @Test func deriveSecretAndTreeSecretUseTheirContexts() throws {
    let provider = try CipherSuiteProvider(.p384Aes256Sha384P384)
    let secret = SecretBytes([UInt8](repeating: 9, count: 48))
    let derived = try provider.deriveSecret(secret: secret, label: "epoch")
    let viaExpand = try provider.expandWithLabel(
      secret: secret, label: "epoch", context: [], length: 48)
    #expect(derived == viaExpand)

    let tree = try provider.deriveTreeSecret(
      secret: secret, label: "key", generation: 0x0102_0304, length: 32)
    let treeViaExpand = try provider.expandWithLabel(
      secret: secret, label: "key", context: [1, 2, 3, 4], length: 32)
    #expect(tree == treeViaExpand)
    #expect(
      tree
        != (try provider.deriveTreeSecret(secret: secret, label: "key", generation: 0, length: 32)))
  }

  @Test func expandWithLabelRejectsBadLengths() throws {
    let provider = try CipherSuiteProvider(.x25519Aes128Sha256Ed25519)
    let secret = SecretBytes(zeros: 32)
    #expect(throws: CryptoError.invalidLength("ExpandWithLabel length")) {
      try provider.expandWithLabel(secret: secret, label: "a", context: [], length: 70_000)
    }
    #expect(throws: CryptoError.invalidLength("ExpandWithLabel length")) {
      try provider.expandWithLabel(secret: secret, label: "a", context: [], length: -1)
    }
    #expect(throws: CryptoError.invalidLength("HKDF-Expand length")) {
      try provider.expandWithLabel(secret: secret, label: "a", context: [], length: 255 * 32 + 1)
    }
  }

  /// RefHashInput of RFC 9420 §5.2 uses the label as given, without "MLS 1.0 ".
  @Test func refHashEncodesLabelWithoutPrefix() throws {
    let provider = try CipherSuiteProvider(.x448Aes256Sha512Ed448)
    let label = "MLS 1.0 KeyPackage Reference"
    let value: [UInt8] = [1, 2, 3]
    let input: [UInt8] = [UInt8(label.utf8.count)] + ascii(label) + [0x03, 1, 2, 3]
    #expect(try provider.refHash(label: label, value: value) == Digest.hash(.sha512, input))
  }

  @Test(arguments: CipherSuite.all)
  func sealOpenRoundTrip(_ suite: CipherSuite) throws {
    let provider = try CipherSuiteProvider(suite)
    let key = try SecureRandom.secret(provider.aeadKeyLength)
    let nonce = try SecureRandom.bytes(provider.aeadNonceLength)
    let sealed = try provider.seal(key: key, nonce: nonce, aad: [7], plaintext: ascii("msg"))
    #expect(sealed.count == 3 + 16)
    #expect(try provider.open(key: key, nonce: nonce, aad: [7], ciphertext: sealed) == ascii("msg"))
    #expect(throws: CryptoError.authenticationFailed) {
      try provider.open(key: key, nonce: nonce, aad: [8], ciphertext: sealed)
    }
  }

  @Test func macMatchesHMAC() throws {
    let provider = try CipherSuiteProvider(.p521Aes256Sha512P521)
    let key = SecretBytes(ascii("Jefe"))
    let mac = try provider.mac(key: key, data: ascii("what do ya want for nothing?"))
    #expect(
      mac
        == (try hex(
          "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
            + "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737")))
  }
}
