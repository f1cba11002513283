internal import CSodium

/// Ed25519 (RFC 8032 §5.1) through libsodium, about three times faster than OpenSSL 3.0 here.
/// The MLS private key is the 32-byte seed. Signing needs libsodium's 64-byte expanded key, which
/// costs a scalar multiplication (as much as the signature): it is computed once per key and kept
/// in wiped storage beside the seed (`SecretBytes.withDerivedBytes`).
enum Ed25519 {
  static let seedLength = 32
  static let publicKeyLength = 32
  static let signatureLength = 64

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

  static func sign(seed: SecretBytes, message: [UInt8]) throws(CryptoError) -> [UInt8] {
    guard seed.count == seedLength else { throw .invalidPrivateKey("Ed25519 private key length") }
    return try seed.withDerivedBytes(count: 64, derive: expand) {
      (secretKey) throws(CryptoError) -> [UInt8] in
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
  }

  static func verify(publicKey: [UInt8], message: [UInt8], signature: [UInt8])
    throws(CryptoError)
  {
    guard ready else { throw .library("sodium_init") }
    guard publicKey.count == publicKeyLength else {
      throw .invalidPublicKey("Ed25519 public key length")
    }
    guard signature.count == signatureLength else { throw .invalidSignature }
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
