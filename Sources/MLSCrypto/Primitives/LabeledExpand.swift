import MLSCodec

/// The per-message `ExpandWithLabel`s (RFC 9420 §5.1) of a PrivateMessage, without building
/// arrays: each KDFLabel is written on the stack from a static label, and all outputs of one
/// secret come from one keyed HMAC (`HKDF.expand(_:prk:requests:)` gives the same bytes).
///
/// A message derives five values (§6.3.2, §9.1); building their KDFLabels as arrays of strings
/// and tuples cost as much as the HMACs' own bookkeeping.
extension CipherSuiteProvider {
  /// One step of a hash ratchet: `DeriveTreeSecret(secret, "key" | "nonce" | "secret",
  /// generation, Nk | Nn | Nh)`. RFC 9420 §9.1.
  public func deriveRatchetStep(secret: SecretBytes, generation: UInt32) throws(CryptoError)
    -> (key: SecretBytes, nonce: [UInt8], nextSecret: SecretBytes)
  {
    let hash = self.hash
    return try secret.withUnsafeBytes {
      (prk) throws(CryptoError) -> (key: SecretBytes, nonce: [UInt8], nextSecret: SecretBytes) in
      try ratchetStep(HMACContext(hash, key: prk), generation: generation)
    }
  }

  /// `deriveRatchetStep` with the secret already keyed (`RatchetHMAC`), which the caller holds
  /// the only reference to. The context is left used; the caller re-keys it with `nextSecret`.
  public func deriveRatchetStep(keyed: RatchetHMAC, generation: UInt32) throws(CryptoError)
    -> (key: SecretBytes, nonce: [UInt8], nextSecret: SecretBytes)
  {
    guard keyed.hash == hash else { throw .invalidLength("HMAC key of another hash") }
    return try keyed.withContext {
      (hmac) throws(CryptoError) -> (key: SecretBytes, nonce: [UInt8], nextSecret: SecretBytes) in
      try ratchetStep(hmac, generation: generation)
    }
  }

  /// The three ExpandWithLabels of a ratchet step on a context keyed with its secret.
  private func ratchetStep(_ hmac: borrowing HMACContext, generation: UInt32)
    throws(CryptoError) -> (key: SecretBytes, nonce: [UInt8], nextSecret: SecretBytes)
  {
    let hash = self.hash
    let keyLength = aeadKeyLength
    let nonceLength = aeadNonceLength
    return try withUnsafeTemporaryAllocation(byteCount: 4, alignment: 1) {
      (context) throws(CryptoError) -> (key: SecretBytes, nonce: [UInt8], nextSecret: SecretBytes)
      in
      // DeriveTreeSecret's context: the generation as a uint32 (big-endian).
      for index in 0..<4 {
        context[index] = UInt8(truncatingIfNeeded: generation >> (24 - 8 * UInt32(index)))
      }
      let generationBytes = UnsafeRawBufferPointer(context)
      return try HKDF.withBlock(hash) {
        (block) throws(CryptoError) -> (key: SecretBytes, nonce: [UInt8], nextSecret: SecretBytes)
        in
        let key = try SecretBytes(count: keyLength) { (out) throws(CryptoError) in
          try HKDF.expandLabel(
            hmac, fresh: true, label: "MLS 1.0 key", context: generationBytes, block: block,
            into: out)
        }
        let nonce = try HKDF.expandLabelPublic(
          hmac, label: "MLS 1.0 nonce", context: generationBytes, block: block,
          length: nonceLength)
        let next = try SecretBytes(count: hash.outputLength) { (out) throws(CryptoError) in
          try HKDF.expandLabel(
            hmac, fresh: false, label: "MLS 1.0 secret", context: generationBytes,
            block: block, into: out)
        }
        return (key, nonce, next)
      }
    }
  }

  /// The key and nonce protecting a PrivateMessage's sender data:
  /// `ExpandWithLabel(sender_data_secret, "key" | "nonce", ciphertext_sample, Nk | Nn)`, where
  /// the sample is the first `Nh` bytes of `ciphertext` (all of it when shorter). RFC 9420 §6.3.2.
  public func deriveSenderDataKeys(key senderDataKey: HMACKey, ciphertext: [UInt8])
    throws(CryptoError) -> (key: SecretBytes, nonce: [UInt8])
  {
    guard senderDataKey.hash == hash else { throw .invalidLength("HMAC key of another hash") }
    let hash = self.hash
    let keyLength = aeadKeyLength
    let nonceLength = aeadNonceLength
    return try withExtendedLifetime(senderDataKey) {
      () throws(CryptoError) -> (key: SecretBytes, nonce: [UInt8]) in
      let hmac = try HMACContext(senderDataKey)
      return try ciphertext.withUnsafeBytes(sample: hash.outputLength) {
        (sample) throws(CryptoError) -> (key: SecretBytes, nonce: [UInt8]) in
        try HKDF.withBlock(hash) {
          (block) throws(CryptoError) -> (key: SecretBytes, nonce: [UInt8]) in
          let key = try SecretBytes(count: keyLength) { (out) throws(CryptoError) in
            try HKDF.expandLabel(
              hmac, fresh: true, label: "MLS 1.0 key", context: sample, block: block, into: out)
          }
          let nonce = try HKDF.expandLabelPublic(
            hmac, label: "MLS 1.0 nonce", context: sample, block: block, length: nonceLength)
          return (key, nonce)
        }
      }
    }
  }
}

extension Array where Element == UInt8 {
  /// Runs `body` with the first `count` bytes (all of them when shorter), typed throws.
  fileprivate func withUnsafeBytes<R>(
    sample count: Int, _ body: (UnsafeRawBufferPointer) throws(CryptoError) -> R
  ) throws(CryptoError) -> R {
    try withRawBytes(self) { (bytes) throws(CryptoError) -> R in
      try body(UnsafeRawBufferPointer(rebasing: bytes.prefix(count)))
    }
  }
}

extension HKDF {
  /// HKDF-Expand(PRK, KDFLabel, out.count) with the KDFLabel of RFC 9420 §5.1 written on the
  /// stack (`writeKDFLabel`). `fresh` as in `expandBlocks`.
  static func expandLabel(
    _ hmac: borrowing HMACContext, fresh: Bool, label prefixedLabel: StaticString,
    context: UnsafeRawBufferPointer, block: UnsafeMutableRawBufferPointer,
    into out: UnsafeMutableRawBufferPointer
  ) throws(CryptoError) {
    guard out.count <= 255 * block.count else { throw .invalidLength("ExpandWithLabel length") }
    let label = UnsafeRawBufferPointer(
      start: prefixedLabel.utf8Start, count: prefixedLabel.utf8CodeUnitCount)
    let total = kdfLabelCount(labelCount: label.count, contextCount: context.count)
    try withUnsafeTemporaryAllocation(byteCount: total, alignment: 1) {
      (info) throws(CryptoError) in
      try writeKDFLabel(length: out.count, label: label, context: context, into: info)
      try expandBlocks(
        hmac, fresh: fresh, info: UnsafeRawBufferPointer(info), block: block, into: out)
    }
  }

  /// `expandLabel` for a public output (a nonce), after an earlier output of the same context.
  static func expandLabelPublic(
    _ hmac: borrowing HMACContext, label: StaticString, context: UnsafeRawBufferPointer,
    block: UnsafeMutableRawBufferPointer, length: Int
  ) throws(CryptoError) -> [UInt8] {
    try [UInt8](unsafeUninitializedCapacity: length) { (out, initialized) throws(CryptoError) in
      try expandLabel(
        hmac, fresh: false, label: label, context: context, block: block,
        into: UnsafeMutableRawBufferPointer(out))
      initialized = length
    }
  }

  /// The size of a KDFLabel whose prefixed label and context have these sizes.
  static func kdfLabelCount(labelCount: Int, contextCount: Int) -> Int {
    2 + Varint.encodedLength(labelCount) + labelCount + Varint.encodedLength(contextCount)
      + contextCount
  }

  /// Writes `KDFLabel { uint16 length; opaque label<V>; opaque context<V> }` (RFC 9420 §5.1)
  /// into `info`, which holds exactly `kdfLabelCount` bytes; `label` already carries the
  /// "MLS 1.0 " prefix. The one encoder of KDFLabel, for labels built at run time and for the
  /// static ones of the per-message derivations alike.
  static func writeKDFLabel(
    length: Int, label: UnsafeRawBufferPointer, context: UnsafeRawBufferPointer,
    into info: UnsafeMutableRawBufferPointer
  ) throws(CryptoError) {
    guard let length16 = UInt16(exactly: length) else {
      throw .invalidLength("ExpandWithLabel length")
    }
    guard label.count <= Varint.maximum, context.count <= Varint.maximum,
      info.count == kdfLabelCount(labelCount: label.count, contextCount: context.count)
    else { throw .invalidLength("KDFLabel") }
    var offset = 0
    func emit(_ byte: UInt8) {
      info[offset] = byte
      offset += 1
    }
    func writeOpaque(_ field: UnsafeRawBufferPointer) {
      Varint.encode(field.count, emit)
      guard field.count > 0 else { return }
      UnsafeMutableRawBufferPointer(rebasing: info[offset..<(offset + field.count)])
        .copyMemory(from: field)
      offset += field.count
    }
    emit(UInt8(truncatingIfNeeded: length16 >> 8))
    emit(UInt8(truncatingIfNeeded: length16))
    writeOpaque(label)
    writeOpaque(context)
  }
}
