import MLSCodec
import MLSCrypto
import Testing

@Suite("Ed25519 (RFC 8032 §7.1 tests 1-3)")
struct Ed25519KATTests {
  struct Vector: Sendable, CustomTestStringConvertible {
    let name: String
    let secret: String
    let publicKey: String
    let message: String
    let signature: String
    var testDescription: String { name }
  }

  static let vectors: [Vector] = [
    Vector(
      name: "TEST 1",
      secret: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
      publicKey: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
      message: "",
      signature: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
        + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    Vector(
      name: "TEST 2",
      secret: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
      publicKey: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
      message: "72",
      signature: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
        + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    Vector(
      name: "TEST 3",
      secret: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
      publicKey: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
      message: "af82",
      signature: "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
        + "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
  ]

  @Test(arguments: vectors)
  func knownAnswer(_ vector: Vector) throws {
    let secret = SecretBytes(try hex(vector.secret))
    let publicKey = try hex(vector.publicKey)
    let message = try hex(vector.message)
    let signature = try hex(vector.signature)
    #expect(try Signature.publicKey(.ed25519, for: secret) == publicKey)
    #expect(try Signature.sign(.ed25519, privateKey: secret, message: message) == signature)
    try Signature.verify(.ed25519, publicKey: publicKey, message: message, signature: signature)
    var tampered = signature
    tampered[10] ^= 0x01
    #expect(throws: CryptoError.invalidSignature) {
      try Signature.verify(.ed25519, publicKey: publicKey, message: message, signature: tampered)
    }
    #expect(throws: CryptoError.invalidSignature) {
      try Signature.verify(
        .ed25519, publicKey: publicKey, message: message + [0], signature: signature)
    }
  }
}

@Suite("Ed448 (RFC 8032 §7.4 \"blank\")")
struct Ed448KATTests {
  @Test func blank() throws {
    let secret = SecretBytes(
      try hex(
        "6c82a562cb808d10d632be89c8513ebf6c929f34ddfa8c9f63c9960ef6e348a3"
          + "528c8a3fcc2f044e39a3fc5b94492f8f032e7549a20098f95b"))
    let publicKey = try hex(
      "5fd7449b59b461fd2ce787ec616ad46a1da1342485a70e1f8a0ea75d80e96778"
        + "edf124769b46c7061bd6783df1e50f6cd1fa1abeafe8256180")
    let signature = try hex(
      "533a37f6bbe457251f023c0d88f976ae2dfb504a843e34d2074fd823d41a591f"
        + "2b233f034f628281f2fd7a22ddd47d7828c59bd0a21bfd3980ff0d2028d4b18a"
        + "9df63e006c5d1c2d345b925d8dc00b4104852db99ac5c7cdda8530a113a0f4db"
        + "b61149f05a7363268c71d95808ff2e652600")
    #expect(secret.count == 57 && publicKey.count == 57 && signature.count == 114)
    #expect(try Signature.publicKey(.ed448, for: secret) == publicKey)
    #expect(try Signature.sign(.ed448, privateKey: secret, message: []) == signature)
    try Signature.verify(.ed448, publicKey: publicKey, message: [], signature: signature)
    var tampered = signature
    tampered[0] ^= 0x01
    #expect(throws: CryptoError.invalidSignature) {
      try Signature.verify(.ed448, publicKey: publicKey, message: [], signature: tampered)
    }
    #expect(throws: CryptoError.invalidSignature) {
      try Signature.verify(.ed448, publicKey: publicKey, message: [1], signature: signature)
    }
  }
}

@Suite("SignWithLabel / VerifyWithLabel (RFC 9420 §5.1.2)")
struct SignWithLabelTests {
  @Test(arguments: CipherSuite.all)
  func roundTripAndRejections(_ suite: CipherSuite) throws {
    let provider = try CipherSuiteProvider(suite)
    let (privateKey, publicKey) = try provider.generateSignatureKeyPair()
    #expect(try provider.signaturePublicKey(for: privateKey) == publicKey)
    let content = ascii("leaf node tbs")
    let signature = try provider.signWithLabel(
      privateKey: privateKey, label: "LeafNodeTBS", content: content)
    try provider.verifyWithLabel(
      publicKey: publicKey, label: "LeafNodeTBS", content: content, signature: signature)

    // SignContent really carries "MLS 1.0 " + label and the content as two opaque vectors.
    let signContent =
      [UInt8(8 + 11)] + ascii("MLS 1.0 LeafNodeTBS") + [UInt8(content.count)]
      + content
    try Signature.verify(
      provider.signatureScheme, publicKey: publicKey, message: signContent, signature: signature)

    let bad = CryptoError.invalidSignature
    #expect(throws: bad) {
      try provider.verifyWithLabel(
        publicKey: publicKey, label: "LeafNodeTBS", content: ascii("other"), signature: signature)
    }
    #expect(throws: bad) {
      try provider.verifyWithLabel(
        publicKey: publicKey, label: "GroupInfoTBS", content: content, signature: signature)
    }
    // Raw signature over the content without the label must not pass VerifyWithLabel.
    let raw = try Signature.sign(
      provider.signatureScheme, privateKey: privateKey, message: content)
    #expect(throws: bad) {
      try provider.verifyWithLabel(
        publicKey: publicKey, label: "LeafNodeTBS", content: content, signature: raw)
    }
    for garbage in [
      [], Array(signature.dropLast()), signature + [0], [0x30, 0x00],
      [UInt8](
        repeating: 0xff, count: signature.count),
    ] {
      #expect(throws: bad) {
        try provider.verifyWithLabel(
          publicKey: publicKey, label: "LeafNodeTBS", content: content, signature: garbage)
      }
    }
    // Another key of the same scheme does not verify it.
    let other = try provider.generateSignatureKeyPair()
    #expect(other.publicKey != publicKey)
    #expect(throws: bad) {
      try provider.verifyWithLabel(
        publicKey: other.publicKey, label: "LeafNodeTBS", content: content, signature: signature)
    }
  }

  /// ECDSA signatures use a random nonce: two signatures differ, both verify.
  @Test func ecdsaIsRandomized() throws {
    let provider = try CipherSuiteProvider(.p256Aes128Sha256P256)
    let (privateKey, publicKey) = try provider.generateSignatureKeyPair()
    let a = try provider.signWithLabel(privateKey: privateKey, label: "L", content: [1])
    let b = try provider.signWithLabel(privateKey: privateKey, label: "L", content: [1])
    #expect(a != b)
    #expect(a.first == 0x30)
    try provider.verifyWithLabel(publicKey: publicKey, label: "L", content: [1], signature: a)
    try provider.verifyWithLabel(publicKey: publicKey, label: "L", content: [1], signature: b)
  }

  /// Keys of another suite's scheme are rejected with a typed error, never a crash. Only the
  /// Ed25519 seed and the P-256 scalar share a size (32 bytes), so such a key signs, but its
  /// public key never has the size of another scheme's public key.
  @Test func keysOfAnotherSuiteRejected() throws {
    let suites = try CipherSuite.all.map { suite throws(CryptoError) in
      try CipherSuiteProvider(suite)
    }
    var keys: [SignatureScheme: (privateKey: SecretBytes, publicKey: [UInt8])] = [:]
    for provider in suites where keys[provider.signatureScheme] == nil {
      keys[provider.signatureScheme] = try provider.generateSignatureKeyPair()
    }
    for provider in suites {
      let own = try #require(keys[provider.signatureScheme])
      for (scheme, pair) in keys where scheme != provider.signatureScheme {
        if pair.privateKey.count != own.privateKey.count {
          let error = #expect(throws: CryptoError.self) {
            try provider.signWithLabel(privateKey: pair.privateKey, label: "L", content: [])
          }
          #expect(error.map(Self.isInvalidPrivateKey) == true)
        }
        let signature = try Signature.sign(scheme, privateKey: pair.privateKey, message: [])
        let error = #expect(throws: CryptoError.self) {
          try provider.verifyWithLabel(
            publicKey: pair.publicKey, label: "L", content: [], signature: signature)
        }
        #expect(error.map(Self.isInvalidPublicKey) == true)
      }
    }
  }

  static func isInvalidPrivateKey(_ error: CryptoError) -> Bool {
    if case .invalidPrivateKey = error { return true }
    return false
  }

  static func isInvalidPublicKey(_ error: CryptoError) -> Bool {
    if case .invalidPublicKey = error { return true }
    return false
  }

  @Test func malformedKeysGiveTypedErrors() throws {
    let ed25519 = try CipherSuiteProvider(.x25519Aes128Sha256Ed25519)
    let p256 = try CipherSuiteProvider(.p256Aes128Sha256P256)
    let p521 = try CipherSuiteProvider(.p521Aes256Sha512P521)
    let ed448 = try CipherSuiteProvider(.x448Aes256Sha512Ed448)
    #expect(throws: CryptoError.invalidPrivateKey("Ed25519 private key length")) {
      try ed25519.signWithLabel(privateKey: SecretBytes(zeros: 31), label: "L", content: [])
    }
    #expect(throws: CryptoError.invalidPublicKey("Ed25519 public key length")) {
      try ed25519.verifyWithLabel(
        publicKey: [UInt8](repeating: 1, count: 33), label: "L", content: [],
        signature: [UInt8](repeating: 0, count: 64))
    }
    #expect(throws: CryptoError.invalidPrivateKey("Ed448 private key length")) {
      try ed448.signaturePublicKey(for: SecretBytes(zeros: 32))
    }
    #expect(throws: CryptoError.invalidPublicKey("Ed448 public key length")) {
      try ed448.verifyWithLabel(
        publicKey: [UInt8](repeating: 1, count: 32), label: "L", content: [],
        signature: [UInt8](repeating: 0, count: 114))
    }
    // Scalars 0 and n (the P-256 group order) are outside [1, n-1].
    let order = try hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")
    for scalar in [[UInt8](repeating: 0, count: 32), order, [UInt8](repeating: 0xff, count: 32)] {
      #expect(throws: CryptoError.invalidPrivateKey("ECDSA private key out of range")) {
        try p256.signWithLabel(privateKey: SecretBytes(scalar), label: "L", content: [])
      }
    }
    #expect(throws: CryptoError.invalidPrivateKey("ECDSA private key length")) {
      try p521.signaturePublicKey(for: SecretBytes(zeros: 64))
    }
    #expect(throws: CryptoError.invalidPrivateKey("ECDSA private key out of range")) {
      try p521.signaturePublicKey(for: SecretBytes(zeros: 65))
    }
    #expect(throws: CryptoError.invalidPrivateKey("ECDSA private key length")) {
      try p256.signaturePublicKey(for: SecretBytes([UInt8](repeating: 1, count: 31)))
    }
    let (_, publicKey) = try p256.generateSignatureKeyPair()
    var compressed = Array(publicKey.prefix(33))
    compressed[0] = 0x02
    var offCurve = publicKey
    offCurve[64] ^= 0x01
    var wrongPrefix = publicKey
    wrongPrefix[0] = 0x05
    let signature = [UInt8](repeating: 0x30, count: 70)
    #expect(throws: CryptoError.invalidPublicKey("ECDSA public key encoding")) {
      try p256.verifyWithLabel(publicKey: compressed, label: "L", content: [], signature: signature)
    }
    #expect(throws: CryptoError.invalidPublicKey("ECDSA public key encoding")) {
      try p256.verifyWithLabel(
        publicKey: wrongPrefix, label: "L", content: [], signature: signature)
    }
    #expect(throws: CryptoError.invalidPublicKey("ECDSA public key not on curve")) {
      try p256.verifyWithLabel(publicKey: offCurve, label: "L", content: [], signature: signature)
    }
    #expect(throws: CryptoError.invalidPublicKey("ECDSA public key encoding")) {
      try p256.verifyWithLabel(publicKey: [], label: "L", content: [], signature: signature)
    }
  }
}

@Suite("SecretBytes")
struct SecretBytesTests {
  @Test func revealedEqualityAndDescription() throws {
    let bytes: [UInt8] = [0xde, 0xad, 0xbe, 0xef]
    let secret = SecretBytes(bytes)
    #expect(secret.revealed() == bytes)
    #expect(secret.count == 4)
    #expect(secret == SecretBytes(bytes))
    #expect(secret != SecretBytes([0xde, 0xad, 0xbe, 0xee]))
    #expect(secret != SecretBytes([0xde, 0xad, 0xbe]))
    #expect(SecretBytes([]) == SecretBytes(zeros: 0))
    #expect(SecretBytes(zeros: 3).revealed() == [0, 0, 0])
    #expect(secret.description == "SecretBytes(4 bytes)")
    #expect(!"\(secret)".lowercased().contains("dead"))
    #expect(!String(reflecting: secret).lowercased().contains("dead"))
    let filled = SecretBytes(count: 3) { buffer in buffer.copyBytes(from: [7, 8, 9]) }
    #expect(filled.revealed() == [7, 8, 9])
  }
}

/// Some P-521 scalars are serialized without their leading zero byte (65 bytes, as in the
/// RFC 9420 test vectors): they must act exactly as the 66-byte form.
@Suite("P-521 short scalars")
struct P521ShortScalarTests {
  static let short = [UInt8](repeating: 0x5C, count: 65)
  static let full = [0x00] + short

  @Test func ecdsaShortScalarIsTheSameKey() throws {
    let p521 = try CipherSuiteProvider(.p521Aes256Sha512P521)
    let shortKey = SecretBytes(Self.short)
    let publicKey = try p521.signaturePublicKey(for: shortKey)
    #expect(publicKey == (try p521.signaturePublicKey(for: SecretBytes(Self.full))))
    #expect(publicKey.count == 133)
    let signature = try p521.signWithLabel(privateKey: shortKey, label: "L", content: [1, 2])
    try p521.verifyWithLabel(
      publicKey: publicKey, label: "L", content: [1, 2], signature: signature)
    #expect(throws: CryptoError.invalidSignature) {
      try p521.verifyWithLabel(
        publicKey: publicKey, label: "L", content: [1, 3], signature: signature)
    }
  }

  @Test func hpkeShortScalarIsTheSameKey() throws {
    let p521 = try CipherSuiteProvider(.p521Aes256Sha512P521)
    let publicKey = try p521.kemPublicKey(for: SecretBytes(Self.short))
    #expect(publicKey == (try p521.kemPublicKey(for: SecretBytes(Self.full))))
    let sealed = try p521.encryptWithLabel(
      publicKey: publicKey, label: "L", context: [9], plaintext: [7, 7])
    let opened = try p521.decryptWithLabel(
      privateKey: SecretBytes(Self.short), label: "L", context: [9],
      kemOutput: sealed.kemOutput, ciphertext: sealed.ciphertext)
    #expect(opened == [7, 7])
    #expect(throws: CryptoError.invalidPrivateKey("private key must be 66 bytes")) {
      try p521.kemPublicKey(for: SecretBytes([UInt8](repeating: 0x5C, count: 64)))
    }
    // Only P-521 has the short form.
    let p256 = try CipherSuiteProvider(.p256Aes128Sha256P256)
    #expect(throws: CryptoError.invalidPrivateKey("private key must be 32 bytes")) {
      try p256.kemPublicKey(for: SecretBytes([UInt8](repeating: 0x5C, count: 31)))
    }
  }
}
