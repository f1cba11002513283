/// Why an X.509 certificate chain was rejected. RFC 9420 §5.3 (X.509 credentials), RFC 5280.
///
/// Values name the rule or the failing certificate's position, never key material.
public enum X509Error: Error, Equatable, Sendable {
  /// The chain holds no certificate.
  case emptyChain
  /// No trust anchor was supplied, so no chain can be trusted.
  case noTrustAnchors
  /// Certificate `index` of the chain (0 is the end entity) is not one DER certificate.
  case malformedCertificate(index: Int)
  /// Trust anchor `index` is not one DER certificate.
  case malformedTrustAnchor(index: Int)
  /// A certificate of the chain is past its notAfter at the verification time.
  case expired
  /// A certificate of the chain is before its notBefore at the verification time.
  case notYetValid
  /// The chain does not lead to a trust anchor, or a signature or constraint in it fails; the
  /// value is OpenSSL's `X509_V_ERR_*` code.
  case untrusted(code: Int32)
  /// The end-entity key is not of an MLS signature scheme (Ed25519, Ed448, ECDSA P-256/384/521).
  case unsupportedPublicKey
  /// The end-entity key is not the MLS signature key (RFC 9420 §5.3).
  case publicKeyMismatch
  /// An OpenSSL call failed; the value names the call.
  case library(String)
}
