import MLSCodec

/// A supported cipher suite, ready to use. RFC 9420 §5.1.
///
/// Construction fails for any code other than the seven RFC suites, so holding a provider proves
/// the suite is usable; every operation then uses the suite's hash, AEAD and signature scheme.
public struct CipherSuiteProvider: Sendable {
  public let suite: CipherSuite
  public let hash: HashAlgorithm
  public let aead: AEADAlgorithm
  public let kem: KEMAlgorithm
  public let signatureScheme: SignatureScheme

  /// The provider for `suite`; throws `.unsupportedCipherSuite(raw)` for unknown or GREASE codes
  /// (RFC 9420 §13.5: GREASE values are never actually used).
  public init(_ suite: CipherSuite) throws(CryptoError) {
    self.suite = suite
    switch suite.rawValue {
    case 0x0001:
      (kem, aead, hash, signatureScheme) = (.dhkemX25519, .aes128GCM, .sha256, .ed25519)
    case 0x0002:
      (kem, aead, hash, signatureScheme) = (.dhkemP256, .aes128GCM, .sha256, .ecdsaP256SHA256)
    case 0x0003:
      (kem, aead, hash, signatureScheme) = (.dhkemX25519, .chaCha20Poly1305, .sha256, .ed25519)
    case 0x0004:
      (kem, aead, hash, signatureScheme) = (.dhkemX448, .aes256GCM, .sha512, .ed448)
    case 0x0005:
      (kem, aead, hash, signatureScheme) = (.dhkemP521, .aes256GCM, .sha512, .ecdsaP521SHA512)
    case 0x0006:
      (kem, aead, hash, signatureScheme) = (.dhkemX448, .chaCha20Poly1305, .sha512, .ed448)
    case 0x0007:
      (kem, aead, hash, signatureScheme) = (.dhkemP384, .aes256GCM, .sha384, .ecdsaP384SHA384)
    default:
      throw .unsupportedCipherSuite(suite.rawValue)
    }
  }

  /// Nh: the output size of the suite hash and of its KDF. RFC 9420 §5.1.
  public var hashLength: Int { hash.outputLength }
  /// Nk: the AEAD key size.
  public var aeadKeyLength: Int { aead.keyLength }
  /// Nn: the AEAD nonce size.
  public var aeadNonceLength: Int { aead.nonceLength }

  // MARK: - Hash, MAC, KDF (RFC 9420 §5.1)

  /// The suite hash (`Hash`), used for tree hashes, transcript hashes and references.
  public func hash(_ data: [UInt8]) throws(CryptoError) -> [UInt8] {
    try Digest.hash(hash, data)
  }

  /// `MAC(key, data)`: HMAC over the suite hash (membership tags, confirmation tags).
  public func mac(key: SecretBytes, data: [UInt8]) throws(CryptoError) -> [UInt8] {
    try HMAC.mac(hash, key: key, data: data)
  }

  /// `KDF.Extract(salt, ikm)`.
  public func extract(salt: SecretBytes, ikm: SecretBytes) throws(CryptoError) -> SecretBytes {
    try HKDF.extract(hash, salt: salt, ikm: ikm)
  }

  /// `KDF.Expand(prk, info, length)`.
  public func expand(prk: SecretBytes, info: [UInt8], length: Int) throws(CryptoError)
    -> SecretBytes
  {
    try HKDF.expand(hash, prk: prk, info: info, length: length)
  }

  /// RFC 9420 §5.1: KDFLabel { uint16 length; opaque label<V> = "MLS 1.0 " + Label; opaque context<V> }
  ///
  /// The label prefix binds every derived secret to this protocol version, and the encoded length
  /// makes outputs of different lengths independent.
  public func expandWithLabel(secret: SecretBytes, label: String, context: [UInt8], length: Int)
    throws(CryptoError) -> SecretBytes
  {
    let info = try Self.kdfLabel(label: label, context: context, length: length)
    return try expand(prk: secret, info: info, length: length)
  }

  /// Several `ExpandWithLabel`s of one secret, in order. RFC 9420 §5.1.
  ///
  /// The same outputs as one `expandWithLabel` per request, computed with HMAC keyed once
  /// (`HKDF.expand(_:prk:requests:)`): the secret tree splits a node into its two children and
  /// a leaf into its two ratchets this way (§9). The per-message derivations have their own
  /// array-free path (`deriveRatchetStep`, `deriveSenderDataKeys`).
  public func expandWithLabels(
    secret: SecretBytes, _ requests: [(label: String, context: [UInt8], length: Int)]
  ) throws(CryptoError) -> [SecretBytes] {
    try HKDF.expand(hash, prk: secret, requests: Self.kdfLabels(requests))
  }

  /// The KDFLabel info of each request, with its length.
  static func kdfLabels(
    _ requests: [(label: String, context: [UInt8], length: Int)]
  ) throws(CryptoError) -> [(info: [UInt8], length: Int)] {
    var infos: [(info: [UInt8], length: Int)] = []
    infos.reserveCapacity(requests.count)
    for request in requests {
      let info = try kdfLabel(
        label: request.label, context: request.context, length: request.length)
      infos.append((info, request.length))
    }
    return infos
  }

  /// `secret` keyed for HMAC under the suite hash once, for `deriveSenderDataKeys(key:ciphertext:)`.
  public func hmacKey(for secret: SecretBytes) throws(CryptoError) -> HMACKey {
    try HMACKey(hash, secret: secret)
  }

  /// The encoded KDFLabel of RFC 9420 §5.1 (`HKDF.writeKDFLabel`).
  static func kdfLabel(label: String, context: [UInt8], length: Int) throws(CryptoError)
    -> [UInt8]
  {
    let prefixed = labelPrefix + Array(label.utf8)
    let total = HKDF.kdfLabelCount(labelCount: prefixed.count, contextCount: context.count)
    return try withRawBytes(prefixed) { (labelBytes) throws(CryptoError) -> [UInt8] in
      try withRawBytes(context) { (contextBytes) throws(CryptoError) -> [UInt8] in
        try [UInt8](unsafeUninitializedCapacity: total) {
          (out, initialized) throws(CryptoError) in
          try HKDF.writeKDFLabel(
            length: length, label: labelBytes, context: contextBytes,
            into: UnsafeMutableRawBufferPointer(out))
          initialized = total
        }
      }
    }
  }

  /// RFC 9420 §5.1: DeriveSecret(Secret, Label) = ExpandWithLabel(Secret, Label, "", KDF.Nh).
  public func deriveSecret(secret: SecretBytes, label: String) throws(CryptoError) -> SecretBytes {
    try expandWithLabel(secret: secret, label: label, context: [], length: hashLength)
  }

  /// RFC 9420 §9: DeriveTreeSecret(Secret, Label, Generation, Length) = ExpandWithLabel(Secret, Label, uint32 Generation, Length)
  ///
  /// The secret tree's ratchets use it so each generation's key and nonce are distinct.
  public func deriveTreeSecret(secret: SecretBytes, label: String, generation: UInt32, length: Int)
    throws(CryptoError) -> SecretBytes
  {
    var context = TLSWriter(reservingCapacity: 4)
    context.write(generation)
    return try expandWithLabel(
      secret: secret, label: label, context: context.bytes, length: length)
  }

  /// RFC 9420 §5.2: RefHashInput { opaque label<V>; opaque value<V> } — label used AS GIVEN (no "MLS 1.0 " prefix)
  ///
  /// KeyPackageRef, ProposalRef and similar references hash a labelled encoding so that values
  /// of different kinds can never share a reference.
  public func refHash(label: String, value: [UInt8]) throws(CryptoError) -> [UInt8] {
    var writer = TLSWriter(reservingCapacity: 8 + label.utf8.count + value.count)
    do throws(TLSEncodingError) {
      try writer.writeOpaque(Array(label.utf8))
      try writer.writeOpaque(value)
    } catch {
      throw .invalidLength("RefHashInput")
    }
    return try hash(writer.bytes)
  }

  // MARK: - AEAD (RFC 9420 §5.1)

  /// `AEAD.Seal(key, nonce, aad, plaintext)`: ciphertext followed by the 16-byte tag.
  public func seal(key: SecretBytes, nonce: [UInt8], aad: [UInt8], plaintext: [UInt8])
    throws(CryptoError) -> [UInt8]
  {
    try AEAD.seal(aead, key: key, nonce: nonce, aad: aad, plaintext: plaintext)
  }

  /// `AEAD.Open(key, nonce, aad, ciphertext)`; any authentication failure throws
  /// `.authenticationFailed`.
  public func open(key: SecretBytes, nonce: [UInt8], aad: [UInt8], ciphertext: [UInt8])
    throws(CryptoError) -> [UInt8]
  {
    try AEAD.open(aead, key: key, nonce: nonce, aad: aad, ciphertext: ciphertext)
  }

  /// The "MLS 1.0 " prefix of KDF and signature labels. RFC 9420 §5.1, §5.1.2.
  static let labelPrefix: [UInt8] = Array("MLS 1.0 ".utf8)
}
