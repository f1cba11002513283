import MLSCodec

extension CipherSuiteProvider {
  /// A fresh signature key pair of the suite's scheme (for a LeafNode's signature_key).
  public func generateSignatureKeyPair() throws(CryptoError)
    -> (privateKey: SecretBytes, publicKey: [UInt8])
  {
    try Signature.generateKeyPair(signatureScheme)
  }

  /// The public key belonging to `privateKey` under the suite's scheme.
  public func signaturePublicKey(for privateKey: SecretBytes) throws(CryptoError) -> [UInt8] {
    try Signature.publicKey(signatureScheme, for: privateKey)
  }

  /// RFC 9420 §5.1.2: SignContent { opaque label<V> = "MLS 1.0 " + Label; opaque content<V> }
  ///
  /// The label separates signatures over different structures, so one can never be replayed
  /// as another.
  public func signWithLabel(privateKey: SecretBytes, label: String, content: [UInt8])
    throws(CryptoError) -> [UInt8]
  {
    let message = try Self.signContent(label: label, content: content)
    return try Signature.sign(signatureScheme, privateKey: privateKey, message: message)
  }

  /// RFC 9420 §5.1.2: VerifyWithLabel. Throws `.invalidSignature`, or `.invalidPublicKey` for a
  /// key that is malformed or not of this suite's scheme.
  public func verifyWithLabel(
    publicKey: [UInt8], label: String, content: [UInt8], signature: [UInt8]
  ) throws(CryptoError) {
    let message = try Self.signContent(label: label, content: content)
    try Signature.verify(
      signatureScheme, publicKey: publicKey, message: message, signature: signature)
  }

  static func signContent(label: String, content: [UInt8]) throws(CryptoError) -> [UInt8] {
    var writer = TLSWriter(reservingCapacity: 16 + label.utf8.count + content.count)
    do throws(TLSEncodingError) {
      try writer.writeOpaque(labelPrefix + Array(label.utf8))
      try writer.writeOpaque(content)
    } catch {
      throw .invalidLength("SignContent")
    }
    return writer.bytes
  }
}
