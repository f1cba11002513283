import MLSCrypto

/// Why the Authentication Service refused a credential. RFC 9420 §5.3.1.
///
/// Values name the rule, never key material.
public enum CredentialValidationError: Error, Equatable, Sendable {
  /// This service does not handle credentials of this type.
  case unsupportedCredentialType(CredentialType)
  /// The presented identity is not one the application accepts.
  case identityNotAllowed
  /// An X.509 credential with no certificate.
  case emptyCertificateChain
  /// The certificate chain failed to parse or verify, or its key is not the signature key.
  case certificate(X509Error)
  /// A replacement credential does not present an identity the application accepts as the
  /// successor of the old one (§5.3.1, Update and Commit).
  case notValidSuccessor
  /// An application-defined refusal; the text is for logs and must not hold secrets.
  case rejected(String)
}

/// What a validated credential presents: the identity the application matches against its
/// reference identifiers. RFC 9420 §5.3.1.
public struct AuthenticatedIdentity: Hashable, Sendable {
  public var credentialType: CredentialType
  /// For a basic credential its `identity`; for X.509 the DER-encoded subject name of the
  /// end-entity certificate.
  public var identity: [UInt8]

  public init(credentialType: CredentialType, identity: [UInt8]) {
    self.credentialType = credentialType
    self.identity = identity
  }
}

/// The Authentication Service: decides whether a credential legitimately binds its presented
/// identity to a signature key. RFC 9420 §5.3.1.
///
/// MLS calls it whenever a credential enters a group (KeyPackage, Add, Update, Commit path,
/// GroupInfo tree). The application supplies it because only the application knows which
/// identities it trusts.
public protocol AuthenticationService: Sendable {
  /// Accepts `credential` for `signatureKey` (the LeafNode's key) or throws why not.
  func validate(credential: Credential, signatureKey: [UInt8]) throws(CredentialValidationError)
    -> AuthenticatedIdentity

  /// The identity `credential` presents, without checking it (the old credential of a member
  /// may no longer validate today, yet its identity is what a successor is compared with).
  func presentedIdentity(of credential: Credential) throws(CredentialValidationError) -> [UInt8]

  /// Accepts `new` as the successor of the member's `old` credential (§5.3.1). The default
  /// requires the same credential type and identity.
  func validateSuccessor(_ new: AuthenticatedIdentity, replacing old: Credential)
    throws(CredentialValidationError)
}

extension AuthenticationService {
  public func validateSuccessor(_ new: AuthenticatedIdentity, replacing old: Credential)
    throws(CredentialValidationError)
  {
    guard old.credentialType == new.credentialType,
      try presentedIdentity(of: old) == new.identity
    else { throw .notValidSuccessor }
  }
}

/// Accepts basic credentials (RFC 9420 §5.3), optionally only for listed identities.
///
/// A basic credential proves nothing by itself: use it when identities are authenticated out of
/// band (for example, keys pinned by the application).
public struct BasicCredentialAuthenticator: AuthenticationService {
  /// When set, only these identities are accepted.
  public var allowedIdentities: Set<[UInt8]>?

  public init(allowedIdentities: Set<[UInt8]>? = nil) {
    self.allowedIdentities = allowedIdentities
  }

  public func validate(credential: Credential, signatureKey: [UInt8])
    throws(CredentialValidationError) -> AuthenticatedIdentity
  {
    let identity = try presentedIdentity(of: credential)
    if let allowedIdentities, !allowedIdentities.contains(identity) {
      throw .identityNotAllowed
    }
    return AuthenticatedIdentity(credentialType: .basic, identity: identity)
  }

  public func presentedIdentity(of credential: Credential) throws(CredentialValidationError)
    -> [UInt8]
  {
    guard case .basic(let identity) = credential else {
      throw .unsupportedCredentialType(credential.credentialType)
    }
    return identity
  }
}
