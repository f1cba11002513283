import MLSCodec

/// HPKE under an MLS cipher suite: the suite's KEM, its hash as the KDF, its AEAD. RFC 9420 §5.1.
extension CipherSuiteProvider {
  /// The suite's HPKE instance.
  public var hpke: HPKE { HPKE(kem: kem, kdf: hash, aead: .aead(aead)) }

  /// A fresh HPKE key pair (leaf encryption keys, init keys). RFC 9420 §5.1.
  public func generateKEMKeyPair() throws(CryptoError) -> (
    privateKey: SecretBytes, publicKey: [UInt8]
  ) {
    try hpke.generateKeyPair()
  }

  /// DeriveKeyPair(ikm), used for path secrets' node keys. RFC 9420 §5.1, RFC 9180 §7.1.3.
  public func deriveKeyPair(ikm: SecretBytes) throws(CryptoError) -> (
    privateKey: SecretBytes, publicKey: [UInt8]
  ) {
    try hpke.deriveKeyPair(ikm: ikm)
  }

  /// The HPKE public key of a private key, to check a key pair's halves match.
  public func kemPublicKey(for privateKey: SecretBytes) throws(CryptoError) -> [UInt8] {
    try hpke.publicKey(for: privateKey)
  }

  /// EncryptWithLabel(PublicKey, Label, Context, Plaintext): HPKE base-mode single-shot seal
  /// with info = EncryptContext and empty aad, binding each ciphertext to its purpose.
  /// RFC 9420 §5.1.3.
  public func encryptWithLabel(
    publicKey: [UInt8], label: String, context: [UInt8], plaintext: [UInt8]
  ) throws(CryptoError) -> (kemOutput: [UInt8], ciphertext: [UInt8]) {
    try encryptWithLabel(
      publicKey: publicKey, prepared: prepareEncryptContext(label: label, context: context),
      plaintext: plaintext)
  }

  /// An EncryptContext hashed once, for many `encryptWithLabel(publicKey:prepared:plaintext:)`
  /// calls with the same label and context (a Welcome's secrets, one per new member).
  public struct PreparedEncryptContext: Sendable {
    let infoHash: HPKE.InfoHash
  }

  /// Prepares EncryptContext(label, context) for repeated EncryptWithLabel. RFC 9420 §5.1.3.
  public func prepareEncryptContext(
    label: String, context: [UInt8]
  ) throws(CryptoError) -> PreparedEncryptContext {
    let parts = try Self.encryptContextParts(label: label, context: context)
    return PreparedEncryptContext(infoHash: try hpke.infoHash(parts: parts))
  }

  /// EncryptContext(label, context) hashed for EncryptWithLabel as the context's bytes arrive,
  /// its length known in advance (the length prefix comes first). RFC 9420 §5.1.3.
  ///
  /// A Welcome's context is the encrypted GroupInfo (§12.4.3.1): with it the ciphertext is
  /// hashed while the GroupInfo's signature is still being computed. One thread at a time.
  public final class EncryptContextStream: @unchecked Sendable {
    private let hasher: HPKE.InfoHasher
    private let expected: Int
    private var received = 0

    init(hasher: HPKE.InfoHasher, expected: Int) {
      self.hasher = hasher
      self.expected = expected
    }

    /// Hashes the next bytes of the context.
    public func update(_ bytes: UnsafeRawBufferPointer) throws(CryptoError) {
      guard bytes.count <= expected - received else {
        throw .invalidLength("EncryptContext context longer than announced")
      }
      received += bytes.count
      try hasher.update(bytes)
    }

    /// Hashes the next bytes of the context (an array).
    public func update(_ bytes: [UInt8]) throws(CryptoError) {
      try withRawBytes(bytes) { (raw) throws(CryptoError) in try update(raw) }
    }

    /// The prepared context, once exactly the announced number of bytes was fed.
    public func finish() throws(CryptoError) -> PreparedEncryptContext {
      guard received == expected else {
        throw .invalidLength("EncryptContext context shorter than announced")
      }
      return PreparedEncryptContext(infoHash: try hasher.finish())
    }
  }

  /// Starts EncryptContext(label, context) for a context of `contextLength` bytes that will be
  /// fed in pieces. RFC 9420 §5.1.3.
  public func streamEncryptContext(
    label: String, contextLength: Int
  ) throws(CryptoError) -> EncryptContextStream {
    let hasher = try hpke.infoHasher()
    try hasher.update(Self.encryptContextHeader(label: label, contextLength: contextLength))
    return EncryptContextStream(hasher: hasher, expected: contextLength)
  }

  /// EncryptWithLabel with a prepared EncryptContext: the same output as
  /// `encryptWithLabel(publicKey:label:context:plaintext:)`. RFC 9420 §5.1.3.
  public func encryptWithLabel(
    publicKey: [UInt8], prepared: PreparedEncryptContext, plaintext: [UInt8]
  ) throws(CryptoError) -> (kemOutput: [UInt8], ciphertext: [UInt8]) {
    let sealed = try hpke.seal(
      recipientPublicKey: publicKey, infoHash: prepared.infoHash, aad: [], plaintext: plaintext)
    return (sealed.enc, sealed.ciphertext)
  }

  /// DecryptWithLabel(PrivateKey, Label, Context, KEMOutput, Ciphertext). RFC 9420 §5.1.3.
  public func decryptWithLabel(
    privateKey: SecretBytes, label: String, context: [UInt8], kemOutput: [UInt8],
    ciphertext: [UInt8]
  ) throws(CryptoError) -> [UInt8] {
    let parts = try Self.encryptContextParts(label: label, context: context)
    var receiver = try hpke.setupReceiver(
      enc: kemOutput, recipientPrivateKey: privateKey, infoHash: hpke.infoHash(parts: parts))
    return try receiver.open(aad: [], ciphertext: ciphertext)
  }

  /// EncryptContext as two parts, the header (label and the context's length) and the context
  /// itself, so a large context (a Welcome's encrypted GroupInfo) is hashed without a copy.
  static func encryptContextParts(
    label: String, context: [UInt8]
  ) throws(CryptoError) -> [[UInt8]] {
    [try encryptContextHeader(label: label, contextLength: context.count), context]
  }

  /// EncryptContext up to its context's bytes: the label and the context's length prefix.
  static func encryptContextHeader(label: String, contextLength: Int) throws(CryptoError)
    -> [UInt8]
  {
    var writer = TLSWriter()
    do {
      try writer.writeOpaque(Array("MLS 1.0 \(label)".utf8))
      try writer.writeVarint(contextLength)
    } catch {
      throw .invalidLength("EncryptContext field too long for a varint")
    }
    return writer.bytes
  }

  /// EncryptContext { opaque label<V> = "MLS 1.0 " + Label; opaque context<V>; }. RFC 9420 §5.1.3.
  static func encryptContext(label: String, context: [UInt8]) throws(CryptoError) -> [UInt8] {
    var writer = TLSWriter()
    do {
      try writer.writeOpaque(Array("MLS 1.0 \(label)".utf8))
      try writer.writeOpaque(context)
    } catch {
      throw .invalidLength("EncryptContext field too long for a varint")
    }
    return writer.bytes
  }
}
