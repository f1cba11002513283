import COpenSSL
import CSodium
import MLSCrypto

/// The primitive costs every MLS operation sits on, measured in the same run so ratios compare
/// like with like. For Ed25519 and X25519 they are the raw library calls (libsodium with an
/// already expanded secret key; a signature over a Welcome-sized GroupInfo the faster of
/// libsodium and OpenSSL; X25519 the faster of libsodium and OpenSSL, X448 OpenSSL's
/// `EVP_PKEY_derive`): the true floor, not our wrappers. Other suites fall back to the provider's own operations.
struct Floors: Sendable {
  /// One signature over 100 bytes.
  var sign: Stats
  /// One verification over 100 bytes.
  var verify: Stats
  /// One DH derive (X25519 for suite 1).
  var derive: Stats
  /// One AEAD seal of 100 bytes.
  var seal: Stats
  /// One EncryptWithLabel of 32 bytes (HPKE base mode: one key generation, two DH-sized costs).
  var hpkeSeal: Stats

  enum Failure: Error {
    case library(String)
  }

  static func measure(provider: CipherSuiteProvider, reps: Int) throws -> Floors {
    let message = [UInt8](repeating: 0x5A, count: 100)
    let sign: Stats
    let verify: Stats
    if provider.signatureScheme == .ed25519 {
      (sign, verify) = try ed25519(message: message, reps: reps)
    } else {
      let pair = try provider.generateSignatureKeyPair()
      let signature = try provider.signWithLabel(
        privateKey: pair.privateKey, label: "bench", content: message)
      sign = try Measure.run(reps: reps, warmup: reps / 10) {
        _ = try provider.signWithLabel(
          privateKey: pair.privateKey, label: "bench", content: message)
      }
      verify = try Measure.run(reps: reps, warmup: reps / 10) {
        _ = try provider.verifyWithLabel(
          publicKey: pair.publicKey, label: "bench", content: message, signature: signature)
      }
    }
    let recipient = try provider.generateKEMKeyPair()
    let hpkeSeal = try Measure.run(reps: reps, warmup: reps / 10) {
      _ = try provider.encryptWithLabel(
        publicKey: recipient.publicKey, label: "bench", context: [],
        plaintext: Array(message[0..<32]))
    }
    let derive: Stats
    switch provider.kem {
    case .dhkemX25519:
      let sodium = try x25519(reps: reps)
      let openSSL = try montgomeryDerive(type: EVP_PKEY_X25519, length: 32, reps: reps)
      derive = sodium.median <= openSSL.median ? sodium : openSSL
    case .dhkemX448: derive = try montgomeryDerive(type: EVP_PKEY_X448, length: 56, reps: reps)
    default: derive = Stats(samples: hpkeSeal.samples.map { $0 / 2 })
    }
    let key = [UInt8](repeating: 7, count: provider.aead.keyLength)
    let nonce = [UInt8](repeating: 9, count: provider.aead.nonceLength)
    let seal = try Measure.run(reps: reps, warmup: reps / 10) {
      _ = try AEAD.seal(provider.aead, key: key, nonce: nonce, aad: [], plaintext: message)
    }
    return Floors(sign: sign, verify: verify, derive: derive, seal: seal, hpkeSeal: hpkeSeal)
  }

  /// One raw signature and one raw verification of 100 B as closures, to interleave with the
  /// rows they bound (libsodium for Ed25519, else the provider's labeled operations).
  static func signatureOperations(
    provider: CipherSuiteProvider
  ) throws -> (sign: () throws -> Void, verify: () throws -> Void) {
    let message = [UInt8](repeating: 0x5A, count: 100)
    if provider.signatureScheme == .ed25519 {
      guard sodium_init() >= 0 else { throw Failure.library("sodium_init") }
      var publicKey = [UInt8](repeating: 0, count: 32)
      var secretKey = [UInt8](repeating: 0, count: 64)
      var signature = [UInt8](repeating: 0, count: 64)
      guard crypto_sign_keypair(&publicKey, &secretKey) == 0,
        crypto_sign_detached(&signature, nil, message, 100, secretKey) == 0
      else { throw Failure.library("crypto_sign") }
      let fixed = signature
      return (
        { _ = crypto_sign_detached(&signature, nil, message, 100, secretKey) },
        {
          guard crypto_sign_verify_detached(fixed, message, 100, publicKey) == 0 else {
            throw Failure.library("crypto_sign_verify_detached")
          }
        }
      )
    }
    let pair = try provider.generateSignatureKeyPair()
    let signature = try provider.signWithLabel(
      privateKey: pair.privateKey, label: "bench", content: message)
    return (
      {
        _ = try provider.signWithLabel(
          privateKey: pair.privateKey, label: "bench", content: message)
      },
      {
        try provider.verifyWithLabel(
          publicKey: pair.publicKey, label: "bench", content: message, signature: signature)
      }
    )
  }

  /// One signature over `length` bytes, the floor of signing a GroupInfo that carries the
  /// tree: for Ed25519 the faster of raw libsodium and raw OpenSSL (`EVP_DigestSign` with an
  /// already imported key) at that size, as our signing picks the faster library by size
  /// (OpenSSL's SHA-512 wins on long messages); else the provider's SignWithLabel.
  static func sign(length: Int, provider: CipherSuiteProvider, reps: Int) throws -> Stats {
    let message = [UInt8](repeating: 0x5A, count: length)
    if provider.signatureScheme == .ed25519 {
      let sodium = try ed25519(message: message, reps: reps).0
      let openSSL = try openSSLEd25519Sign(message: message, reps: reps)
      return sodium.median <= openSSL.median ? sodium : openSSL
    }
    let pair = try provider.generateSignatureKeyPair()
    return try Measure.run(reps: reps, warmup: 1) {
      _ = try provider.signWithLabel(privateKey: pair.privateKey, label: "bench", content: message)
    }
  }

  private static func ed25519(message: [UInt8], reps: Int) throws -> (Stats, Stats) {
    guard sodium_init() >= 0 else { throw Failure.library("sodium_init") }
    var publicKey = [UInt8](repeating: 0, count: 32)
    var secretKey = [UInt8](repeating: 0, count: 64)
    var signature = [UInt8](repeating: 0, count: 64)
    guard crypto_sign_keypair(&publicKey, &secretKey) == 0 else {
      throw Failure.library("crypto_sign_keypair")
    }
    let sign = Measure.run(reps: reps, warmup: reps / 10) {
      _ = crypto_sign_detached(&signature, nil, message, UInt64(message.count), secretKey)
    }
    let verify = Measure.run(reps: reps, warmup: reps / 10) {
      _ = crypto_sign_verify_detached(signature, message, UInt64(message.count), publicKey)
    }
    guard crypto_sign_verify_detached(signature, message, UInt64(message.count), publicKey) == 0
    else { throw Failure.library("crypto_sign_verify_detached") }
    return (sign, verify)
  }

  /// One raw OpenSSL Ed25519 signature (`EVP_DigestSign`) with a key imported once.
  private static func openSSLEd25519Sign(message: [UInt8], reps: Int) throws -> Stats {
    var seed = [UInt8](repeating: 0, count: 32)
    guard RAND_bytes(&seed, 32) == 1,
      let key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, seed, 32)
    else { throw Failure.library("EVP_PKEY_new_raw_private_key") }
    defer { EVP_PKEY_free(key) }
    var signature = [UInt8](repeating: 0, count: 64)
    var failed = false
    let stats = Measure.run(reps: reps, warmup: reps / 10) {
      guard let ctx = EVP_MD_CTX_new() else {
        failed = true
        return
      }
      defer { EVP_MD_CTX_free(ctx) }
      var length = 64
      if EVP_DigestSignInit_ex(ctx, nil, nil, nil, nil, key, nil) != 1
        || EVP_DigestSign(ctx, &signature, &length, message, message.count) != 1
      {
        failed = true
      }
    }
    if failed { throw Failure.library("EVP_DigestSign") }
    return stats
  }

  /// One X25519 `crypto_scalarmult` with libsodium, the library our X25519 runs on; the floor
  /// is the faster of it and OpenSSL's `EVP_PKEY_derive` with imported keys.
  private static func x25519(reps: Int) throws -> Stats {
    guard sodium_init() >= 0 else { throw Failure.library("sodium_init") }
    var scalar = [UInt8](repeating: 0, count: 32)
    var point = [UInt8](repeating: 0, count: 32)
    var out = [UInt8](repeating: 0, count: 32)
    randombytes_buf(&scalar, 32)
    randombytes_buf(&out, 32)
    guard crypto_scalarmult_base(&point, out) == 0 else {
      throw Failure.library("crypto_scalarmult_base")
    }
    var failed = false
    let stats = Measure.run(reps: reps, warmup: reps / 10) {
      if crypto_scalarmult(&out, scalar, point) != 0 { failed = true }
    }
    if failed { throw Failure.library("crypto_scalarmult") }
    return stats
  }

  /// One `EVP_PKEY_derive` between imported keys, the peer validated once (as DHGroup does).
  private static func montgomeryDerive(type: Int32, length: Int, reps: Int) throws -> Stats {
    func key() throws -> OpaquePointer {
      var raw = [UInt8](repeating: 0, count: length)
      guard RAND_bytes(&raw, Int32(length)) == 1,
        let key = EVP_PKEY_new_raw_private_key(type, nil, raw, length)
      else { throw Failure.library("EVP_PKEY_new_raw_private_key") }
      return key
    }
    let own = try key()
    let peer = try key()
    defer {
      EVP_PKEY_free(own)
      EVP_PKEY_free(peer)
    }
    var out = [UInt8](repeating: 0, count: length)
    var failed = false
    let stats = Measure.run(reps: reps, warmup: reps / 10) {
      guard let ctx = EVP_PKEY_CTX_new(own, nil) else {
        failed = true
        return
      }
      defer { EVP_PKEY_CTX_free(ctx) }
      var outLength = length
      if EVP_PKEY_derive_init(ctx) != 1 || EVP_PKEY_derive_set_peer_ex(ctx, peer, 0) != 1
        || EVP_PKEY_derive(ctx, &out, &outLength) != 1
      {
        failed = true
      }
    }
    if failed { throw Failure.library("EVP_PKEY_derive") }
    return stats
  }
}
