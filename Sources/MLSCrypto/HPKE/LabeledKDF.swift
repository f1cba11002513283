/// HPKE's labeled HKDF, bound to one suite. RFC 9180 §4.
///
/// Every extract and expand is prefixed with "HPKE-v1" and the suite identifier, so that keys
/// derived for one KEM, KDF or AEAD can never be confused with another's.
struct LabeledKDF: Sendable {
  let hash: HashAlgorithm
  /// "KEM" || I2OSP(kem_id, 2) inside the DHKEM, "HPKE" || kem_id || kdf_id || aead_id outside.
  let suiteID: [UInt8]

  private static let version = Array("HPKE-v1".utf8)

  /// LabeledExtract(salt, label, ikm) = Extract(salt, "HPKE-v1" || suite_id || label || ikm).
  func extract(salt: SecretBytes, label: String, ikm: SecretBytes) throws(CryptoError)
    -> SecretBytes
  {
    let prefix = Self.version + suiteID + Array(label.utf8)
    let labeledIKM = SecretBytes(count: prefix.count + ikm.count) { out in
      out.copyBytes(from: prefix)
      ikm.withUnsafeBytes { raw in
        UnsafeMutableRawBufferPointer(rebasing: out[prefix.count...]).copyMemory(from: raw)
      }
    }
    return try HKDF.extract(hash, salt: salt, ikm: labeledIKM)
  }

  /// LabeledExtract with a public input (info, psk_id) and an empty salt.
  /// LabeledExtract("", label, ikm) of a public ikm given as consecutive parts, hashed where
  /// they lie (no joined copy, nothing to wipe).
  func extract(label: String, publicParts: [[UInt8]]) throws(CryptoError) -> [UInt8] {
    let prefix = Self.version + suiteID + Array(label.utf8)
    return try HKDF.extract(hash, salt: [], ikmParts: [prefix] + publicParts)
  }

  /// LabeledExtract("", label, ikm) with a public ikm fed in pieces: the HMAC under the empty
  /// salt, already given "HPKE-v1" || suite_id || label.
  func extractStream(label: String) throws(CryptoError) -> HPKE.InfoHasher {
    let prefix = Self.version + suiteID + Array(label.utf8)
    let hasher = try HPKE.InfoHasher(hash, suiteID: suiteID)
    try hasher.update(prefix)
    return hasher
  }

  func extract(label: String, publicIKM: [UInt8]) throws(CryptoError) -> SecretBytes {
    try extract(salt: SecretBytes(zeros: 0), label: label, ikm: SecretBytes(publicIKM))
  }

  /// LabeledExpand(prk, label, info, L) =
  /// Expand(prk, I2OSP(L, 2) || "HPKE-v1" || suite_id || label || info, L).
  func expand(prk: SecretBytes, label: String, info: [UInt8], length: Int) throws(CryptoError)
    -> SecretBytes
  {
    try HKDF.expand(
      hash, prk: prk, info: labeledInfo(label: label, info: info, length: length), length: length)
  }

  /// Several LabeledExpands of one PRK, HMAC keyed once (`HKDF.expand(_:prk:requests:)`): the
  /// key schedule's key, base_nonce and exporter_secret (RFC 9180 §5.1).
  func expand(prk: SecretBytes, _ requests: [(label: String, info: [UInt8], length: Int)])
    throws(CryptoError) -> [SecretBytes]
  {
    var infos: [(info: [UInt8], length: Int)] = []
    infos.reserveCapacity(requests.count)
    for request in requests {
      let info = try labeledInfo(label: request.label, info: request.info, length: request.length)
      infos.append((info, request.length))
    }
    return try HKDF.expand(hash, prk: prk, requests: infos)
  }

  private func labeledInfo(label: String, info: [UInt8], length: Int) throws(CryptoError)
    -> [UInt8]
  {
    guard length >= 0, length <= Int(UInt16.max) else {
      throw .invalidLength("LabeledExpand length must fit in two bytes")
    }
    var labeledInfo: [UInt8] = []
    labeledInfo.reserveCapacity(
      2 + Self.version.count + suiteID.count + label.utf8.count + info.count)
    labeledInfo.append(UInt8(truncatingIfNeeded: length >> 8))
    labeledInfo.append(UInt8(truncatingIfNeeded: length))
    labeledInfo += Self.version
    labeledInfo += suiteID
    labeledInfo += label.utf8
    labeledInfo += info
    return labeledInfo
  }
}
