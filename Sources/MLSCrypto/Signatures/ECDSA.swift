internal import COpenSSL

/// The NIST curves of the ECDSA suites (RFC 9420 §5.1: ecdsa_secp256r1_sha256, ...).
enum ECDSACurve: CaseIterable, Hashable, Sendable {
  case p256, p384, p521

  /// Bytes of a scalar (Field-Element-to-Octet-String, SEC1 §2.3.5).
  var scalarLength: Int {
    switch self {
    case .p256: 32
    case .p384: 48
    case .p521: 66
    }
  }

  /// Bytes of an uncompressed SEC1 point: 0x04 || X || Y.
  var publicKeyLength: Int { 1 + 2 * scalarLength }

  var nid: Int32 {
    switch self {
    case .p256: NID_X9_62_prime256v1
    case .p384: NID_secp384r1
    case .p521: NID_secp521r1
    }
  }

  var openSSLName: String {
    switch self {
    case .p256: "P-256"
    case .p384: "P-384"
    case .p521: "P-521"
    }
  }

  /// The hash the TLS signature scheme pairs with the curve.
  var digestName: String {
    switch self {
    case .p256: "SHA256"
    case .p384: "SHA384"
    case .p521: "SHA512"
    }
  }
}

/// ECDSA with DER-encoded (r, s) signatures as in TLS 1.3 and MLS. The private key is the
/// big-endian scalar, the public key the uncompressed SEC1 point.
enum ECDSA {
  /// A uniformly random scalar in [1, n-1] by rejection sampling (the top bits of P-521's
  /// 66-byte encoding are cleared first so a draw is accepted about half the time or better).
  static func generatePrivateKey(_ curve: ECDSACurve) throws(CryptoError) -> SecretBytes {
    for _ in 0..<128 {
      let candidate = try SecretBytes(count: curve.scalarLength) {
        (out) throws(CryptoError) in
        guard let base = out.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        guard RAND_bytes(base, Int32(out.count)) == 1 else { throw openSSLFailure("RAND_bytes") }
        if curve == .p521 { base[0] &= 0x01 }
      }
      do throws(CryptoError) {
        _ = try publicKey(curve, privateKey: candidate)
        return candidate
      } catch .invalidPrivateKey {
        continue
      }
    }
    throw .library("ECDSA key generation")
  }

  static func publicKey(_ curve: ECDSACurve, privateKey: SecretBytes) throws(CryptoError)
    -> [UInt8]
  {
    try withScalar(curve, privateKey) { (scalar) throws(CryptoError) -> [UInt8] in
      try publicPoint(curve, scalar: scalar)
    }
  }

  static func sign(_ curve: ECDSACurve, privateKey: SecretBytes, message: [UInt8])
    throws(CryptoError) -> [UInt8]
  {
    let key = try withScalar(curve, privateKey) { (scalar) throws(CryptoError) -> PKey in
      let publicKey = try publicPoint(curve, scalar: scalar)
      return try importKeyPair(curve, scalar: scalar, publicKey: publicKey)
    }
    return try key.sign(
      digestName: EVPKeySupport.shared.digestName(curve), message: message)
  }

  static func verify(
    _ curve: ECDSACurve, publicKey: [UInt8], message: [UInt8], signature: [UInt8]
  ) throws(CryptoError) {
    let key = try importPublicKey(curve, publicKey)
    let valid = try key.verify(
      digestName: EVPKeySupport.shared.digestName(curve), message: message,
      signature: signature)
    guard valid else { throw .invalidSignature }
  }

  // MARK: - Key import

  /// True for the fixed width (SEC1 §2.3.7) and, on P-521 only, for one byte less: some
  /// implementations (and the RFC 9420 test vectors) drop the leading zero byte of a P-521
  /// scalar. Read as a big-endian integer, the short form is the same number.
  static func acceptsScalarLength(_ curve: ECDSACurve, _ count: Int) -> Bool {
    count == curve.scalarLength || (curve == .p521 && count == curve.scalarLength - 1)
  }

  /// Parses the scalar and checks 0 < d < n, then runs `body` with it (the BIGNUM is wiped).
  private static func withScalar<R>(
    _ curve: ECDSACurve, _ privateKey: SecretBytes,
    _ body: (OpaquePointer) throws(CryptoError) -> R
  ) throws(CryptoError) -> R {
    guard acceptsScalarLength(curve, privateKey.count) else {
      throw .invalidPrivateKey("ECDSA private key length")
    }
    let group = try EVPKeySupport.shared.group(curve)
    let parsed = privateKey.withUnsafeBytes { bytes in
      BN_bin2bn(
        bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(bytes.count), nil)
    }
    guard let scalar = parsed else { throw openSSLFailure("BN_bin2bn") }
    defer { BN_clear_free(scalar) }
    guard let order = EC_GROUP_get0_order(group) else {
      throw openSSLFailure("EC_GROUP_get0_order")
    }
    guard BN_is_zero(scalar) == 0, BN_cmp(scalar, order) < 0 else {
      throw .invalidPrivateKey("ECDSA private key out of range")
    }
    return try body(scalar)
  }

  /// d·G as an uncompressed point. OpenSSL 3.0 does not derive the public key when a private
  /// scalar alone is imported, so it is computed here.
  private static func publicPoint(_ curve: ECDSACurve, scalar: OpaquePointer)
    throws(CryptoError) -> [UInt8]
  {
    let group = try EVPKeySupport.shared.group(curve)
    guard let point = EC_POINT_new(group) else { throw openSSLFailure("EC_POINT_new") }
    defer { EC_POINT_free(point) }
    guard EC_POINT_mul(group, point, scalar, nil, nil, nil) == 1 else {
      throw openSSLFailure("EC_POINT_mul")
    }
    let length = curve.publicKeyLength
    return try [UInt8](unsafeUninitializedCapacity: length) {
      (out, initialized) throws(CryptoError) in
      let written = EC_POINT_point2oct(
        group, point, POINT_CONVERSION_UNCOMPRESSED, out.baseAddress, length, nil)
      guard written == length else { throw openSSLFailure("EC_POINT_point2oct") }
      initialized = length
    }
  }

  private static func importKeyPair(_ curve: ECDSACurve, scalar: OpaquePointer, publicKey: [UInt8])
    throws(CryptoError) -> PKey
  {
    let support = EVPKeySupport.shared
    let groupName = try support.curveName(curve)
    // OSSL_PARAM carries integers in native byte order.
    let length = curve.scalarLength
    let native = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: length)
    defer {
      OPENSSL_cleanse(native.baseAddress, length)
      native.deallocate()
    }
    guard BN_bn2nativepad(scalar, native.baseAddress, Int32(length)) == Int32(length) else {
      throw openSSLFailure("BN_bn2nativepad")
    }
    return try publicKey.withUnsafeBufferPointer { (pub) throws(CryptoError) -> PKey in
      var params = [
        OSSL_PARAM_construct_utf8_string(support.groupParam, groupName, 0),
        OSSL_PARAM_construct_BN(support.privParam, native.baseAddress, length),
        OSSL_PARAM_construct_octet_string(
          support.pubParam, UnsafeMutableRawPointer(mutating: pub.baseAddress), pub.count),
        OSSL_PARAM_construct_end(),
      ]
      return try fromData(&params, selection: spacepanda_EVP_PKEY_KEYPAIR) {
        () throws(CryptoError) in
        throw openSSLFailure("EVP_PKEY_fromdata")
      }
    }
  }

  private static func importPublicKey(_ curve: ECDSACurve, _ publicKey: [UInt8])
    throws(CryptoError) -> PKey
  {
    guard publicKey.count == curve.publicKeyLength, publicKey.first == 0x04 else {
      throw .invalidPublicKey("ECDSA public key encoding")
    }
    let support = EVPKeySupport.shared
    let groupName = try support.curveName(curve)
    let key = try publicKey.withUnsafeBufferPointer { (pub) throws(CryptoError) -> PKey in
      var params = [
        OSSL_PARAM_construct_utf8_string(support.groupParam, groupName, 0),
        OSSL_PARAM_construct_octet_string(
          support.pubParam, UnsafeMutableRawPointer(mutating: pub.baseAddress), pub.count),
        OSSL_PARAM_construct_end(),
      ]
      return try fromData(&params, selection: spacepanda_EVP_PKEY_PUBLIC_KEY) {
        () throws(CryptoError) in
        ERR_clear_error()
        throw .invalidPublicKey("ECDSA public key not on curve")
      }
    }
    // Import decodes the point; the quick check confirms it is on the curve and not the point
    // at infinity (the order check is unnecessary on these prime-order curves).
    guard let ctx = EVP_PKEY_CTX_new_from_pkey(nil, key.pointer, nil) else {
      throw openSSLFailure("EVP_PKEY_CTX_new_from_pkey")
    }
    defer { EVP_PKEY_CTX_free(ctx) }
    guard EVP_PKEY_public_check_quick(ctx) == 1 else {
      ERR_clear_error()
      throw .invalidPublicKey("ECDSA public key not on curve")
    }
    return key
  }

  private static func fromData(
    _ params: inout [OSSL_PARAM], selection: Int32, onFailure: () throws(CryptoError) -> Never
  ) throws(CryptoError) -> PKey {
    let support = EVPKeySupport.shared
    guard let ctx = EVP_PKEY_CTX_new_from_name(nil, support.ecKeyType, nil) else {
      throw openSSLFailure("EVP_PKEY_CTX_new_from_name")
    }
    defer { EVP_PKEY_CTX_free(ctx) }
    guard EVP_PKEY_fromdata_init(ctx) == 1 else { throw openSSLFailure("EVP_PKEY_fromdata_init") }
    var pkey: OpaquePointer? = nil
    guard EVP_PKEY_fromdata(ctx, &pkey, selection, &params) == 1, let pkey else {
      try onFailure()
    }
    return PKey(pkey)
  }
}
