import MLS
import MLSCrypto

extension MLSError {
  /// Building our own KeyPackage failed: a configuration problem or a primitive failure.
  public init(_ error: KeyPackageGenerationError) {
    switch error {
    case .crypto(let inner):
      self.init(inner)
    case .lifetimeOverflow:
      self = .invalidConfiguration("keyPackageLifetime overflows the lifetime field")
    case .capabilitiesIncomplete(let what):
      self = .invalidConfiguration("capabilities incomplete (\(what))")
    }
  }

  /// RFC 9420 §10.1: a received KeyPackage is unusable.
  public init(_ error: KeyPackageValidationError) {
    switch error {
    case .unsupportedVersion(let version):
      self = .invalidKeyPackage("protocol version \(version.rawValue) unsupported")
    case .versionMismatch(let expected, let actual):
      self = .invalidKeyPackage("version \(actual.rawValue), group uses \(expected.rawValue)")
    case .cipherSuiteMismatch(let expected, let actual):
      self = .invalidKeyPackage("cipher suite \(actual.rawValue), group uses \(expected.rawValue)")
    case .unsupportedCipherSuite(let suite):
      self = .unsupportedCipherSuite(suite.rawValue)
    case .signatureInvalid:
      self = .invalidKeyPackage("signature did not verify")
    case .initKeyEqualsEncryptionKey:
      self = .invalidKeyPackage("init key equals the leaf encryption key")
    case .extensionNotInCapabilities(let type):
      self = .invalidKeyPackage("extension \(type.rawValue) not in the leaf's capabilities")
    case .duplicateExtension(let type):
      self = .invalidKeyPackage("extension \(type.rawValue) appears twice")
    case .notAKeyPackage:
      self = .invalidKeyPackage("message does not carry a KeyPackage")
    case .messageVersionMismatch(let message, let keyPackage):
      self = .invalidKeyPackage(
        "KeyPackage version \(keyPackage.rawValue) in a version \(message.rawValue) message")
    case .leafNode(let inner):
      self.init(inner)
    }
  }

  /// RFC 9420 §7.3: a leaf node is unusable.
  public init(_ error: LeafNodeValidationError) {
    switch error {
    case .unsupportedCipherSuite(let suite):
      self = .unsupportedCipherSuite(suite.rawValue)
    case .credentialRejected(let inner):
      self.init(inner)
    default:
      self = .invalidLeafNode(Self.leafNodeRule(error))
    }
  }

  /// The rule a leaf node broke.
  private static func leafNodeRule(_ error: LeafNodeValidationError) -> String {
    switch error {
    case .wrongSource(let expected, let actual):
      "leaf node source \(actual), expected \(expected)"
    case .signatureInvalid:
      "signature did not verify"
    case .credentialTypeNotInCapabilities(let type):
      "own credential type \(type.rawValue) not in its capabilities"
    case .cipherSuiteNotInCapabilities(let suite):
      "group cipher suite \(suite.rawValue) not in its capabilities"
    case .versionNotInCapabilities(let version):
      "group version \(version.rawValue) not in its capabilities"
    case .missingRequiredExtension(let type):
      "required extension \(type.rawValue) not supported"
    case .missingRequiredProposal(let type):
      "required proposal \(type.rawValue) not supported"
    case .missingRequiredCredential(let type):
      "required credential type \(type.rawValue) not supported"
    case .credentialTypeUnsupportedByMembers(let type):
      "credential type \(type.rawValue) not supported by every member"
    case .memberCredentialTypeUnsupported(let type):
      "a member's credential type \(type.rawValue) not supported"
    case .extensionNotInCapabilities(let type):
      "extension \(type.rawValue) not in its capabilities"
    case .duplicateExtension(let type):
      "extension \(type.rawValue) appears twice"
    case .lifetimeNotYetValid(let notBefore, let now):
      "lifetime starts at \(notBefore), now is \(now)"
    case .lifetimeExpired(let notAfter, let now):
      "lifetime ended at \(notAfter), now is \(now)"
    case .lifetimeTooLong(let seconds):
      "lifetime of \(seconds) seconds is too long"
    case .encryptionKeyNotUpdated:
      "encryption key not updated"
    case .duplicateSignatureKey:
      "signature key already used in the group"
    case .duplicateEncryptionKey:
      "encryption key already used in the group"
    case .unsupportedCipherSuite(let suite):
      "cipher suite \(suite.rawValue) unsupported"
    case .credentialRejected:
      "credential rejected"
    }
  }
}
