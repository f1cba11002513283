/// Signing and verification for the MLS signature schemes (RFC 9420 §5.1.2), on raw messages.
/// Protocol code signs through `CipherSuiteProvider.signWithLabel`; this layer is for tests
/// against the schemes' own standards (RFC 8032, FIPS 186).
///
/// Key formats are those of MLS: Ed25519 and Ed448 private keys are the RFC 8032 secret
/// (32 or 57 bytes), ECDSA private keys the big-endian scalar and public keys the uncompressed
/// SEC1 point; ECDSA signatures are DER-encoded.
public enum Signature {
  /// A fresh key pair.
  public static func generateKeyPair(_ scheme: SignatureScheme) throws(CryptoError)
    -> (privateKey: SecretBytes, publicKey: [UInt8])
  {
    let privateKey: SecretBytes
    switch scheme {
    case .ed25519: privateKey = try Ed25519.generateSeed()
    case .ed448: privateKey = try Ed448.generatePrivateKey()
    case .ecdsaP256SHA256: privateKey = try ECDSA.generatePrivateKey(.p256)
    case .ecdsaP384SHA384: privateKey = try ECDSA.generatePrivateKey(.p384)
    case .ecdsaP521SHA512: privateKey = try ECDSA.generatePrivateKey(.p521)
    }
    return (privateKey, try publicKey(scheme, for: privateKey))
  }

  /// The public key of `privateKey`; a key of the wrong size or out of range throws
  /// `.invalidPrivateKey`.
  public static func publicKey(_ scheme: SignatureScheme, for privateKey: SecretBytes)
    throws(CryptoError) -> [UInt8]
  {
    switch scheme {
    case .ed25519: try Ed25519.publicKey(seed: privateKey)
    case .ed448: try Ed448.publicKey(privateKey: privateKey)
    case .ecdsaP256SHA256: try ECDSA.publicKey(.p256, privateKey: privateKey)
    case .ecdsaP384SHA384: try ECDSA.publicKey(.p384, privateKey: privateKey)
    case .ecdsaP521SHA512: try ECDSA.publicKey(.p521, privateKey: privateKey)
    }
  }

  /// Signs `message` itself (EdDSA is deterministic; ECDSA uses a random nonce).
  public static func sign(_ scheme: SignatureScheme, privateKey: SecretBytes, message: [UInt8])
    throws(CryptoError) -> [UInt8]
  {
    switch scheme {
    case .ed25519: try Ed25519.sign(seed: privateKey, message: message)
    case .ed448: try Ed448.sign(privateKey: privateKey, message: message)
    case .ecdsaP256SHA256: try ECDSA.sign(.p256, privateKey: privateKey, message: message)
    case .ecdsaP384SHA384: try ECDSA.sign(.p384, privateKey: privateKey, message: message)
    case .ecdsaP521SHA512: try ECDSA.sign(.p521, privateKey: privateKey, message: message)
    }
  }

  /// Returns normally when `signature` is valid over `message`; throws `.invalidSignature`, or
  /// `.invalidPublicKey` for a malformed key.
  public static func verify(
    _ scheme: SignatureScheme, publicKey: [UInt8], message: [UInt8], signature: [UInt8]
  ) throws(CryptoError) {
    switch scheme {
    case .ed25519:
      try Ed25519.verify(publicKey: publicKey, message: message, signature: signature)
    case .ed448:
      try Ed448.verify(publicKey: publicKey, message: message, signature: signature)
    case .ecdsaP256SHA256:
      try ECDSA.verify(.p256, publicKey: publicKey, message: message, signature: signature)
    case .ecdsaP384SHA384:
      try ECDSA.verify(.p384, publicKey: publicKey, message: message, signature: signature)
    case .ecdsaP521SHA512:
      try ECDSA.verify(.p521, publicKey: publicKey, message: message, signature: signature)
    }
  }
}

extension SignatureScheme {
  /// The length of every signature of the scheme when it is fixed: EdDSA (RFC 8032 §5.1.6,
  /// §5.2.6: 64 and 114 bytes); nil for ECDSA, whose DER encoding varies. A Welcome whose
  /// GroupInfo signature has a known length can be encrypted and hashed before the signature
  /// exists (RFC 9420 §12.4.3.1).
  public var fixedSignatureLength: Int? {
    switch self {
    case .ed25519: Ed25519.signatureLength
    case .ed448: Ed448.signatureLength
    case .ecdsaP256SHA256, .ecdsaP384SHA384, .ecdsaP521SHA512: nil
    }
  }
}
