/// Why a cryptographic operation failed. Associated values name the operation or the rule,
/// never a key, secret or plaintext.
public enum CryptoError: Error, Equatable, Sendable {
  /// The suite code is not one of the seven RFC 9420 suites.
  case unsupportedCipherSuite(UInt16)
  /// A public key was malformed, of the wrong size, or not on the curve.
  case invalidPublicKey(String)
  /// A private key was malformed or of the wrong size.
  case invalidPrivateKey(String)
  /// A signature did not verify.
  case invalidSignature
  /// AEAD decryption failed: wrong key, nonce, associated data, or tampered ciphertext.
  case authenticationFailed
  /// An input or requested output had a length the algorithm does not allow.
  case invalidLength(String)
  /// HPKE DeriveKeyPair found no valid key within its attempts (RFC 9180 §7.1.3).
  case deriveKeyPairFailed
  /// An HPKE context's sequence number would overflow (RFC 9180 §5.2).
  case messageLimitReached
  /// An OpenSSL or libsodium call failed; the value names the call.
  case library(String)
}
