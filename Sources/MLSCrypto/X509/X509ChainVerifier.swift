internal import COpenSSL

/// An owned `X509`, freed with the object.
final class X509Handle {
  let pointer: OpaquePointer

  init(_ pointer: OpaquePointer) { self.pointer = pointer }

  deinit { X509_free(pointer) }

  /// Parses exactly one DER certificate; nil when the bytes are not one (trailing bytes
  /// included), so a credential cannot smuggle data after its certificate.
  static func parse(der: [UInt8]) -> X509Handle? {
    guard !der.isEmpty, der.count <= Int(Int32.max) else { return nil }
    return der.withUnsafeBufferPointer { buffer -> X509Handle? in
      guard let base = buffer.baseAddress else { return nil }
      var cursor: UnsafePointer<UInt8>? = base
      guard let parsed = d2i_X509(nil, &cursor, buffer.count) else {
        ERR_clear_error()
        return nil
      }
      let handle = X509Handle(parsed)
      guard let end = cursor, end - base == buffer.count else { return nil }
      return handle
    }
  }

  /// The DER encoding of the subject name.
  func subjectDER() throws(X509Error) -> [UInt8] {
    guard let name = X509_get_subject_name(pointer) else { throw .library("X509_get_subject_name") }
    let length = Int(i2d_X509_NAME(name, nil))
    guard length > 0 else { throw x509Failure("i2d_X509_NAME") }
    return try [UInt8](unsafeUninitializedCapacity: length) {
      (out, initialized) throws(X509Error) in
      var cursor = out.baseAddress
      guard Int(i2d_X509_NAME(name, &cursor)) == length else { throw x509Failure("i2d_X509_NAME") }
      initialized = length
    }
  }

  /// The subject public key in the MLS encoding of its scheme (RFC 9420 §5.1.2): raw
  /// Ed25519/Ed448 bytes, or the uncompressed SEC1 point of a P-256/384/521 key.
  func mlsPublicKey() throws(X509Error) -> [UInt8] {
    guard let key = X509_get0_pubkey(pointer) else {
      ERR_clear_error()
      throw .unsupportedPublicKey
    }
    if EVP_PKEY_is_a(key, "ED25519") == 1 || EVP_PKEY_is_a(key, "ED448") == 1 {
      var length = 0
      guard EVP_PKEY_get_raw_public_key(key, nil, &length) == 1, length > 0 else {
        throw x509Failure("EVP_PKEY_get_raw_public_key")
      }
      return try [UInt8](unsafeUninitializedCapacity: length) {
        (out, initialized) throws(X509Error) in
        var written = length
        guard EVP_PKEY_get_raw_public_key(key, out.baseAddress, &written) == 1 else {
          throw x509Failure("EVP_PKEY_get_raw_public_key")
        }
        initialized = written
      }
    }
    guard EVP_PKEY_is_a(key, "EC") == 1 else { throw .unsupportedPublicKey }
    return try Self.uncompressedPoint(key)
  }

  /// 0x04 || X || Y, each coordinate padded to the curve's field size. Built from the
  /// coordinates so a certificate holding a compressed point still compares equal.
  private static func uncompressedPoint(_ key: OpaquePointer) throws(X509Error) -> [UInt8] {
    var nameBuffer = [CChar](repeating: 0, count: 64)
    var nameLength = 0
    guard
      EVP_PKEY_get_utf8_string_param(key, "group", &nameBuffer, nameBuffer.count, &nameLength)
        == 1
    else {
      ERR_clear_error()
      throw .unsupportedPublicKey
    }
    let name = String(
      decoding: nameBuffer.prefix(nameLength).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let size: Int32
    switch name {
    case "prime256v1", "P-256": size = 32
    case "secp384r1", "P-384": size = 48
    case "secp521r1", "P-521": size = 66
    default: throw .unsupportedPublicKey
    }
    let x = try coordinate(key, "qx", size: size)
    let y = try coordinate(key, "qy", size: size)
    return [0x04] + x + y
  }

  private static func coordinate(_ key: OpaquePointer, _ name: String, size: Int32)
    throws(X509Error) -> [UInt8]
  {
    var number: OpaquePointer?
    guard EVP_PKEY_get_bn_param(key, name, &number) == 1, let number else {
      throw x509Failure("EVP_PKEY_get_bn_param")
    }
    defer { BN_free(number) }
    return try [UInt8](unsafeUninitializedCapacity: Int(size)) {
      (out, initialized) throws(X509Error) in
      guard BN_bn2binpad(number, out.baseAddress, size) == size else {
        throw x509Failure("BN_bn2binpad")
      }
      initialized = Int(size)
    }
  }
}

func x509Failure(_ call: String) -> X509Error {
  ERR_clear_error()
  return .library(call)
}

/// What a verified chain establishes about its end entity.
public struct X509VerifiedCertificate: Hashable, Sendable {
  /// The DER-encoded subject name of the end-entity certificate: its presented identity.
  public let subject: [UInt8]
  /// The end-entity public key, in MLS encoding (equal to the MLS signature key).
  public let publicKey: [UInt8]
}

/// Verifies X.509 certificate chains of MLS credentials (RFC 9420 §5.3) to trust anchors the
/// application supplies, at a time the caller supplies.
///
/// Any certificate in the trust anchors may terminate a chain (partial chains are allowed)
/// because §5.3 lets a chain omit certificates the peers already hold, such as an
/// intermediate the application pins.
public struct X509ChainVerifier: Sendable {
  /// DER trust anchors, parsed for each verification so no OpenSSL object is shared between
  /// threads.
  public let trustAnchors: [[UInt8]]

  /// Throws `.noTrustAnchors` for an empty list and `.malformedTrustAnchor` for bad DER.
  public init(trustAnchors: [[UInt8]]) throws(X509Error) {
    guard !trustAnchors.isEmpty else { throw .noTrustAnchors }
    for (index, anchor) in trustAnchors.enumerated() where X509Handle.parse(der: anchor) == nil {
      throw .malformedTrustAnchor(index: index)
    }
    self.trustAnchors = trustAnchors
  }

  /// Verifies `chain` (end entity first) at `time` (seconds since the epoch): every signature
  /// and validity period, up to a trust anchor; then that the end-entity key is `signatureKey`.
  public func verify(chain: [[UInt8]], at time: UInt64, signatureKey: [UInt8])
    throws(X509Error) -> X509VerifiedCertificate
  {
    guard !chain.isEmpty else { throw .emptyChain }
    var certificates: [X509Handle] = []
    for (index, der) in chain.enumerated() {
      guard let certificate = X509Handle.parse(der: der) else {
        throw .malformedCertificate(index: index)
      }
      certificates.append(certificate)
    }
    var anchors: [X509Handle] = []
    for (index, der) in trustAnchors.enumerated() {
      guard let anchor = X509Handle.parse(der: der) else {
        throw .malformedTrustAnchor(index: index)
      }
      anchors.append(anchor)
    }
    try Self.verifyPath(certificates, anchors: anchors, time: time)
    let leaf = certificates[0]
    let publicKey = try leaf.mlsPublicKey()
    guard publicKey == signatureKey else { throw .publicKeyMismatch }
    return X509VerifiedCertificate(subject: try leaf.subjectDER(), publicKey: publicKey)
  }

  /// The DER subject name of one certificate, without verifying anything: the identity a
  /// credential presents, for comparing an old credential with its successor.
  public static func subject(ofCertificate der: [UInt8]) throws(X509Error) -> [UInt8] {
    guard let certificate = X509Handle.parse(der: der) else {
      throw .malformedCertificate(index: 0)
    }
    return try certificate.subjectDER()
  }

  /// X509_verify_cert with an explicit verification time (never the system clock).
  private static func verifyPath(_ chain: [X509Handle], anchors: [X509Handle], time: UInt64)
    throws(X509Error)
  {
    guard let store = X509_STORE_new() else { throw x509Failure("X509_STORE_new") }
    defer { X509_STORE_free(store) }
    for anchor in anchors where X509_STORE_add_cert(store, anchor.pointer) != 1 {
      throw x509Failure("X509_STORE_add_cert")
    }
    guard let untrusted = spacepanda_sk_X509_new_null() else {
      throw x509Failure("sk_X509_new_null")
    }
    defer { spacepanda_sk_X509_free(untrusted) }
    for certificate in chain.dropFirst()
    where spacepanda_sk_X509_push(untrusted, certificate.pointer) <= 0 {
      throw x509Failure("sk_X509_push")
    }
    guard let context = X509_STORE_CTX_new() else { throw x509Failure("X509_STORE_CTX_new") }
    defer { X509_STORE_CTX_free(context) }
    guard X509_STORE_CTX_init(context, store, chain[0].pointer, untrusted) == 1 else {
      throw x509Failure("X509_STORE_CTX_init")
    }
    guard let parameters = X509_STORE_CTX_get0_param(context) else {
      throw x509Failure("X509_STORE_CTX_get0_param")
    }
    X509_VERIFY_PARAM_set_time(parameters, time_t(clamping: time))
    guard X509_VERIFY_PARAM_set_flags(parameters, UInt(X509_V_FLAG_PARTIAL_CHAIN)) == 1 else {
      throw x509Failure("X509_VERIFY_PARAM_set_flags")
    }
    let verified = X509_verify_cert(context)
    let code = X509_STORE_CTX_get_error(context)
    ERR_clear_error()
    guard verified != 1 else { return }
    switch code {
    case X509_V_ERR_CERT_HAS_EXPIRED: throw .expired
    case X509_V_ERR_CERT_NOT_YET_VALID: throw .notYetValid
    default: throw .untrusted(code: code)
    }
  }
}
