import MLSCrypto

/// Accepts X.509 credentials whose chain leads to one of the application's trust anchors at the
/// clock's time and whose end-entity key is the leaf's signature key. RFC 9420 §5.3, §5.3.1.
///
/// The presented identity is the end-entity subject name (DER). Applications that match
/// subjectAltName values against reference identifiers wrap this service and add that check.
public struct X509Authenticator: AuthenticationService {
  public var verifier: X509ChainVerifier
  public var clock: any MLSClock

  /// Throws `.noTrustAnchors` or `.malformedTrustAnchor` for unusable anchors.
  public init(trustAnchors: [[UInt8]], clock: any MLSClock = SystemClock()) throws(X509Error) {
    verifier = try X509ChainVerifier(trustAnchors: trustAnchors)
    self.clock = clock
  }

  public func validate(credential: Credential, signatureKey: [UInt8])
    throws(CredentialValidationError) -> AuthenticatedIdentity
  {
    let chain = try certificates(of: credential)
    do {
      let verified = try verifier.verify(
        chain: chain, at: clock.now, signatureKey: signatureKey)
      return AuthenticatedIdentity(credentialType: .x509, identity: verified.subject)
    } catch {
      throw .certificate(error)
    }
  }

  public func presentedIdentity(of credential: Credential) throws(CredentialValidationError)
    -> [UInt8]
  {
    let chain = try certificates(of: credential)
    do {
      return try X509ChainVerifier.subject(ofCertificate: chain[0])
    } catch {
      throw .certificate(error)
    }
  }

  /// The DER certificates, end entity first; never empty.
  private func certificates(of credential: Credential) throws(CredentialValidationError)
    -> [[UInt8]]
  {
    guard case .x509(let certificates) = credential else {
      throw .unsupportedCredentialType(credential.credentialType)
    }
    guard !certificates.isEmpty else { throw .emptyCertificateChain }
    return certificates.map(\.certData)
  }
}
