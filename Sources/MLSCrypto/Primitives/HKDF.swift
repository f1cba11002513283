internal import COpenSSL

/// HKDF (RFC 5869) over HMAC. MLS uses the suite KDF for every secret derivation
/// (RFC 9420 §5.1, §8); HPKE uses it for its labeled KDF (RFC 9180 §4).
///
/// Expand is written over `EVP_MAC` HMAC rather than `EVP_KDF`, because OpenSSL 3.0's HKDF caps
/// `info` at 32 KiB and MLS `ExpandWithLabel` contexts (a GroupContext) can exceed that.
public enum HKDF {
  /// HKDF-Extract(salt, IKM) = HMAC-Hash(salt, IKM). RFC 5869 §2.2. An empty salt acts as
  /// `Hash.length` zero bytes, as the RFC requires (HMAC zero-pads keys).
  public static func extract(_ alg: HashAlgorithm, salt: [UInt8], ikm: [UInt8])
    throws(CryptoError) -> [UInt8]
  {
    try HMAC.mac(alg, key: salt, data: ikm)
  }

  /// HKDF-Extract(salt, IKM) of a public IKM given as consecutive parts, fed to the HMAC where
  /// they lie: a large IKM (an HPKE info carrying a whole encrypted GroupInfo) is never copied.
  static func extract(_ alg: HashAlgorithm, salt: [UInt8], ikmParts: [[UInt8]])
    throws(CryptoError) -> [UInt8]
  {
    try withRawBytes(salt) { (saltBytes) throws(CryptoError) -> [UInt8] in
      let context = try HMACContext(alg, key: saltBytes)
      for part in ikmParts {
        try withRawBytes(part) { (bytes) throws(CryptoError) in try context.update(bytes) }
      }
      return try [UInt8](unsafeUninitializedCapacity: alg.outputLength) {
        (out, initialized) throws(CryptoError) in
        try context.finish(into: UnsafeMutableRawBufferPointer(out))
        initialized = alg.outputLength
      }
    }
  }

  /// HKDF-Extract on secrets, the output kept in wiped storage (MLS key schedule, §8).
  public static func extract(_ alg: HashAlgorithm, salt: SecretBytes, ikm: SecretBytes)
    throws(CryptoError) -> SecretBytes
  {
    try salt.withUnsafeBytes { (saltBytes) throws(CryptoError) -> SecretBytes in
      try ikm.withUnsafeBytes { (ikmBytes) throws(CryptoError) -> SecretBytes in
        let context = try HMACContext(alg, key: saltBytes)
        try context.update(ikmBytes)
        return try SecretBytes(count: alg.outputLength) { (out) throws(CryptoError) in
          try context.finish(into: out)
        }
      }
    }
  }

  /// HKDF-Expand(PRK, info, L). RFC 5869 §2.3. `length` must be in 0...255 * Hash.length.
  public static func expand(_ alg: HashAlgorithm, prk: [UInt8], info: [UInt8], length: Int)
    throws(CryptoError) -> [UInt8]
  {
    try checkLength(alg, length)
    return try withRawBytes(prk) { (prkBytes) throws(CryptoError) -> [UInt8] in
      try withRawBytes(info) { (infoBytes) throws(CryptoError) -> [UInt8] in
        try [UInt8](unsafeUninitializedCapacity: length) {
          (out, initialized) throws(CryptoError) in
          try expand(alg, prk: prkBytes, info: infoBytes, into: UnsafeMutableRawBufferPointer(out))
          initialized = length
        }
      }
    }
  }

  /// HKDF-Expand on a secret PRK, writing the output straight into wiped storage.
  public static func expand(_ alg: HashAlgorithm, prk: SecretBytes, info: [UInt8], length: Int)
    throws(CryptoError) -> SecretBytes
  {
    try checkLength(alg, length)
    return try prk.withUnsafeBytes { (prkBytes) throws(CryptoError) -> SecretBytes in
      try withRawBytes(info) { (infoBytes) throws(CryptoError) -> SecretBytes in
        try SecretBytes(count: length) { (out) throws(CryptoError) in
          try expand(alg, prk: prkBytes, info: infoBytes, into: out)
        }
      }
    }
  }

  private static func checkLength(_ alg: HashAlgorithm, _ length: Int) throws(CryptoError) {
    guard length >= 0, length <= 255 * alg.outputLength else {
      throw .invalidLength("HKDF-Expand length")
    }
  }

  /// HKDF-Expand of several `info`s under one secret PRK, each output in wiped storage.
  ///
  /// Equal to one `expand` per request, but HMAC is keyed with the PRK once: every further
  /// block only restarts the keyed context. MLS derives several values from one secret at a
  /// time (a secret-tree node's two children, a leaf's two ratchets, RFC 9420 §9; the
  /// per-message ones go through `expandLabel` on the same loop), and keying dominates the cost
  /// of such short HMACs.
  public static func expand(
    _ alg: HashAlgorithm, prk: SecretBytes, requests: [(info: [UInt8], length: Int)]
  ) throws(CryptoError) -> [SecretBytes] {
    for request in requests { try checkLength(alg, request.length) }
    return try prk.withUnsafeBytes { (prkBytes) throws(CryptoError) -> [SecretBytes] in
      try expandAll(HMACContext(alg, key: prkBytes), alg, requests)
    }
  }

  /// The requests' outputs in order, from one keyed context (restarted between blocks).
  private static func expandAll(
    _ context: consuming HMACContext, _ alg: HashAlgorithm,
    _ requests: [(info: [UInt8], length: Int)]
  ) throws(CryptoError) -> [SecretBytes] {
    try withBlock(alg) { (block) throws(CryptoError) -> [SecretBytes] in
      var results: [SecretBytes] = []
      results.reserveCapacity(requests.count)
      var fresh = true
      for request in requests {
        let output = try withRawBytes(request.info) {
          (infoBytes) throws(CryptoError) -> SecretBytes in
          try SecretBytes(count: request.length) { (out) throws(CryptoError) in
            try expandBlocks(context, fresh: fresh, info: infoBytes, block: block, into: out)
          }
        }
        if request.length > 0 { fresh = false }
        results.append(output)
      }
      return results
    }
  }

  /// T(i) = HMAC(PRK, T(i-1) | info | i), output = T(1) | T(2) | ... truncated to `out.count`.
  static func expand(
    _ alg: HashAlgorithm, prk: UnsafeRawBufferPointer, info: UnsafeRawBufferPointer,
    into out: UnsafeMutableRawBufferPointer
  ) throws(CryptoError) {
    try checkLength(alg, out.count)
    guard out.count > 0 else { return }
    let context = try HMACContext(alg, key: prk)
    try withBlock(alg) { (block) throws(CryptoError) in
      try expandBlocks(context, fresh: true, info: info, block: block, into: out)
    }
  }

  /// Runs `body` with stack scratch space for one block T(i), wiped afterwards (it holds
  /// output bytes).
  static func withBlock<R>(
    _ alg: HashAlgorithm, _ body: (UnsafeMutableRawBufferPointer) throws(CryptoError) -> R
  ) throws(CryptoError) -> R {
    try withUnsafeTemporaryAllocation(byteCount: alg.outputLength, alignment: 1) {
      (block) throws(CryptoError) -> R in
      defer { if let base = block.baseAddress { OPENSSL_cleanse(base, block.count) } }
      return try body(block)
    }
  }

  /// The HKDF-Expand loop over an HMAC context keyed with the PRK. `fresh` says the context has
  /// not been used since it was keyed; otherwise it is restarted before the first block.
  static func expandBlocks(
    _ context: borrowing HMACContext, fresh: Bool, info: UnsafeRawBufferPointer,
    block: UnsafeMutableRawBufferPointer, into out: UnsafeMutableRawBufferPointer
  ) throws(CryptoError) {
    let blockLength = block.count
    var offset = 0
    var counter: UInt8 = 1
    while offset < out.count {
      if counter > 1 || !fresh { try context.restart() }
      if counter > 1 { try context.update(UnsafeRawBufferPointer(block)) }
      try context.update(info)
      try context.update(byte: counter)
      try context.finish(into: block)
      let take = min(blockLength, out.count - offset)
      UnsafeMutableRawBufferPointer(rebasing: out[offset..<(offset + take)])
        .copyMemory(from: UnsafeRawBufferPointer(rebasing: block[0..<take]))
      offset += take
      counter &+= 1
    }
  }
}
