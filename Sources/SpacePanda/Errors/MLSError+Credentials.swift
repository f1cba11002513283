import MLS
import MLSCrypto

extension MLSError {
  /// RFC 9420 §5.3.1: the application's authentication service refused a credential.
  public init(_ error: CredentialValidationError) {
    switch error {
    case .unsupportedCredentialType(let type):
      self = .invalidCredential("credential type \(type.rawValue) is not supported")
    case .identityNotAllowed:
      self = .invalidCredential("identity is not allowed")
    case .emptyCertificateChain:
      self = .invalidCredential("certificate chain is empty")
    case .certificate(let inner):
      self.init(inner)
    case .notValidSuccessor:
      self = .invalidCredential("new credential is not a valid successor of the old one")
    case .rejected(let reason):
      self = .invalidCredential(reason)
    }
  }

  /// An X.509 chain failed verification against the application's trust anchors.
  public init(_ error: X509Error) {
    switch error {
    case .emptyChain:
      self = .invalidCredential("certificate chain is empty")
    case .noTrustAnchors:
      self = .invalidConfiguration("no X.509 trust anchors configured")
    case .malformedCertificate(let index):
      self = .invalidCredential("certificate \(index) is malformed")
    case .malformedTrustAnchor(let index):
      self = .invalidConfiguration("trust anchor \(index) is malformed")
    case .expired:
      self = .invalidCredential("certificate expired")
    case .notYetValid:
      self = .invalidCredential("certificate not yet valid")
    case .untrusted(let code):
      self = .invalidCredential("certificate chain not trusted (verify code \(code))")
    case .unsupportedPublicKey:
      self = .invalidCredential("certificate public key type unsupported")
    case .publicKeyMismatch:
      self = .invalidCredential("certificate key differs from the signature key")
    case .library(let call):
      self = .cryptoError("library call failed (\(call))")
    }
  }
}
