import MLSCodec
import Testing

@testable import MLSCrypto

/// Ed25519 signs and verifies with libsodium below a size threshold and with OpenSSL above it
/// (`Ed25519.openSSLSigningThreshold`, `.openSSLVerificationThreshold`). Ed25519 is
/// deterministic (RFC 8032 §5.1.6), so both must give the same bytes, and both must refuse
/// the same signatures.
@Suite("Ed25519 on libsodium and OpenSSL")
struct Ed25519BackendTests {
  static let backends = Ed25519.Backend.allCases

  /// Sizes on both sides of both thresholds.
  static let sizes: [Int] = [
    0, 100, Ed25519.openSSLSigningThreshold - 1, Ed25519.openSSLSigningThreshold,
    Ed25519.openSSLVerificationThreshold - 1, Ed25519.openSSLVerificationThreshold,
    Ed25519.openSSLVerificationThreshold + 4_321,
  ]

  static func message(_ length: Int) -> [UInt8] {
    (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
  }

  @Test func thresholdsPickTheLibrary() {
    #expect(Ed25519.openSSLSigningThreshold == 32 * 1024)
    #expect(Ed25519.openSSLVerificationThreshold == 128 * 1024)
    #expect(Ed25519.signingBackend(messageLength: 32 * 1024 - 1) == .sodium)
    #expect(Ed25519.signingBackend(messageLength: 32 * 1024) == .openSSL)
    #expect(Ed25519.verificationBackend(messageLength: 128 * 1024 - 1) == .sodium)
    #expect(Ed25519.verificationBackend(messageLength: 128 * 1024) == .openSSL)
  }

  /// RFC 8032 §7.1 tests 1-3 through each library explicitly.
  @Test(arguments: Ed25519KATTests.vectors, backends)
  func knownAnswerOnEachLibrary(_ vector: Ed25519KATTests.Vector, _ backend: Ed25519.Backend)
    throws
  {
    let secret = SecretBytes(try hex(vector.secret))
    let publicKey = try hex(vector.publicKey)
    let message = try hex(vector.message)
    let signature = try hex(vector.signature)
    #expect(try Ed25519.sign(seed: secret, message: message, backend: backend) == signature)
    try Ed25519.verify(
      publicKey: publicKey, message: message, signature: signature, backend: backend)
    var tampered = signature
    tampered[40] ^= 0x04
    #expect(throws: CryptoError.invalidSignature) {
      try Ed25519.verify(
        publicKey: publicKey, message: message, signature: tampered, backend: backend)
    }
  }

  /// The same signature from both libraries at every size, and from the default choice; each
  /// library verifies it, and refuses it over a changed message or with a changed signature.
  @Test(arguments: sizes)
  func librariesAgree(_ length: Int) throws {
    let vector = Ed25519KATTests.vectors[1]
    let seed = SecretBytes(try hex(vector.secret))
    let publicKey = try hex(vector.publicKey)
    let message = Self.message(length)
    let sodium = try Ed25519.sign(seed: seed, message: message, backend: .sodium)
    let openSSL = try Ed25519.sign(seed: seed, message: message, backend: .openSSL)
    #expect(sodium.count == 64)
    #expect(sodium == openSSL)
    #expect(try Ed25519.sign(seed: seed, message: message) == sodium)
    var changed = message
    if changed.isEmpty { changed = [0] } else { changed[changed.count / 2] ^= 0x80 }
    var tampered = sodium
    tampered[3] ^= 0x01
    for backend in Self.backends {
      try Ed25519.verify(
        publicKey: publicKey, message: message, signature: sodium, backend: backend)
      #expect(throws: CryptoError.invalidSignature) {
        try Ed25519.verify(
          publicKey: publicKey, message: changed, signature: sodium, backend: backend)
      }
      #expect(throws: CryptoError.invalidSignature) {
        try Ed25519.verify(
          publicKey: publicKey, message: message, signature: tampered, backend: backend)
      }
    }
    try Ed25519.verify(publicKey: publicKey, message: message, signature: sodium)
  }

  /// (R = identity, S = 0) satisfies the verification equation under the identity public key
  /// for every message; OpenSSL 3.0 accepts it, libsodium refuses small-order keys and R. Both
  /// paths must refuse it, at every size.
  @Test(arguments: backends, [100, Ed25519.openSSLVerificationThreshold])
  func identityKeyForgeryRefused(_ backend: Ed25519.Backend, _ length: Int) throws {
    var identity = [UInt8](repeating: 0, count: 32)
    identity[0] = 1
    let signature = identity + [UInt8](repeating: 0, count: 32)
    #expect(!Ed25519.acceptsEncodings(publicKey: identity, signature: signature))
    #expect(throws: CryptoError.invalidSignature) {
      try Ed25519.verify(
        publicKey: identity, message: Self.message(length), signature: signature,
        backend: backend)
    }
  }

  /// The encoding checks of the OpenSSL path: S >= L, a non-canonical key and small-order
  /// encodings (with and without the sign bit) are refused; a real signature passes.
  @Test func encodingChecks() throws {
    // RFC 8032 §7.1 TEST 2.
    let vector = Ed25519KATTests.vectors[1]
    let publicKey = try hex(vector.publicKey)
    let signature = try hex(vector.signature)
    #expect(Ed25519.acceptsEncodings(publicKey: publicKey, signature: signature))
    // S = L: the order, little-endian.
    let order = try hex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")
    #expect(
      !Ed25519.acceptsEncodings(publicKey: publicKey, signature: Array(signature[0..<32]) + order))
    var belowOrder = order
    belowOrder[0] -= 1
    #expect(
      Ed25519.acceptsEncodings(
        publicKey: publicKey, signature: Array(signature[0..<32]) + belowOrder))
    // y = p + 2 (non-canonical, not of small order).
    var nonCanonical = [UInt8](repeating: 0xff, count: 32)
    nonCanonical[0] = 0xef
    nonCanonical[31] = 0x7f
    #expect(!Ed25519.acceptsEncodings(publicKey: nonCanonical, signature: signature))
    // Order 8 (y = 0x26e8...05, either sign of x), order 2 (y = p - 1), order 4 (y = 0).
    let orderEight = try hex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05")
    var orderEightNegative = orderEight
    orderEightNegative[31] |= 0x80
    var orderTwo = [UInt8](repeating: 0xff, count: 32)
    orderTwo[0] = 0xec
    orderTwo[31] = 0x7f
    for point in [orderEight, orderEightNegative, orderTwo, [UInt8](repeating: 0, count: 32)] {
      #expect(!Ed25519.acceptsEncodings(publicKey: point, signature: signature))
      #expect(
        !Ed25519.acceptsEncodings(
          publicKey: publicKey, signature: point + Array(signature[32..<64])))
      let large = Self.message(Ed25519.openSSLVerificationThreshold)
      #expect(throws: CryptoError.invalidSignature) {
        try Ed25519.verify(
          publicKey: point, message: large, signature: signature, backend: .openSSL)
      }
    }
  }
}
