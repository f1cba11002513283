internal import COpenSSL

/// Builds certificates for tests: chains are generated at run time rather than stored, so no
/// certificate data is copied into the repository. Not for production use (no extensions but
/// basicConstraints, Ed25519 issuers only).
@_spi(Testing) public enum X509TestCertificates {
  /// A DER X.509 v3 certificate for `subjectKey` (the MLS encoding under `subjectScheme`),
  /// named CN=`subject`, issued by CN=`issuer` and signed with the Ed25519 seed `issuerSeed`.
  /// `isCA` adds a critical basicConstraints CA:TRUE so the certificate can issue others.
  public static func make(
    subject: String, subjectKey: [UInt8], subjectScheme: SignatureScheme, issuer: String,
    issuerSeed: SecretBytes, notBefore: UInt64, notAfter: UInt64, isCA: Bool, serial: Int = 1
  ) throws(X509Error) -> [UInt8] {
    let publicKey = try importPublicKey(subjectKey, scheme: subjectScheme)
    defer { EVP_PKEY_free(publicKey) }
    let signingKey = try importEd25519Seed(issuerSeed)
    defer { EVP_PKEY_free(signingKey) }
    guard let certificate = X509_new() else { throw x509Failure("X509_new") }
    defer { X509_free(certificate) }
    guard X509_set_version(certificate, 2) == 1,
      ASN1_INTEGER_set(X509_get_serialNumber(certificate), serial) == 1,
      ASN1_TIME_set(X509_getm_notBefore(certificate), time_t(clamping: notBefore)) != nil,
      ASN1_TIME_set(X509_getm_notAfter(certificate), time_t(clamping: notAfter)) != nil,
      X509_set_pubkey(certificate, publicKey) == 1
    else { throw x509Failure("X509 fields") }
    try setName(subject) { X509_set_subject_name(certificate, $0) }
    try setName(issuer) { X509_set_issuer_name(certificate, $0) }
    if isCA {
      guard let constraints = BASIC_CONSTRAINTS_new() else {
        throw x509Failure("BASIC_CONSTRAINTS_new")
      }
      defer { BASIC_CONSTRAINTS_free(constraints) }
      constraints.pointee.ca = 0xFF
      guard
        X509_add1_ext_i2d(
          certificate, NID_basic_constraints, UnsafeMutableRawPointer(constraints), 1, 0) == 1
      else { throw x509Failure("X509_add1_ext_i2d") }
    }
    guard X509_sign(certificate, signingKey, nil) > 0 else { throw x509Failure("X509_sign") }
    let length = Int(i2d_X509(certificate, nil))
    guard length > 0 else { throw x509Failure("i2d_X509") }
    return try [UInt8](unsafeUninitializedCapacity: length) {
      (out, initialized) throws(X509Error) in
      var cursor = out.baseAddress
      guard Int(i2d_X509(certificate, &cursor)) == length else { throw x509Failure("i2d_X509") }
      initialized = length
    }
  }

  private static func setName(_ commonName: String, apply: (OpaquePointer) -> Int32)
    throws(X509Error)
  {
    guard let name = X509_NAME_new() else { throw x509Failure("X509_NAME_new") }
    defer { X509_NAME_free(name) }
    let bytes = Array(commonName.utf8)
    let added = bytes.withUnsafeBufferPointer { buffer in
      X509_NAME_add_entry_by_txt(
        name, "CN", spacepanda_MBSTRING_ASC, buffer.baseAddress, Int32(buffer.count), -1, 0)
    }
    guard added == 1, apply(name) == 1 else { throw x509Failure("X509_NAME") }
  }

  private static func importEd25519Seed(_ seed: SecretBytes) throws(X509Error) -> OpaquePointer {
    let key = seed.withUnsafeBytes { bytes in
      EVP_PKEY_new_raw_private_key_ex(
        nil, "ED25519", nil, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count)
    }
    guard let key else { throw x509Failure("EVP_PKEY_new_raw_private_key_ex") }
    return key
  }

  private static func importPublicKey(_ bytes: [UInt8], scheme: SignatureScheme)
    throws(X509Error) -> OpaquePointer
  {
    let curve: ECDSACurve
    switch scheme {
    case .ed25519, .ed448:
      let type = scheme == .ed25519 ? "ED25519" : "ED448"
      let key = bytes.withUnsafeBufferPointer { buffer in
        EVP_PKEY_new_raw_public_key_ex(nil, type, nil, buffer.baseAddress, buffer.count)
      }
      guard let key else { throw x509Failure("EVP_PKEY_new_raw_public_key_ex") }
      return key
    case .ecdsaP256SHA256: curve = .p256
    case .ecdsaP384SHA384: curve = .p384
    case .ecdsaP521SHA512: curve = .p521
    }
    let support = EVPKeySupport.shared
    let groupName: UnsafeMutablePointer<CChar>
    do {
      groupName = try support.curveName(curve)
    } catch {
      throw .library("curve name")
    }
    guard let context = EVP_PKEY_CTX_new_from_name(nil, support.ecKeyType, nil) else {
      throw x509Failure("EVP_PKEY_CTX_new_from_name")
    }
    defer { EVP_PKEY_CTX_free(context) }
    var key: OpaquePointer?
    let ok = bytes.withUnsafeBufferPointer { buffer -> Bool in
      var params = [
        OSSL_PARAM_construct_utf8_string(support.groupParam, groupName, 0),
        OSSL_PARAM_construct_octet_string(
          support.pubParam, UnsafeMutableRawPointer(mutating: buffer.baseAddress), buffer.count),
        OSSL_PARAM_construct_end(),
      ]
      return EVP_PKEY_fromdata_init(context) == 1
        && EVP_PKEY_fromdata(context, &key, spacepanda_EVP_PKEY_PUBLIC_KEY, &params) == 1
    }
    guard ok, let key else { throw x509Failure("EVP_PKEY_fromdata") }
    return key
  }
}
