/// The state both HPKE context roles share: key, base nonce, exporter secret, sequence number.
/// RFC 9180 §5.2, §5.3.
struct HPKEContextCore: Sendable {
  let aead: HPKEAEAD
  let kdf: LabeledKDF
  /// key_schedule_context: mode || psk_id_hash || info_hash (kept for known-answer checks).
  let keyScheduleContext: [UInt8]
  let key: SecretBytes
  let baseNonce: [UInt8]
  let exporterSecret: SecretBytes
  /// The next message's sequence number. A UInt64 bounds it below the RFC's 2^(8*Nn) - 1 limit;
  /// 2^64 - 1 messages is far beyond any use.
  var sequenceNumber: UInt64 = 0

  /// The AEAD, or a typed refusal for export-only contexts (RFC 9180 §5.3).
  private func algorithm() throws(CryptoError) -> AEADAlgorithm {
    guard case .aead(let algorithm) = aead else {
      throw .invalidLength("export-only HPKE context has no AEAD key (Nk = 0)")
    }
    return algorithm
  }

  /// ComputeNonce(seq) = base_nonce XOR I2OSP(seq, Nn). RFC 9180 §5.2.
  private func nonce() throws(CryptoError) -> [UInt8] {
    guard sequenceNumber < UInt64.max else { throw .messageLimitReached }
    var nonce = baseNonce
    let last = nonce.count - 1
    for index in 0..<8 where last - index >= 0 {
      nonce[last - index] ^= UInt8(truncatingIfNeeded: sequenceNumber >> UInt64(8 * index))
    }
    return nonce
  }

  mutating func seal(aad: [UInt8], plaintext: [UInt8]) throws(CryptoError) -> [UInt8] {
    let algorithm = try algorithm()
    let ciphertext = try AEAD.seal(
      algorithm, key: key, nonce: try nonce(), aad: aad, plaintext: plaintext)
    sequenceNumber += 1
    return ciphertext
  }

  /// A failed open leaves the sequence number unchanged, as RFC 9180 §5.2 requires.
  mutating func open(aad: [UInt8], ciphertext: [UInt8]) throws(CryptoError) -> [UInt8] {
    let algorithm = try algorithm()
    let plaintext = try AEAD.open(
      algorithm, key: key, nonce: try nonce(), aad: aad, ciphertext: ciphertext)
    sequenceNumber += 1
    return plaintext
  }

  /// Export(exporter_context, L) = LabeledExpand(exporter_secret, "sec", exporter_context, L).
  /// RFC 9180 §5.3.
  func export(exporterContext: [UInt8], length: Int) throws(CryptoError) -> SecretBytes {
    try kdf.expand(prk: exporterSecret, label: "sec", info: exporterContext, length: length)
  }
}

/// The sender's HPKE context (ContextS), with the encapsulated key to send. RFC 9180 §5.2.
///
/// Not copyable: a copy would reuse sequence numbers, hence nonces, under the same key.
public struct HPKESenderContext: ~Copyable, Sendable {
  /// enc: the encapsulated key the recipient needs.
  public let enc: [UInt8]
  var core: HPKEContextCore

  init(enc: [UInt8], core: HPKEContextCore) {
    self.enc = enc
    self.core = core
  }

  /// Seals the next message. Throws `.messageLimitReached` once the sequence number is spent.
  public mutating func seal(aad: [UInt8], plaintext: [UInt8]) throws(CryptoError) -> [UInt8] {
    try core.seal(aad: aad, plaintext: plaintext)
  }

  /// Exports a secret bound to this context. RFC 9180 §5.3.
  public func export(exporterContext: [UInt8], length: Int) throws(CryptoError) -> SecretBytes {
    try core.export(exporterContext: exporterContext, length: length)
  }
}

/// The recipient's HPKE context (ContextR). RFC 9180 §5.2.
///
/// Not copyable, so each ciphertext's sequence number is consumed once.
public struct HPKEReceiverContext: ~Copyable, Sendable {
  var core: HPKEContextCore

  init(core: HPKEContextCore) { self.core = core }

  /// Opens the next message; on failure the sequence number does not advance.
  public mutating func open(aad: [UInt8], ciphertext: [UInt8]) throws(CryptoError) -> [UInt8] {
    try core.open(aad: aad, ciphertext: ciphertext)
  }

  /// Exports a secret bound to this context. RFC 9180 §5.3.
  public func export(exporterContext: [UInt8], length: Int) throws(CryptoError) -> SecretBytes {
    try core.export(exporterContext: exporterContext, length: length)
  }
}
