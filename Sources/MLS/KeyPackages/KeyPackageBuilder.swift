import MLSCodec
import MLSCrypto

/// Why a KeyPackage could not be generated. Never carries key material.
public enum KeyPackageGenerationError: Error, Equatable, Sendable {
  /// Key generation, signing or hashing failed.
  case crypto(CryptoError)
  /// not_before + lifetime does not fit in 64 bits.
  case lifetimeOverflow
  /// The capabilities do not list what the KeyPackage itself uses, so every receiver would
  /// reject it (RFC 9420 §7.2, §10); the value names the missing item.
  case capabilitiesIncomplete(String)
}

/// A freshly generated KeyPackage and the private keys only its owner holds. RFC 9420 §10.
///
/// Keep the bundle until the KeyPackage is used: the init key opens the Welcome (§12.4.3.1) and
/// the encryption key becomes the new member's leaf key.
public struct KeyPackageBundle: Sendable {
  public let keyPackage: KeyPackage
  /// KeyPackageRef (§5.2), which a Welcome uses to find the member's secrets.
  public let reference: [UInt8]
  /// Private half of `keyPackage.initKey`.
  public let initPrivateKey: SecretBytes
  /// Private half of `keyPackage.leafNode.encryptionKey`.
  public let encryptionPrivateKey: SecretBytes
}

/// Generates KeyPackages. RFC 9420 §10.
///
/// Each build draws fresh init and encryption keys (§10: init keys are unique per KeyPackage, and
/// init_key must differ from encryption_key) and signs the leaf and the package with the
/// member's long-term signature key.
public struct KeyPackageBuilder: Sendable {
  /// Twelve weeks, in seconds: long enough to sit on a delivery service, short enough to limit
  /// the exposure of an init key that was never used.
  public static let defaultLifetime: UInt64 = 12 * 7 * 24 * 3600
  /// One hour: not_before is backdated so a receiver whose clock runs a little behind still
  /// accepts the KeyPackage.
  public static let clockSkewAllowance: UInt64 = 3600

  public var cipherSuite: CipherSuite
  public var credential: Credential
  /// The member's signature private key; `leafNode.signatureKey` is its public half.
  public var signaturePrivateKey: SecretBytes
  /// not_after - not_before, in seconds.
  public var lifetime: UInt64
  public var capabilities: Capabilities
  /// `leaf_node.extensions`.
  public var leafExtensions: [Extension]
  /// `KeyPackage.extensions`.
  public var extensions: [Extension]
  public var clock: any MLSClock

  /// `capabilities` defaults to `defaultCapabilities(grease: true)`.
  public init(
    cipherSuite: CipherSuite, credential: Credential, signaturePrivateKey: SecretBytes,
    lifetime: UInt64 = KeyPackageBuilder.defaultLifetime, capabilities: Capabilities? = nil,
    leafExtensions: [Extension] = [], extensions: [Extension] = [],
    clock: any MLSClock = SystemClock()
  ) {
    self.cipherSuite = cipherSuite
    self.credential = credential
    self.signaturePrivateKey = signaturePrivateKey
    self.lifetime = lifetime
    self.capabilities = capabilities ?? Self.defaultCapabilities(grease: true)
    self.leafExtensions = leafExtensions
    self.extensions = extensions
    self.clock = clock
  }

  /// What this implementation supports. RFC 9420 §7.2.
  ///
  /// Versions and suites have no defaults and are all listed. Every extension and proposal type
  /// we implement is one of the RFC's defaults, which §7.2 forbids listing, so those lists hold
  /// only GREASE. Both credential types are supported. With `grease`, one random GREASE value
  /// (§13.5) is added to each list that has a GREASE range, so peers keep ignoring unknown values.
  public static func defaultCapabilities(grease: Bool = true) -> Capabilities {
    var capabilities = Capabilities(
      versions: [.mls10], cipherSuites: CipherSuite.all, extensions: [], proposals: [],
      credentials: [.basic, .x509])
    if grease {
      capabilities.cipherSuites.append(CipherSuite(rawValue: randomGREASE()))
      capabilities.extensions.append(ExtensionType(rawValue: randomGREASE()))
      capabilities.proposals.append(ProposalType(rawValue: randomGREASE()))
      capabilities.credentials.append(CredentialType(rawValue: randomGREASE()))
    }
    return capabilities
  }

  /// One of the fifteen GREASE values 0x0A0A, 0x1A1A, ... 0xEAEA. RFC 9420 §13.5.
  static func randomGREASE() -> UInt16 {
    UInt16(UInt8.random(in: 0...14)) * 0x1010 + 0x0A0A
  }

  /// A new KeyPackage with fresh keys, valid from an hour ago for `lifetime` seconds.
  public func build() throws(KeyPackageGenerationError) -> KeyPackageBundle {
    let notBefore = clock.now >= Self.clockSkewAllowance ? clock.now - Self.clockSkewAllowance : 0
    let (notAfter, overflow) = notBefore.addingReportingOverflow(lifetime)
    guard !overflow else { throw .lifetimeOverflow }
    try checkCapabilities()
    do throws(CryptoError) {
      let provider = try CipherSuiteProvider(cipherSuite)
      let initKey = try provider.generateKEMKeyPair()
      let encryption = try provider.generateKEMKeyPair()
      var leaf = LeafNode(
        encryptionKey: encryption.publicKey,
        signatureKey: try provider.signaturePublicKey(for: signaturePrivateKey),
        credential: credential, capabilities: capabilities,
        source: .keyPackage(Lifetime(notBefore: notBefore, notAfter: notAfter)),
        extensions: leafExtensions, signature: [])
      try leaf.signLeaf(privateKey: signaturePrivateKey, provider: provider)
      var keyPackage = KeyPackage(
        cipherSuite: cipherSuite, initKey: initKey.publicKey, leafNode: leaf,
        extensions: extensions, signature: [])
      try keyPackage.signKeyPackage(privateKey: signaturePrivateKey, provider: provider)
      return KeyPackageBundle(
        keyPackage: keyPackage, reference: try keyPackage.reference(provider: provider),
        initPrivateKey: initKey.privateKey, encryptionPrivateKey: encryption.privateKey)
    } catch {
      throw .crypto(error)
    }
  }

  /// Refuses to produce a KeyPackage its own capabilities contradict (RFC 9420 §7.2, §10).
  private func checkCapabilities() throws(KeyPackageGenerationError) {
    guard capabilities.versions.contains(.mls10) else {
      throw .capabilitiesIncomplete("version mls10")
    }
    guard capabilities.cipherSuites.contains(cipherSuite) else {
      throw .capabilitiesIncomplete("cipher suite \(cipherSuite.rawValue)")
    }
    guard capabilities.credentials.contains(credential.credentialType) else {
      throw .capabilitiesIncomplete("credential type \(credential.credentialType.rawValue)")
    }
    for item in leafExtensions + extensions
    where !LeafNodeRules.isDefault(item.extensionType)
      && !capabilities.extensions.contains(item.extensionType)
    {
      throw .capabilitiesIncomplete("extension type \(item.extensionType.rawValue)")
    }
  }
}
