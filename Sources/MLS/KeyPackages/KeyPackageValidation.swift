import MLSCodec
import MLSCrypto

/// A rule of RFC 9420 §10 and §10.1 (KeyPackage validation) that a KeyPackage broke.
public enum KeyPackageValidationError: Error, Equatable, Sendable {
  /// The version is not mls10, the only version this implementation speaks.
  case unsupportedVersion(ProtocolVersion)
  /// The version differs from the group's (§10.1).
  case versionMismatch(expected: ProtocolVersion, actual: ProtocolVersion)
  /// The cipher suite differs from the group's (§10.1).
  case cipherSuiteMismatch(expected: CipherSuite, actual: CipherSuite)
  /// The cipher suite is unknown to this implementation.
  case unsupportedCipherSuite(CipherSuite)
  /// The signature over KeyPackageTBS does not verify with the leaf's signature key (§10).
  case signatureInvalid
  /// init_key equals leaf_node.encryption_key (§10.1).
  case initKeyEqualsEncryptionKey
  /// A non-default extension of the KeyPackage is not in the leaf's capabilities (§10).
  case extensionNotInCapabilities(ExtensionType)
  /// The KeyPackage's extensions list the same type twice (§13).
  case duplicateExtension(ExtensionType)
  /// The MLSMessage does not carry a KeyPackage.
  case notAKeyPackage
  /// The KeyPackage's version differs from that of the MLSMessage carrying it (§10).
  case messageVersionMismatch(message: ProtocolVersion, keyPackage: ProtocolVersion)
  /// The leaf node broke a rule of §7.3 (including its source, which must be key_package).
  case leafNode(LeafNodeValidationError)
}

/// A KeyPackage that passed every rule of RFC 9420 §10.1. Only `KeyPackageValidator` creates
/// one, so an Add cannot carry an unchecked KeyPackage into group state.
public struct ValidatedKeyPackage: Hashable, Sendable {
  public let keyPackage: KeyPackage
  /// KeyPackageRef (§5.2).
  public let reference: [UInt8]
  /// What the Authentication Service accepted for the leaf's credential.
  public let identity: AuthenticatedIdentity

  init(keyPackage: KeyPackage, reference: [UInt8], identity: AuthenticatedIdentity) {
    self.keyPackage = keyPackage
    self.reference = reference
    self.identity = identity
  }
}

/// Validates KeyPackages before they are used to add a member. RFC 9420 §10.1.
public struct KeyPackageValidator: Sendable {
  public var leafValidator: LeafNodeValidator

  public init(
    authenticationService: any AuthenticationService, clock: any MLSClock = SystemClock(),
    options: LeafNodeValidationOptions = LeafNodeValidationOptions()
  ) {
    leafValidator = LeafNodeValidator(
      authenticationService: authenticationService, clock: clock, options: options)
  }

  /// Checks a KeyPackage received in an MLSMessage: the versions of both must agree (§10), then
  /// every rule of `validate(_:in:)`.
  public func validate(message: MLSMessage, in context: LeafNodeValidationContext)
    throws(KeyPackageValidationError) -> ValidatedKeyPackage
  {
    guard case .keyPackage(let keyPackage) = message.body else { throw .notAKeyPackage }
    guard keyPackage.version == message.version else {
      throw .messageVersionMismatch(message: message.version, keyPackage: keyPackage.version)
    }
    return try validate(keyPackage, in: context)
  }

  /// Checks `keyPackage` against the group described by `context`.
  public func validate(_ keyPackage: KeyPackage, in context: LeafNodeValidationContext)
    throws(KeyPackageValidationError) -> ValidatedKeyPackage
  {
    try validate(keyPackage, in: context, precheck: nil)
  }

  /// The parts of §10.1 validation that depend on the KeyPackage alone: both signatures and the
  /// reference. A commit adding many members computes them on both cores first (§12.2), then
  /// runs the rules that depend on the tree in proposal order.
  struct Precheck: Sendable {
    /// The KeyPackageTBS signature verifies with the leaf's signature key (§10).
    let signatureValid: Bool
    /// The leaf's LeafNodeTBS signature verifies (§7.2), as a key_package leaf of `groupID`.
    let leafSignatureValid: Bool
    /// KeyPackageRef (§5.2), nil when it could not be computed.
    let reference: [UInt8]?
  }

  /// Computes `Precheck` for a KeyPackage of a group with `groupID`; never throws, the rules
  /// report failures when `validate(_:in:precheck:)` reaches them.
  static func precheck(_ keyPackage: KeyPackage, groupID: [UInt8]) -> Precheck {
    guard let provider = try? CipherSuiteProvider(keyPackage.cipherSuite) else {
      return Precheck(signatureValid: false, leafSignatureValid: false, reference: nil)
    }
    let signatureValid: Bool
    do {
      try keyPackage.verifyKeyPackageSignature(provider: provider)
      signatureValid = true
    } catch {
      signatureValid = false
    }
    let leafValid = LeafNodeValidator.signatureIsValid(
      keyPackage.leafNode, as: .keyPackage, groupID: groupID, provider: provider)
    return Precheck(
      signatureValid: signatureValid, leafSignatureValid: leafValid,
      reference: try? keyPackage.reference(provider: provider))
  }

  /// `validate(_:in:)`, with the signatures and reference from `precheck` when given (made for
  /// this KeyPackage and `context.groupID`, with the group's cipher suite).
  func validate(
    _ keyPackage: KeyPackage, in context: LeafNodeValidationContext, precheck: Precheck?
  ) throws(KeyPackageValidationError) -> ValidatedKeyPackage {
    guard keyPackage.version == .mls10 else { throw .unsupportedVersion(keyPackage.version) }
    guard keyPackage.version == context.version else {
      throw .versionMismatch(expected: context.version, actual: keyPackage.version)
    }
    guard keyPackage.cipherSuite == context.cipherSuite else {
      throw .cipherSuiteMismatch(expected: context.cipherSuite, actual: keyPackage.cipherSuite)
    }
    let provider: CipherSuiteProvider
    do {
      provider = try CipherSuiteProvider(keyPackage.cipherSuite)
    } catch {
      throw .unsupportedCipherSuite(keyPackage.cipherSuite)
    }
    guard keyPackage.initKey != keyPackage.leafNode.encryptionKey else {
      throw .initKeyEqualsEncryptionKey
    }
    let extensions = LeafNodeRules.checkExtensions(
      keyPackage.extensions, listedIn: keyPackage.leafNode.capabilities)
    if let duplicate = extensions.duplicate { throw .duplicateExtension(duplicate) }
    if let unlisted = extensions.unlisted { throw .extensionNotInCapabilities(unlisted) }
    if let precheck {
      guard precheck.signatureValid else { throw .signatureInvalid }
    } else {
      do {
        try keyPackage.verifyKeyPackageSignature(provider: provider)
      } catch {
        throw .signatureInvalid
      }
    }
    let leaf: ValidatedLeafNode
    do {
      let signature: LeafNodeValidator.SignatureCheck =
        precheck.map { .verified(valid: $0.leafSignatureValid) } ?? .verify
      leaf = try leafValidator.validate(
        keyPackage.leafNode, as: .keyPackage, in: context, signature: signature)
    } catch {
      throw .leafNode(error)
    }
    let reference: [UInt8]
    if let known = precheck?.reference {
      reference = known
    } else {
      do {
        reference = try keyPackage.reference(provider: provider)
      } catch {
        throw .unsupportedCipherSuite(keyPackage.cipherSuite)
      }
    }
    return ValidatedKeyPackage(
      keyPackage: keyPackage, reference: reference, identity: leaf.identity)
  }
}
