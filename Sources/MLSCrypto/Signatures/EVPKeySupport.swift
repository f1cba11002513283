internal import COpenSSL

/// Constant C strings and EC groups for key import, created once and never freed.
///
/// `OSSL_PARAM` and some `EVP_PKEY_CTX` constructors keep the key-name pointers they are given,
/// so these must outlive every call (a bridged Swift `String` would not). The EC groups are only
/// read after creation, which OpenSSL allows from several threads.
final class EVPKeySupport: @unchecked Sendable {
  static let shared = EVPKeySupport()

  let ecKeyType: UnsafePointer<CChar>
  let ed25519KeyType: UnsafePointer<CChar>
  let groupParam: UnsafePointer<CChar>
  let privParam: UnsafePointer<CChar>
  let pubParam: UnsafePointer<CChar>
  private let curveNames: [ECDSACurve: UnsafeMutablePointer<CChar>]
  private let digestNames: [ECDSACurve: UnsafePointer<CChar>]
  private let groups: [ECDSACurve: OpaquePointer]

  private init() {
    ecKeyType = UnsafePointer(Self.cString("EC"))
    ed25519KeyType = UnsafePointer(Self.cString("ED25519"))
    groupParam = UnsafePointer(Self.cString("group"))
    privParam = UnsafePointer(Self.cString("priv"))
    pubParam = UnsafePointer(Self.cString("pub"))
    var names: [ECDSACurve: UnsafeMutablePointer<CChar>] = [:]
    var digests: [ECDSACurve: UnsafePointer<CChar>] = [:]
    var groups: [ECDSACurve: OpaquePointer] = [:]
    for curve in ECDSACurve.allCases {
      names[curve] = Self.cString(curve.openSSLName)
      digests[curve] = UnsafePointer(Self.cString(curve.digestName))
      if let group = EC_GROUP_new_by_curve_name(curve.nid) { groups[curve] = group }
    }
    curveNames = names
    digestNames = digests
    self.groups = groups
    ERR_clear_error()
  }

  private static func cString(_ text: String) -> UnsafeMutablePointer<CChar> {
    let utf8 = Array(text.utf8CString)
    let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count)
    pointer.initialize(from: utf8, count: utf8.count)
    return pointer
  }

  func curveName(_ curve: ECDSACurve) throws(CryptoError) -> UnsafeMutablePointer<CChar> {
    guard let name = curveNames[curve] else { throw .library("curve name") }
    return name
  }

  func digestName(_ curve: ECDSACurve) throws(CryptoError) -> UnsafePointer<CChar> {
    guard let name = digestNames[curve] else { throw .library("digest name") }
    return name
  }

  func group(_ curve: ECDSACurve) throws(CryptoError) -> OpaquePointer {
    guard let group = groups[curve] else { throw .library("EC_GROUP_new_by_curve_name") }
    return group
  }
}

/// An owned `EVP_PKEY`, freed with the object. Used by one operation at a time.
final class PKey {
  let pointer: OpaquePointer

  init(_ pointer: OpaquePointer) { self.pointer = pointer }

  deinit { EVP_PKEY_free(pointer) }

  /// Signs `message` with `EVP_DigestSign`. `digestName` is nil for EdDSA (which hashes
  /// internally) and the ECDSA hash otherwise.
  func sign(digestName: UnsafePointer<CChar>?, message: [UInt8]) throws(CryptoError) -> [UInt8] {
    guard let md = EVP_MD_CTX_new() else { throw openSSLFailure("EVP_MD_CTX_new") }
    defer { EVP_MD_CTX_free(md) }
    guard EVP_DigestSignInit_ex(md, nil, digestName, nil, nil, pointer, nil) == 1 else {
      throw openSSLFailure("EVP_DigestSignInit_ex")
    }
    let capacity = Int(EVP_PKEY_get_size(pointer))
    guard capacity > 0 else { throw openSSLFailure("EVP_PKEY_get_size") }
    return try [UInt8](unsafeUninitializedCapacity: capacity) {
      (out, initialized) throws(CryptoError) in
      var length = capacity
      let ok = message.withUnsafeBufferPointer { input in
        withInputPointer(UnsafeRawBufferPointer(input)) { base, count in
          EVP_DigestSign(md, out.baseAddress, &length, base, count)
        }
      }
      guard ok == 1, length <= capacity else { throw openSSLFailure("EVP_DigestSign") }
      initialized = length
    }
  }

  /// True when `signature` is valid over `message`. Failures clear the OpenSSL error queue.
  func verify(digestName: UnsafePointer<CChar>?, message: [UInt8], signature: [UInt8])
    throws(CryptoError) -> Bool
  {
    guard !signature.isEmpty else { return false }
    guard let md = EVP_MD_CTX_new() else { throw openSSLFailure("EVP_MD_CTX_new") }
    defer { EVP_MD_CTX_free(md) }
    guard EVP_DigestVerifyInit_ex(md, nil, digestName, nil, nil, pointer, nil) == 1 else {
      throw openSSLFailure("EVP_DigestVerifyInit_ex")
    }
    let ok = signature.withUnsafeBufferPointer { sig in
      message.withUnsafeBufferPointer { input in
        withInputPointer(UnsafeRawBufferPointer(input)) { base, count in
          EVP_DigestVerify(md, sig.baseAddress, sig.count, base, count)
        }
      }
    }
    if ok != 1 { ERR_clear_error() }
    return ok == 1
  }
}
