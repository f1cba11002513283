import MLS
import MLSCodec
import MLSCrypto

extension MLSHandle {
  /// A member's long-term identity: a BasicCredential naming it and its signature key pair.
  /// RFC 9420 §5.3: the credential binds the name to the signature key every leaf carries.
  public struct Identity: Sendable {
    /// The name in the credential (UTF-8 bytes of a BasicCredential's `identity`).
    public let name: String
    public let cipherSuite: CipherSuite
    /// The public half of the signature key, as it appears in leaf nodes.
    public let signaturePublicKey: [UInt8]
    let signaturePrivateKey: SecretBytes

    init(
      name: String, cipherSuite: CipherSuite, signaturePublicKey: [UInt8],
      signaturePrivateKey: SecretBytes
    ) {
      self.name = name
      self.cipherSuite = cipherSuite
      self.signaturePublicKey = signaturePublicKey
      self.signaturePrivateKey = signaturePrivateKey
    }

    /// The credential leaves of this identity carry.
    public var credential: Credential { .basic(identity: Array(name.utf8)) }

    /// A fresh identity with a new signature key pair of `cipherSuite`'s scheme.
    public static func generate(
      name: String, cipherSuite: CipherSuite = .x25519Aes128Sha256Ed25519
    ) throws(MLSError) -> Identity {
      guard !name.isEmpty else { throw .invalidConfiguration("identity name must not be empty") }
      do throws(CryptoError) {
        let provider = try CipherSuiteProvider(cipherSuite)
        let pair = try provider.generateSignatureKeyPair()
        return Identity(
          name: name, cipherSuite: cipherSuite, signaturePublicKey: pair.publicKey,
          signaturePrivateKey: pair.privateKey)
      } catch {
        throw MLSError(error)
      }
    }
  }

  /// A KeyPackage this client published and the private keys it needs to join with it. RFC 9420
  /// §10: the init key opens the Welcome, the leaf's encryption key becomes the member's leaf
  /// key. Keep it (e.g. `save(to:passphrase:)`) until the Welcome arrives; use it once.
  public struct PendingKeyPackage: Sendable {
    /// The KeyPackage as an MLSMessage: what to hand to the member that adds this client.
    public let message: [UInt8]
    /// `KeyPackageRef` (RFC 9420 §5.2): how a Welcome names this KeyPackage.
    public let reference: [UInt8]
    let keyPackage: KeyPackage
    let initPrivateKey: SecretBytes
    let encryptionPrivateKey: SecretBytes

    init(
      keyPackage: KeyPackage, reference: [UInt8], initPrivateKey: SecretBytes,
      encryptionPrivateKey: SecretBytes
    ) throws(MLSError) {
      self.keyPackage = keyPackage
      self.reference = reference
      self.initPrivateKey = initPrivateKey
      self.encryptionPrivateKey = encryptionPrivateKey
      message = try HandleCodec.encode(MLSMessage(body: .keyPackage(keyPackage)))
    }
  }

  /// A new KeyPackage for `identity`, valid for `config.keyPackageLifetime`. RFC 9420 §10.
  public static func generateKeyPackage(
    identity: Identity, config: MLSConfig = .default, clock: any MLSClock = SystemClock()
  ) throws(MLSError) -> PendingKeyPackage {
    try config.validate()
    let seconds = config.keyPackageLifetime.components.seconds
    // The leaf supports SpacePanda's admin list, so `AdminPolicy` groups can carry it (§7.2:
    // a GroupContext extension must be supported by every member).
    var capabilities = KeyPackageBuilder.defaultCapabilities(grease: true)
    capabilities.extensions.append(.spacePandaAdmins)
    let builder = KeyPackageBuilder(
      cipherSuite: identity.cipherSuite, credential: identity.credential,
      signaturePrivateKey: identity.signaturePrivateKey,
      lifetime: UInt64(clamping: max(1, seconds)), capabilities: capabilities, clock: clock)
    let bundle: KeyPackageBundle
    do {
      bundle = try builder.build()
    } catch {
      throw MLSError(error)
    }
    return try PendingKeyPackage(
      keyPackage: bundle.keyPackage, reference: bundle.reference,
      initPrivateKey: bundle.initPrivateKey, encryptionPrivateKey: bundle.encryptionPrivateKey)
  }
}

/// Encoding and decoding helpers that turn codec errors into `MLSError`.
enum HandleCodec {
  static func encode<T: TLSEncodable>(_ value: T) throws(MLSError) -> [UInt8] {
    do {
      return try value.tlsSerialized()
    } catch {
      throw MLSError(wrapping: error)
    }
  }

  static func decode<T: TLSDecodable>(_ type: T.Type, _ bytes: [UInt8]) throws(MLSError) -> T {
    do {
      return try T(tlsSerialized: bytes)
    } catch {
      throw MLSError(wrapping: error)
    }
  }

  /// Runs a group operation, mapping its error.
  static func group<T>(_ body: () throws(GroupError) -> T) throws(MLSError) -> T {
    do {
      return try body()
    } catch {
      throw MLSError(error)
    }
  }

  static func sha256(_ bytes: [UInt8]) throws(MLSError) -> [UInt8] {
    do throws(CryptoError) {
      return try Digest.hash(.sha256, bytes)
    } catch {
      throw MLSError(error)
    }
  }

  static func random(_ count: Int) throws(MLSError) -> [UInt8] {
    do throws(CryptoError) {
      return try SecureRandom.bytes(count)
    } catch {
      throw MLSError(error)
    }
  }
}
