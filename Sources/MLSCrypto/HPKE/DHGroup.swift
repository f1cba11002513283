internal import COpenSSL

/// An OpenSSL key object, freed with its last reference. Read-only after creation, so it may be
/// shared between threads (OpenSSL allows concurrent use of a const `EVP_PKEY`).
final class EVPKey: @unchecked Sendable {
  let pointer: OpaquePointer

  init(_ pointer: OpaquePointer) { self.pointer = pointer }

  deinit { EVP_PKEY_free(pointer) }
}

/// A DH private key ready for use.
enum DHPrivateKey: Sendable {
  /// X25519 runs on libsodium, which takes the raw scalar (RFC 7748 §5).
  case x25519(SecretBytes)
  /// X448 and the NIST curves run on an imported OpenSSL key.
  case evp(EVPKey)
}

/// A validated DH public key ready for use.
enum DHPublicKey: Sendable {
  /// X25519: the raw u-coordinate (every 32-byte string is a valid input, RFC 7748 §5).
  case x25519([UInt8])
  case evp(EVPKey)
}

/// A DH private key ready for use, with its serialized public key.
struct DHKeyPair: Sendable {
  let privateKey: DHPrivateKey
  let publicKey: [UInt8]
}

/// The Diffie-Hellman groups under the DHKEMs of RFC 9180 §7.1: X25519 and X448 (RFC 7748) with
/// raw keys, and the NIST curves with uncompressed SEC1 public keys and big-endian scalars.
///
/// Every public key is validated once, when it is imported, so that the DH itself can skip the
/// re-validation OpenSSL would otherwise repeat (a measured 2x on P-256).
struct DHGroup: Sendable {
  let kem: KEMAlgorithm

  init(_ kem: KEMAlgorithm) { self.kem = kem }

  /// The curve's parameters for the NIST groups; nil for the Montgomery curves.
  var curve: NISTCurve? {
    switch kem {
    case .dhkemP256: NISTCurve.p256
    case .dhkemP384: NISTCurve.p384
    case .dhkemP521: NISTCurve.p521
    case .dhkemX25519, .dhkemX448: nil
    }
  }

  private var montgomeryType: Int32 {
    kem == .dhkemX448 ? EVP_PKEY_X448 : EVP_PKEY_X25519
  }

  // MARK: Private keys

  /// Imports a serialized private key (RFC 9180 §7.1.2 SerializePrivateKey format), computing
  /// its public key. NIST scalars must lie in [1, order-1].
  ///
  /// A 65-byte P-521 key is taken as the 66-byte one with its leading zero byte dropped (as
  /// some implementations and the RFC 9420 test vectors serialize it): the same big-endian number.
  func importPrivateKey(_ privateKey: SecretBytes) throws(CryptoError) -> DHKeyPair {
    if kem == .dhkemP521, privateKey.count == kem.privateKeyLength - 1, let curve {
      return try curve.importPrivateKey(leftPadded(privateKey, to: kem.privateKeyLength))
    }
    guard privateKey.count == kem.privateKeyLength else {
      throw .invalidPrivateKey("private key must be \(kem.privateKeyLength) bytes")
    }
    if let curve {
      return try curve.importPrivateKey(privateKey)
    }
    if kem == .dhkemX25519 {
      return DHKeyPair(
        privateKey: .x25519(privateKey), publicKey: try X25519.publicKey(privateKey))
    }
    let created = privateKey.withUnsafeBytes { raw -> OpaquePointer? in
      EVP_PKEY_new_raw_private_key(
        montgomeryType, nil, raw.bindMemory(to: UInt8.self).baseAddress, raw.count)
    }
    guard let created else {
      ERR_clear_error()
      throw .invalidPrivateKey("EVP_PKEY_new_raw_private_key")
    }
    let key = EVPKey(created)
    var length = kem.publicKeyLength
    var publicKey = [UInt8](repeating: 0, count: length)
    let status = EVP_PKEY_get_raw_public_key(key.pointer, &publicKey, &length)
    guard status == 1, length == kem.publicKeyLength else {
      ERR_clear_error()
      throw .library("EVP_PKEY_get_raw_public_key")
    }
    return DHKeyPair(privateKey: .evp(key), publicKey: publicKey)
  }

  /// `secret` behind zero bytes up to `length`, in wiped storage.
  private func leftPadded(_ secret: SecretBytes, to length: Int) -> SecretBytes {
    SecretBytes(count: length) { out in
      secret.withUnsafeBytes { raw in
        UnsafeMutableRawBufferPointer(rebasing: out[(length - raw.count)...]).copyMemory(from: raw)
      }
    }
  }

  // MARK: Public keys

  /// Imports and validates a serialized public key (DeserializePublicKey, RFC 9180 §7.1.1):
  /// exact size, and for NIST curves an uncompressed point on the curve, not the identity.
  func importPublicKey(_ publicKey: [UInt8]) throws(CryptoError) -> DHPublicKey {
    guard publicKey.count == kem.publicKeyLength else {
      throw .invalidPublicKey("public key must be \(kem.publicKeyLength) bytes")
    }
    if let curve {
      return .evp(try curve.importPublicKey(publicKey))
    }
    if kem == .dhkemX25519 { return .x25519(publicKey) }
    let created = publicKey.withUnsafeBufferPointer { buffer in
      EVP_PKEY_new_raw_public_key(montgomeryType, nil, buffer.baseAddress, buffer.count)
    }
    guard let created else {
      ERR_clear_error()
      throw .invalidPublicKey("EVP_PKEY_new_raw_public_key")
    }
    return .evp(EVPKey(created))
  }

  // MARK: DH

  /// DH(skX, pkY): the X25519/X448 output, or the x-coordinate of the ECDH point padded to the
  /// field size. An all-zero result (a small-order peer) is rejected. RFC 9180 §7.1.4.
  func dh(_ privateKey: DHPrivateKey, _ peer: DHPublicKey) throws(CryptoError) -> SecretBytes {
    switch (privateKey, peer) {
    case (.x25519(let scalar), .x25519(let point)):
      return try X25519.dh(scalar, point)
    case (.evp(let key), .evp(let peerKey)):
      return try evpDH(key, peerKey)
    default:
      throw .library("DH key kinds do not match")
    }
  }

  private func evpDH(_ privateKey: EVPKey, _ peer: EVPKey) throws(CryptoError) -> SecretBytes {
    guard let ctx = EVP_PKEY_CTX_new_from_pkey(nil, privateKey.pointer, nil) else {
      throw .library("EVP_PKEY_CTX_new_from_pkey")
    }
    defer { EVP_PKEY_CTX_free(ctx) }
    // The peer was validated when imported: skip OpenSSL's per-call re-validation.
    guard EVP_PKEY_derive_init(ctx) == 1, EVP_PKEY_derive_set_peer_ex(ctx, peer.pointer, 0) == 1
    else {
      ERR_clear_error()
      throw .invalidPublicKey("EVP_PKEY_derive_set_peer_ex")
    }
    let expected = dhLength
    var length = expected
    var status: Int32 = 0
    let shared = SecretBytes(count: expected) { out in
      status = EVP_PKEY_derive(ctx, out.bindMemory(to: UInt8.self).baseAddress, &length)
    }
    guard status == 1, length == expected else {
      // OpenSSL itself refuses an all-zero X25519/X448 output.
      ERR_clear_error()
      throw .invalidPublicKey("DH produced no valid shared secret")
    }
    let isZero = shared.withUnsafeBytes { raw in
      raw.reduce(UInt8(0)) { $0 | $1 } == 0
    }
    guard !isZero else { throw .invalidPublicKey("DH shared secret is all zero") }
    return shared
  }

  /// Ndh: the size of the DH output.
  var dhLength: Int {
    switch kem {
    case .dhkemX25519, .dhkemP256: 32
    case .dhkemX448: 56
    case .dhkemP384: 48
    case .dhkemP521: 66
    }
  }
}

/// A NIST prime curve: its `EC_GROUP`, fetched once, and its parameters.
final class NISTCurve: @unchecked Sendable {
  // Immutable after initialisation; OpenSSL takes the group as const in every call we make.
  let name: StaticString
  let group: OpaquePointer?
  let scalarLength: Int
  let pointLength: Int
  /// RFC 9180 §7.1.3: the mask applied to the first candidate byte in DeriveKeyPair.
  let bitmask: UInt8

  static let p256 = NISTCurve(
    name: "P-256", nid: NID_X9_62_prime256v1, scalarLength: 32, pointLength: 65, bitmask: 0xFF)
  static let p384 = NISTCurve(
    name: "P-384", nid: NID_secp384r1, scalarLength: 48, pointLength: 97, bitmask: 0xFF)
  static let p521 = NISTCurve(
    name: "P-521", nid: NID_secp521r1, scalarLength: 66, pointLength: 133, bitmask: 0x01)

  private init(name: StaticString, nid: Int32, scalarLength: Int, pointLength: Int, bitmask: UInt8)
  {
    self.name = name
    self.group = EC_GROUP_new_by_curve_name(nid)
    self.scalarLength = scalarLength
    self.pointLength = pointLength
    self.bitmask = bitmask
  }

  deinit { EC_GROUP_free(group) }

  private func requireGroup() throws(CryptoError) -> OpaquePointer {
    guard let group else { throw .library("EC_GROUP_new_by_curve_name") }
    return group
  }

  /// The scalar as a constant-time BIGNUM, or nil on allocation failure. Freed with BN_clear_free.
  private func scalar(_ bytes: SecretBytes) -> OpaquePointer? {
    let bn = bytes.withUnsafeBytes { raw in
      BN_bin2bn(raw.bindMemory(to: UInt8.self).baseAddress, Int32(raw.count), nil)
    }
    if let bn { BN_set_flags(bn, BN_FLG_CONSTTIME) }
    return bn
  }

  /// True when the big-endian integer `bytes` is in [1, order-1].
  func isValidScalar(_ bytes: SecretBytes) throws(CryptoError) -> Bool {
    let group = try requireGroup()
    guard bytes.count == scalarLength, let bn = scalar(bytes) else {
      throw .library("BN_bin2bn")
    }
    defer { BN_clear_free(bn) }
    guard let order = EC_GROUP_get0_order(group) else { throw .library("EC_GROUP_get0_order") }
    return BN_is_zero(bn) == 0 && BN_cmp(bn, order) < 0
  }

  /// Imports a private scalar with its public point computed by `EC_POINT_mul`, since OpenSSL 3.0's
  /// `EVP_PKEY_fromdata` does not derive it.
  func importPrivateKey(_ privateKey: SecretBytes) throws(CryptoError) -> DHKeyPair {
    let group = try requireGroup()
    guard try isValidScalar(privateKey) else {
      throw .invalidPrivateKey("scalar not in [1, order-1]")
    }
    guard let bn = scalar(privateKey) else { throw .library("BN_bin2bn") }
    defer { BN_clear_free(bn) }
    guard let point = EC_POINT_new(group) else { throw .library("EC_POINT_new") }
    defer { EC_POINT_free(point) }
    guard EC_POINT_mul(group, point, bn, nil, nil, nil) == 1 else {
      ERR_clear_error()
      throw .library("EC_POINT_mul")
    }
    var publicKey = [UInt8](repeating: 0, count: pointLength)
    let written = EC_POINT_point2oct(
      group, point, POINT_CONVERSION_UNCOMPRESSED, &publicKey, pointLength, nil)
    guard written == pointLength else { throw .library("EC_POINT_point2oct") }

    // OSSL_PARAM BIGNUMs are native-endian.
    let native = SecretBytes(count: scalarLength) { out in
      privateKey.withUnsafeBytes { be in
        for index in 0..<be.count {
          #if _endian(little)
            out[index] = be[be.count - 1 - index]
          #else
            out[index] = be[index]
          #endif
        }
      }
    }
    let imported = native.withUnsafeBytes { scalarBytes in
      Result { () throws(CryptoError) in
        try fromData(
          selection: spacepanda_EVP_PKEY_KEYPAIR, publicKey: publicKey,
          nativeScalar: UnsafeMutableRawPointer(mutating: scalarBytes.baseAddress),
          scalarCount: scalarBytes.count)
      }
    }
    return DHKeyPair(privateKey: .evp(try imported.get()), publicKey: publicKey)
  }

  /// Imports an uncompressed SEC1 point and checks it is on the curve and not the identity.
  func importPublicKey(_ publicKey: [UInt8]) throws(CryptoError) -> EVPKey {
    guard publicKey.count == pointLength, publicKey.first == 0x04 else {
      throw .invalidPublicKey("not an uncompressed \(name) point")
    }
    let key = try fromData(
      selection: spacepanda_EVP_PKEY_PUBLIC_KEY, publicKey: publicKey, nativeScalar: nil,
      scalarCount: 0)
    guard let ctx = EVP_PKEY_CTX_new_from_pkey(nil, key.pointer, nil) else {
      throw .library("EVP_PKEY_CTX_new_from_pkey")
    }
    defer { EVP_PKEY_CTX_free(ctx) }
    // On the curve and not at infinity; the order check is moot for cofactor-1 curves.
    guard EVP_PKEY_public_check_quick(ctx) == 1 else {
      ERR_clear_error()
      throw .invalidPublicKey("point not on \(name)")
    }
    return key
  }

  private func fromData(
    selection: Int32, publicKey: [UInt8], nativeScalar: UnsafeMutableRawPointer?, scalarCount: Int
  ) throws(CryptoError) -> EVPKey {
    guard let ctx = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
      throw .library("EVP_PKEY_CTX_new_from_name")
    }
    defer { EVP_PKEY_CTX_free(ctx) }
    guard EVP_PKEY_fromdata_init(ctx) == 1 else {
      ERR_clear_error()
      throw .library("EVP_PKEY_fromdata_init")
    }
    var created: OpaquePointer?
    var publicCopy = publicKey
    let status = publicCopy.withUnsafeMutableBytes { pub -> Int32 in
      var params: [OSSL_PARAM] = [
        OSSL_PARAM_construct_utf8_string(
          cString(groupParamName), cString(name), 0),
        OSSL_PARAM_construct_octet_string(
          cString(publicKeyParamName), pub.baseAddress, pub.count),
      ]
      if let nativeScalar {
        params.append(
          OSSL_PARAM_construct_BN(
            cString(privateKeyParamName), nativeScalar.assumingMemoryBound(to: UInt8.self),
            scalarCount))
      }
      params.append(spacepanda_OSSL_PARAM_END())
      return params.withUnsafeMutableBufferPointer { buffer in
        EVP_PKEY_fromdata(ctx, &created, selection, buffer.baseAddress)
      }
    }
    guard status == 1, let created else {
      ERR_clear_error()
      throw .invalidPublicKey("EVP_PKEY_fromdata rejected the \(name) key")
    }
    return EVPKey(created)
  }
}

private let groupParamName: StaticString = "group"
private let publicKeyParamName: StaticString = "pub"
private let privateKeyParamName: StaticString = "priv"

/// A C string pointer into a static string's storage, which lives as long as the program.
private func cString(_ text: StaticString) -> UnsafeMutablePointer<CChar> {
  UnsafeMutableRawPointer(mutating: text.utf8Start).assumingMemoryBound(to: CChar.self)
}
