internal import COpenSSL
internal import CSodium

/// Ed25519 (RFC 8032 §5.1). The MLS private key is the 32-byte seed. Signing needs libsodium's
/// 64-byte expanded key (seed || public key), which costs a scalar multiplication (as much as
/// the signature): it is computed once per key and kept in wiped storage beside the seed
/// (`SecretBytes.withDerivedBytes`).
///
/// Two libraries, by message size. On short messages libsodium signs ~2x and verifies ~2.4x
/// faster than OpenSSL 3.0 (fixed costs); on long ones the cost is the SHA-512 of the message,
/// where OpenSSL's assembly beats libsodium's portable C (a GroupInfo carrying the tree of
/// 10,000 members is ~2 MiB: sign 9.1 vs 6.0 ms, verify 4.6 vs 3.1 ms). Ed25519 is
/// deterministic, so both give the same signature. Medians measured on this 2-core VM (gcc
/// -O2 on the C calls; OpenSSL signing includes the key import, ~3 us with the public key
/// given):
///
/// | message | sign sodium / OpenSSL | verify sodium / OpenSSL |
/// |---|---|---|
/// | 100 B | 20 / 48 us | 58 / 126 us |
/// | 4 KiB | 37 / 59 us | 66 / 131 us |
/// | 16 KiB | 90 / 94 us | 93 / 150 us |
/// | 32 KiB | 162 / 141 us | 130 / 189 us |
/// | 64 KiB | 307 / 240 us | 203 / 226 us |
/// | 128 KiB | 600 / 431 us | 350 / 326 us |
/// | 256 KiB | 1293 / 962 us | 712 / 570 us |
///
/// Hence OpenSSL from 32 KiB for signing and from 128 KiB for verification.
enum Ed25519 {
  static let seedLength = 32
  static let publicKeyLength = 32
  static let signatureLength = 64

  /// Messages of at least this many bytes are signed with OpenSSL (see the table above).
  static let openSSLSigningThreshold = 32 * 1024
  /// Messages of at least this many bytes are verified with OpenSSL (see the table above).
  static let openSSLVerificationThreshold = 128 * 1024

  /// The library that computes one operation.
  enum Backend: Sendable, CaseIterable {
    case sodium
    case openSSL
  }

  static func signingBackend(messageLength: Int) -> Backend {
    messageLength >= openSSLSigningThreshold ? .openSSL : .sodium
  }

  static func verificationBackend(messageLength: Int) -> Backend {
    messageLength >= openSSLVerificationThreshold ? .openSSL : .sodium
  }

  /// `sodium_init` must run once before any other libsodium call; it is idempotent and
  /// thread-safe, and a static let runs it exactly once.
  private static let ready: Bool = sodium_init() >= 0

  static func generateSeed() throws(CryptoError) -> SecretBytes {
    try SecureRandom.secret(seedLength)
  }

  static func publicKey(seed: SecretBytes) throws(CryptoError) -> [UInt8] {
    guard seed.count == seedLength else { throw .invalidPrivateKey("Ed25519 private key length") }
    // The expanded key is seed || public key.
    return try seed.withDerivedBytes(count: 64, derive: expand) {
      (expanded) throws(CryptoError) -> [UInt8] in Array(expanded[32..<64])
    }
  }

  /// Signs `message`; `backend` defaults to the faster library for its length.
  static func sign(seed: SecretBytes, message: [UInt8], backend: Backend? = nil)
    throws(CryptoError) -> [UInt8]
  {
    guard seed.count == seedLength else { throw .invalidPrivateKey("Ed25519 private key length") }
    let chosen = backend ?? signingBackend(messageLength: message.count)
    return try seed.withDerivedBytes(count: 64, derive: expand) {
      (secretKey) throws(CryptoError) -> [UInt8] in
      switch chosen {
      case .sodium: try sodiumSign(secretKey: secretKey, message: message)
      case .openSSL: try openSSLSign(secretKey: secretKey, message: message)
      }
    }
  }

  /// libsodium's `crypto_sign_detached` with the expanded key.
  private static func sodiumSign(secretKey: UnsafeRawBufferPointer, message: [UInt8])
    throws(CryptoError) -> [UInt8]
  {
    try [UInt8](unsafeUninitializedCapacity: signatureLength) {
      (out, initialized) throws(CryptoError) in
      guard let sigBase = out.baseAddress,
        let keyBase = secretKey.baseAddress?.assumingMemoryBound(to: UInt8.self)
      else {
        throw .library("crypto_sign_detached")
      }
      let ok = message.withUnsafeBufferPointer { input in
        withInputPointer(UnsafeRawBufferPointer(input)) { base, count in
          crypto_sign_detached(sigBase, nil, base, UInt64(count), keyBase)
        }
      }
      guard ok == 0 else { throw .library("crypto_sign_detached") }
      initialized = signatureLength
    }
  }

  /// OpenSSL's `EVP_DigestSign`. The key is imported with its public half, which libsodium's
  /// expanded key already holds: importing the seed alone would recompute it (a scalar
  /// multiplication, ~50 us); with both the import is ~3 us, so no key object is cached.
  private static func openSSLSign(secretKey: UnsafeRawBufferPointer, message: [UInt8])
    throws(CryptoError) -> [UInt8]
  {
    guard secretKey.count == 64, let base = secretKey.baseAddress else {
      throw .library("Ed25519 expanded key")
    }
    let support = EVPKeySupport.shared
    let seedPart = UnsafeMutableRawPointer(mutating: base)
    var params = [
      OSSL_PARAM_construct_octet_string(support.privParam, seedPart, seedLength),
      OSSL_PARAM_construct_octet_string(support.pubParam, seedPart + seedLength, publicKeyLength),
      OSSL_PARAM_construct_end(),
    ]
    guard let ctx = EVP_PKEY_CTX_new_from_name(nil, support.ed25519KeyType, nil) else {
      throw openSSLFailure("EVP_PKEY_CTX_new_from_name")
    }
    defer { EVP_PKEY_CTX_free(ctx) }
    guard EVP_PKEY_fromdata_init(ctx) == 1 else { throw openSSLFailure("EVP_PKEY_fromdata_init") }
    var imported: OpaquePointer? = nil
    guard EVP_PKEY_fromdata(ctx, &imported, spacepanda_EVP_PKEY_KEYPAIR, &params) == 1,
      let imported
    else { throw openSSLFailure("EVP_PKEY_fromdata") }
    let signature = try PKey(imported).sign(digestName: nil, message: message)
    guard signature.count == signatureLength else { throw .library("EVP_DigestSign") }
    return signature
  }

  /// Returns normally when `signature` is valid; `backend` defaults to the faster library for
  /// the message's length. Both refuse exactly the same inputs (see `acceptsEncodings`).
  static func verify(
    publicKey: [UInt8], message: [UInt8], signature: [UInt8], backend: Backend? = nil
  ) throws(CryptoError) {
    guard ready else { throw .library("sodium_init") }
    guard publicKey.count == publicKeyLength else {
      throw .invalidPublicKey("Ed25519 public key length")
    }
    guard signature.count == signatureLength else { throw .invalidSignature }
    switch backend ?? verificationBackend(messageLength: message.count) {
    case .sodium:
      try sodiumVerify(publicKey: publicKey, message: message, signature: signature)
    case .openSSL:
      guard acceptsEncodings(publicKey: publicKey, signature: signature) else {
        throw .invalidSignature
      }
      let imported = publicKey.withUnsafeBufferPointer { bytes in
        EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, bytes.baseAddress, bytes.count)
      }
      guard let imported else {
        ERR_clear_error()
        throw .invalidSignature
      }
      guard try PKey(imported).verify(digestName: nil, message: message, signature: signature)
      else { throw .invalidSignature }
    }
  }

  private static func sodiumVerify(publicKey: [UInt8], message: [UInt8], signature: [UInt8])
    throws(CryptoError)
  {
    let ok = signature.withUnsafeBufferPointer { sig in
      message.withUnsafeBufferPointer { input in
        publicKey.withUnsafeBufferPointer { key in
          withInputPointer(UnsafeRawBufferPointer(input)) { base, count in
            guard let sigBase = sig.baseAddress, let keyBase = key.baseAddress else {
              return Int32(-1)
            }
            return crypto_sign_verify_detached(sigBase, base, UInt64(count), keyBase)
          }
        }
      }
    }
    guard ok == 0 else { throw .invalidSignature }
  }

  /// The encoding checks libsodium's verification makes before its equation, which OpenSSL
  /// 3.0's does not all make: S < L (RFC 8032 §5.1.7), a canonical public key (y < p), and
  /// neither the public key nor R of small order. Without them OpenSSL accepts, for example,
  /// (R = identity, S = 0) under the identity key for every message; with them both libraries
  /// refuse the same signatures, whatever the message length.
  static func acceptsEncodings(publicKey: [UInt8], signature: [UInt8]) -> Bool {
    guard publicKey.count == publicKeyLength, signature.count == signatureLength else {
      return false
    }
    let r = Array(signature[0..<32])
    let s = Array(signature[32..<64])
    return isBelow(s, order) && isCanonical(publicKey) && !hasSmallOrder(publicKey)
      && !hasSmallOrder(r)
  }

  /// The group order L = 2^252 + 27742317777372353535851937790883648493, little-endian.
  private static let order: [UInt8] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
  ]

  /// y-coordinates (sign bit clear, little-endian) of the points of order 1, 2, 4 and 8, and
  /// the non-canonical encodings p and p + 1 of y = 0 and y = 1. The two order-8 values are
  /// ±sqrt((-1 + sqrt(1 + d)) / d), the y with 2P = (±sqrt(-1), 0); they sum to p.
  private static let smallOrderY: [[UInt8]] = {
    var top = [UInt8](repeating: 0xff, count: 32)
    top[31] = 0x7f
    var values: [[UInt8]] = []
    for low: UInt8 in [0xec, 0xed, 0xee] {  // p - 1, p, p + 1
      var value = top
      value[0] = low
      values.append(value)
    }
    var zero = [UInt8](repeating: 0, count: 32)
    values.append(zero)
    zero[0] = 1
    values.append(zero)
    values.append([
      0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
      0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
      0xfc, 0x05,
    ])
    values.append([
      0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
      0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
      0x03, 0x7a,
    ])
    return values
  }()

  /// True when the little-endian number `value` is below `bound` (both 32 bytes). Public data.
  private static func isBelow(_ value: [UInt8], _ bound: [UInt8]) -> Bool {
    for index in stride(from: 31, through: 0, by: -1) where value[index] != bound[index] {
      return value[index] < bound[index]
    }
    return false
  }

  /// The point encoding's y (sign bit cleared) is below p = 2^255 - 19.
  private static func isCanonical(_ encoding: [UInt8]) -> Bool {
    var y = encoding
    y[31] &= 0x7f
    var p = [UInt8](repeating: 0xff, count: 32)
    p[0] = 0xed
    p[31] = 0x7f
    return isBelow(y, p)
  }

  private static func hasSmallOrder(_ encoding: [UInt8]) -> Bool {
    var y = encoding
    y[31] &= 0x7f
    return smallOrderY.contains(y)
  }

  /// libsodium's expanded secret key (seed || public key) of `seed`, into `out` (64 bytes).
  private static func expand(
    seed: UnsafeRawBufferPointer, out: UnsafeMutableRawBufferPointer
  ) throws(CryptoError) {
    guard ready else { throw .library("sodium_init") }
    var publicKey = [UInt8](repeating: 0, count: publicKeyLength)
    guard let secretBase = out.baseAddress?.assumingMemoryBound(to: UInt8.self), out.count == 64
    else {
      throw .library("crypto_sign_seed_keypair")
    }
    let ok = withInputPointer(seed) { base, _ in
      crypto_sign_seed_keypair(&publicKey, secretBase, base)
    }
    guard ok == 0 else { throw .library("crypto_sign_seed_keypair") }
  }

}
