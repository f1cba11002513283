internal import COpenSSL

/// Ed448 (RFC 8032 §5.2, pure, empty context) through OpenSSL EVP. Keys are the raw 57-byte
/// encodings of RFC 8032; the signature is 114 bytes.
enum Ed448 {
  static let keyLength = 57
  static let signatureLength = 114

  static func generatePrivateKey() throws(CryptoError) -> SecretBytes {
    try SecureRandom.secret(keyLength)
  }

  static func publicKey(privateKey: SecretBytes) throws(CryptoError) -> [UInt8] {
    let key = try importPrivate(privateKey)
    return try [UInt8](unsafeUninitializedCapacity: keyLength) {
      (out, initialized) throws(CryptoError) in
      var length = keyLength
      guard EVP_PKEY_get_raw_public_key(key.pointer, out.baseAddress, &length) == 1,
        length == keyLength
      else { throw openSSLFailure("EVP_PKEY_get_raw_public_key") }
      initialized = keyLength
    }
  }

  static func sign(privateKey: SecretBytes, message: [UInt8]) throws(CryptoError) -> [UInt8] {
    let key = try importPrivate(privateKey)
    return try key.sign(digestName: nil, message: message)
  }

  static func verify(publicKey: [UInt8], message: [UInt8], signature: [UInt8])
    throws(CryptoError)
  {
    guard publicKey.count == keyLength else { throw .invalidPublicKey("Ed448 public key length") }
    guard signature.count == signatureLength else { throw .invalidSignature }
    let imported = publicKey.withUnsafeBufferPointer { bytes in
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED448, nil, bytes.baseAddress, bytes.count)
    }
    guard let imported else {
      ERR_clear_error()
      throw .invalidPublicKey("Ed448 public key")
    }
    let key = PKey(imported)
    guard try key.verify(digestName: nil, message: message, signature: signature) else {
      throw .invalidSignature
    }
  }

  private static func importPrivate(_ privateKey: SecretBytes) throws(CryptoError) -> PKey {
    guard privateKey.count == keyLength else {
      throw .invalidPrivateKey("Ed448 private key length")
    }
    let imported = privateKey.withUnsafeBytes { bytes in
      EVP_PKEY_new_raw_private_key(
        EVP_PKEY_ED448, nil, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count)
    }
    guard let imported else { throw openSSLFailure("EVP_PKEY_new_raw_private_key") }
    return PKey(imported)
  }
}
