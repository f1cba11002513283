internal import COpenSSL

/// One-shot hash functions. RFC 9420 §5.1 uses the suite's hash for `Hash`, tree hashes and
/// transcript hashes; RFC 6234 / FIPS 180-4 define the functions.
public enum Digest {
  /// The digest of `data` under `alg`; the output is `alg.outputLength` bytes.
  public static func hash(_ alg: HashAlgorithm, _ data: [UInt8]) throws(CryptoError) -> [UInt8] {
    try withRawBytes(data) { (input) throws(CryptoError) -> [UInt8] in
      try hash(alg, input)
    }
  }

  static func hash(_ alg: HashAlgorithm, _ input: UnsafeRawBufferPointer) throws(CryptoError)
    -> [UInt8]
  {
    let md = try OpenSSLAlgorithms.shared.digest(alg)
    let length = alg.outputLength
    return try [UInt8](unsafeUninitializedCapacity: length) {
      (out, initialized) throws(CryptoError) in
      guard let outBase = out.baseAddress else { throw .library("EVP_Digest output") }
      var written: UInt32 = 0
      let ok = withInputPointer(input) { pointer, count in
        EVP_Digest(pointer, count, outBase, &written, md, nil)
      }
      guard ok == 1, Int(written) == length else { throw openSSLFailure("EVP_Digest") }
      initialized = length
    }
  }
}
