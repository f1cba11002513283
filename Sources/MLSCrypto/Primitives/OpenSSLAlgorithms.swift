internal import COpenSSL

/// OpenSSL algorithm objects, fetched once per process.
///
/// The legacy `EVP_sha256()`-style getters perform an implicit provider fetch on every
/// initialisation, which costs 20-60% on small inputs; explicit fetches are cached here instead.
/// Every stored pointer is written only in `init` and never freed (process lifetime), and the
/// HMAC templates are only ever read (duplicated), so sharing the holder across threads is safe.
final class OpenSSLAlgorithms: @unchecked Sendable {
  static let shared = OpenSSLAlgorithms()

  private let sha256: OpaquePointer?
  private let sha384: OpaquePointer?
  private let sha512: OpaquePointer?
  private let hmacSHA256: OpaquePointer?
  private let hmacSHA384: OpaquePointer?
  private let hmacSHA512: OpaquePointer?
  private let aes128GCM: OpaquePointer?
  private let aes256GCM: OpaquePointer?
  private let chaCha20Poly1305: OpaquePointer?

  /// A valid address for zero-length inputs: OpenSSL rejects NULL even when the length is 0,
  /// and an empty Swift array may have no base address.
  let emptyInput: UnsafeMutablePointer<UInt8>

  private init() {
    sha256 = EVP_MD_fetch(nil, "SHA256", nil)
    sha384 = EVP_MD_fetch(nil, "SHA384", nil)
    sha512 = EVP_MD_fetch(nil, "SHA512", nil)
    let mac = EVP_MAC_fetch(nil, "HMAC", nil)
    hmacSHA256 = Self.hmacTemplate(mac, digest: "SHA256")
    hmacSHA384 = Self.hmacTemplate(mac, digest: "SHA384")
    hmacSHA512 = Self.hmacTemplate(mac, digest: "SHA512")
    // The templates hold their own references to the MAC.
    EVP_MAC_free(mac)
    aes128GCM = EVP_CIPHER_fetch(nil, "AES-128-GCM", nil)
    aes256GCM = EVP_CIPHER_fetch(nil, "AES-256-GCM", nil)
    chaCha20Poly1305 = EVP_CIPHER_fetch(nil, "ChaCha20-Poly1305", nil)
    emptyInput = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
    emptyInput.initialize(to: 0)
    ERR_clear_error()
  }

  /// An unkeyed HMAC context with its digest set. Setting the digest by name fetches it, so it
  /// is done once here; each operation duplicates the template and only sets the key.
  private static func hmacTemplate(_ mac: OpaquePointer?, digest: String) -> OpaquePointer? {
    guard let mac, let ctx = EVP_MAC_CTX_new(mac) else { return nil }
    let ok = "digest".withCString { key in
      digest.withCString { value in
        var params = [
          OSSL_PARAM_construct_utf8_string(key, UnsafeMutablePointer(mutating: value), 0),
          OSSL_PARAM_construct_end(),
        ]
        return EVP_MAC_CTX_set_params(ctx, &params) == 1
      }
    }
    guard ok else {
      EVP_MAC_CTX_free(ctx)
      return nil
    }
    return ctx
  }

  func digest(_ alg: HashAlgorithm) throws(CryptoError) -> OpaquePointer {
    let md: OpaquePointer?
    switch alg {
    case .sha256: md = sha256
    case .sha384: md = sha384
    case .sha512: md = sha512
    }
    guard let md else { throw .library("EVP_MD_fetch") }
    return md
  }

  func hmacTemplate(_ alg: HashAlgorithm) throws(CryptoError) -> OpaquePointer {
    let ctx: OpaquePointer?
    switch alg {
    case .sha256: ctx = hmacSHA256
    case .sha384: ctx = hmacSHA384
    case .sha512: ctx = hmacSHA512
    }
    guard let ctx else { throw .library("EVP_MAC_fetch") }
    return ctx
  }

  func cipher(_ alg: AEADAlgorithm) throws(CryptoError) -> OpaquePointer {
    let cipher: OpaquePointer?
    switch alg {
    case .aes128GCM: cipher = aes128GCM
    case .aes256GCM: cipher = aes256GCM
    case .chaCha20Poly1305: cipher = chaCha20Poly1305
    }
    guard let cipher else { throw .library("EVP_CIPHER_fetch") }
    return cipher
  }
}

/// Clears this thread's OpenSSL error queue and names the failed call. The queue is thread-local
/// and would otherwise leak stale errors into the next unrelated failure report.
func openSSLFailure(_ call: String) -> CryptoError {
  ERR_clear_error()
  return .library(call)
}

/// Runs `body` with a pointer OpenSSL accepts (never NULL) and the byte count.
func withInputPointer<R, E: Error>(
  _ bytes: UnsafeRawBufferPointer, _ body: (UnsafePointer<UInt8>, Int) throws(E) -> R
) throws(E) -> R {
  if let base = bytes.baseAddress, bytes.count > 0 {
    return try body(base.assumingMemoryBound(to: UInt8.self), bytes.count)
  }
  return try body(UnsafePointer(OpenSSLAlgorithms.shared.emptyInput), 0)
}

/// Runs `body` with the raw bytes of an array (typed throws, unlike `Array.withUnsafeBytes`).
func withRawBytes<R, E: Error>(
  _ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(E) -> R
) throws(E) -> R {
  try bytes.withUnsafeBufferPointer { (buffer) throws(E) -> R in
    try body(UnsafeRawBufferPointer(buffer))
  }
}

/// Converts a length for the `Int32`-typed OpenSSL APIs, rejecting what does not fit.
func int32Length(_ count: Int, _ what: String) throws(CryptoError) -> Int32 {
  guard count >= 0, let value = Int32(exactly: count) else {
    throw .invalidLength("\(what) exceeds Int32")
  }
  return value
}
