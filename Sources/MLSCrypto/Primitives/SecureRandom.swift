internal import COpenSSL

/// Bytes from OpenSSL's CSPRNG (`RAND_bytes`): fresh leaf secrets, init secrets, reuse guards,
/// signature and HPKE key generation. RFC 9420 §16.8 requires a good source.
public enum SecureRandom {
  /// `count` random bytes.
  public static func bytes(_ count: Int) throws(CryptoError) -> [UInt8] {
    let length = try int32Length(count, "random length")
    return try [UInt8](unsafeUninitializedCapacity: count) {
      (out, initialized) throws(CryptoError) in
      try fill(UnsafeMutableRawBufferPointer(out), length)
      initialized = count
    }
  }

  /// `count` random bytes kept in wiped storage, for keys and secrets.
  public static func secret(_ count: Int) throws(CryptoError) -> SecretBytes {
    let length = try int32Length(count, "random length")
    return try SecretBytes(count: count) { (out) throws(CryptoError) in
      try fill(out, length)
    }
  }

  private static func fill(_ out: UnsafeMutableRawBufferPointer, _ length: Int32)
    throws(CryptoError)
  {
    guard length > 0, let base = out.baseAddress else { return }
    guard RAND_bytes(base.assumingMemoryBound(to: UInt8.self), length) == 1 else {
      throw openSSLFailure("RAND_bytes")
    }
  }
}
