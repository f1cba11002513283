import MLS
import MLSCodec
import MLSCrypto

/// Conversions from the lower layers' typed errors. Each lower error already carries only rule
/// names and public numbers, so the mapping keeps that information and never adds secrets.
extension MLSError {
  /// RFC 9420 §5: a failed AEAD open is tampering or a wrong key (the product's `CryptoError`);
  /// a failed signature means the claimed sender did not sign (the product's `Unauthorized`).
  public init(_ error: CryptoError) {
    switch error {
    case .unsupportedCipherSuite(let code):
      self = .unsupportedCipherSuite(code)
    case .invalidPublicKey(let what):
      self = .cryptoError("invalid public key (\(what))")
    case .invalidPrivateKey(let what):
      self = .cryptoError("invalid private key (\(what))")
    case .invalidSignature:
      self = .unauthorized("signature did not verify")
    case .authenticationFailed:
      self = .cryptoError("AEAD authentication failed")
    case .invalidLength(let what):
      self = .cryptoError("invalid length (\(what))")
    case .deriveKeyPairFailed:
      self = .cryptoError("HPKE DeriveKeyPair found no key")
    case .messageLimitReached:
      self = .cryptoError("HPKE context message limit reached")
    case .library(let call):
      self = .cryptoError("library call failed (\(call))")
    }
  }

  /// RFC 9420 §2.1: any syntax error in received bytes is a malformed message.
  public init(_ error: TLSDecodingError) {
    switch error {
    case .truncated(let needed, let remaining):
      self = .malformedMessage("truncated: needed \(needed) bytes, \(remaining) remain")
    case .lengthExceedsInput(let declared, let remaining):
      self = .malformedMessage("length \(declared) exceeds the \(remaining) bytes remaining")
    case .nonMinimalVarint:
      self = .malformedMessage("non-minimal variable-length integer")
    case .invalidVarintPrefix:
      self = .malformedMessage("invalid variable-length integer prefix")
    case .trailingBytes(let count):
      self = .malformedMessage("\(count) trailing bytes")
    case .invalidValue(let field):
      self = .malformedMessage("invalid value for \(field)")
    case .unknownEnumValue(let type, let value):
      self = .malformedMessage("unknown \(type) value \(value)")
    }
  }

  /// Encoding fails only when a value outgrows its length prefix.
  public init(_ error: TLSEncodingError) {
    switch error {
    case .valueTooLarge(let size):
      self = .encodingFailed("value of \(size) bytes exceeds its length prefix")
    }
  }

  /// RFC 9420 §9.2: a consumed or deleted generation cannot be decrypted again. The receiver
  /// cannot tell a replay from a message whose key it already deleted, so both are a replay.
  public init(_ error: SecretTreeError) {
    switch error {
    case .crypto(let inner):
      self.init(inner)
    case .emptyTree:
      self = .corruptedState("secret tree has no leaves")
    case .leafOutOfRange(let leaf, let leafCount):
      self = .malformedMessage("sender leaf \(leaf) outside a tree of \(leafCount) leaves")
    case .generationUnavailable:
      self = .replayDetected
    case .generationTooFarAhead(let generation, let next, let maximumDistance):
      self = .malformedMessage(
        "generation \(generation) is more than \(maximumDistance) ahead of \(next)")
    case .ratchetExhausted:
      self = .cryptoError("hash ratchet exhausted")
    }
  }

  /// RFC 9420 §8: key schedule failures. A confirmation tag mismatch means the commit does not
  /// lead to the epoch its sender claims (§12.4.2).
  public init(_ error: KeyScheduleError) {
    switch error {
    case .crypto(let inner):
      self.init(inner)
    case .encodingFailed(let structure):
      self = .encodingFailed(structure)
    case .invalidSecretLength(let name, let expected, let actual):
      self = .cryptoError("\(name) has \(actual) bytes, expected \(expected)")
    case .tooManyPSKs(let count):
      self = .invalidCommit("\(count) pre-shared keys exceed the limit")
    case .invalidConfirmationTag:
      self = .invalidCommit("confirmation tag does not match")
    }
  }

  /// RFC 9420 §6, §7.2: structural rules of framed messages.
  public init(_ error: MessageError) {
    switch error {
    case .missingLeafNodeContext:
      self = .malformedMessage("leaf node signature needs the group ID and leaf index")
    case .missingGroupContext:
      self = .malformedMessage("framed content signature needs the group context")
    case .membershipTagMismatch(let senderIsMember):
      self = .malformedMessage(
        senderIsMember
          ? "member PublicMessage without membership tag"
          : "non-member PublicMessage with membership tag")
    case .confirmationTagMismatch(let isCommit):
      self = .malformedMessage(
        isCommit ? "commit without confirmation tag" : "confirmation tag on a non-commit")
    case .nonZeroPadding:
      self = .malformedMessage("non-zero padding")
    case .invalidField(let field):
      self = .malformedMessage("invalid \(field)")
    }
  }

  /// Maps any error thrown by a lower layer; unknown error types are reported by type name
  /// only, because their payload could hold anything.
  public init(wrapping error: any Error) {
    switch error {
    case let error as MLSError: self = error
    case let error as CryptoError: self.init(error)
    case let error as TLSDecodingError: self.init(error)
    case let error as TLSEncodingError: self.init(error)
    case let error as SecretTreeError: self.init(error)
    case let error as KeyScheduleError: self.init(error)
    case let error as MessageError: self.init(error)
    case let error as FramingError: self.init(error)
    case let error as CredentialValidationError: self.init(error)
    case let error as X509Error: self.init(error)
    case let error as KeyPackageGenerationError: self.init(error)
    case let error as KeyPackageValidationError: self.init(error)
    case let error as LeafNodeValidationError: self.init(error)
    case let error as RatchetTreeError: self.init(error)
    case let error as TreeValidationError: self.init(error)
    case let error as TreeKEMError: self.init(error)
    default: self = .internalError("unexpected \(String(describing: type(of: error)))")
    }
  }
}
