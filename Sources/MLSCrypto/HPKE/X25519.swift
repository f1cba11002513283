internal import CSodium

/// X25519 (RFC 7748 §5) through libsodium, for DHKEM(X25519) (RFC 9180 §7.1).
///
/// Why not OpenSSL: importing a raw X25519 private key into OpenSSL 3.0 computes its public key
/// through the provider layer (about 65 us here), and every derive builds an `EVP_PKEY_CTX`;
/// libsodium works on raw bytes (about 40 us for the public key, 47 us for a DH). The public key
/// of a private key is also cached beside the secret (`withDerivedBytes`), so a long-lived leaf
/// or init key pays for it once across all its decryptions.
enum X25519 {
  static let keyLength = 32

  /// `sodium_init` picks the fastest scalar multiplication for this CPU; idempotent.
  private static let ready: Bool = sodium_init() >= 0

  /// The public key X25519(sk, 9), computed once per secret.
  static func publicKey(_ privateKey: SecretBytes) throws(CryptoError) -> [UInt8] {
    guard ready else { throw .library("sodium_init") }
    guard privateKey.count == keyLength else {
      throw .invalidPrivateKey("private key must be \(keyLength) bytes")
    }
    return try privateKey.withDerivedBytes(count: keyLength, derive: base) {
      (publicKey) throws(CryptoError) -> [UInt8] in Array(publicKey)
    }
  }

  private static func base(
    _ scalar: UnsafeRawBufferPointer, _ out: UnsafeMutableRawBufferPointer
  ) throws(CryptoError) {
    guard let outBase = out.baseAddress?.assumingMemoryBound(to: UInt8.self),
      let scalarBase = scalar.baseAddress?.assumingMemoryBound(to: UInt8.self),
      crypto_scalarmult_curve25519_base(outBase, scalarBase) == 0
    else { throw .library("crypto_scalarmult_curve25519_base") }
  }

  /// X25519(sk, pk). libsodium refuses an all-zero output (a small-order peer) and so do we,
  /// as RFC 9180 §7.1.4 requires.
  static func dh(_ privateKey: SecretBytes, _ peer: [UInt8]) throws(CryptoError) -> SecretBytes {
    guard ready else { throw .library("sodium_init") }
    guard privateKey.count == keyLength else {
      throw .invalidPrivateKey("private key must be \(keyLength) bytes")
    }
    guard peer.count == keyLength else {
      throw .invalidPublicKey("public key must be \(keyLength) bytes")
    }
    var status: Int32 = -1
    let shared = SecretBytes(count: keyLength) { out in
      privateKey.withUnsafeBytes { scalar in
        peer.withUnsafeBufferPointer { point in
          guard let outBase = out.baseAddress?.assumingMemoryBound(to: UInt8.self),
            let scalarBase = scalar.baseAddress?.assumingMemoryBound(to: UInt8.self),
            let pointBase = point.baseAddress
          else { return }
          status = crypto_scalarmult_curve25519(outBase, scalarBase, pointBase)
        }
      }
    }
    let isZero = shared.withUnsafeBytes { raw in raw.reduce(UInt8(0)) { $0 | $1 } == 0 }
    guard status == 0, !isZero else {
      throw .invalidPublicKey("DH shared secret is all zero")
    }
    return shared
  }
}
