internal import COpenSSL

/// DHKEM(Group, KDF): a KEM built on a Diffie-Hellman group and HKDF. RFC 9180 §4.1.
struct DHKEM: Sendable {
  let kem: KEMAlgorithm
  let group: DHGroup
  let kdf: LabeledKDF

  init(_ kem: KEMAlgorithm) {
    self.kem = kem
    group = DHGroup(kem)
    let id = kem.hpkeKEMID
    kdf = LabeledKDF(
      hash: kem.kdfHash,
      suiteID: Array("KEM".utf8) + [
        UInt8(truncatingIfNeeded: id >> 8), UInt8(truncatingIfNeeded: id),
      ])
  }

  /// A key pair from a private key and its imported form.
  struct KeyPair: Sendable {
    let privateKey: SecretBytes
    let imported: DHKeyPair
    var publicKey: [UInt8] { imported.publicKey }
  }

  /// The result of Encap / AuthEncap: the shared secret and the encapsulated key `enc`.
  struct Encapsulation: Sendable {
    let sharedSecret: SecretBytes
    let enc: [UInt8]
  }

  // MARK: Keys

  /// DeriveKeyPair(ikm). RFC 9180 §7.1.3: X25519/X448 expand straight to the private key; NIST
  /// curves draw candidates (first byte masked) until one is in [1, order-1], at most 256 tries.
  func deriveKeyPair(ikm: SecretBytes) throws(CryptoError) -> KeyPair {
    let dkpPRK = try kdf.extract(salt: SecretBytes(zeros: 0), label: "dkp_prk", ikm: ikm)
    guard let curve = group.curve else {
      let privateKey = try kdf.expand(
        prk: dkpPRK, label: "sk", info: [], length: kem.privateKeyLength)
      return KeyPair(privateKey: privateKey, imported: try group.importPrivateKey(privateKey))
    }
    let privateKey = try candidateScalar(dkpPRK: dkpPRK, bitmask: curve.bitmask) {
      (candidate) throws(CryptoError) -> Bool in try curve.isValidScalar(candidate)
    }
    return KeyPair(privateKey: privateKey, imported: try group.importPrivateKey(privateKey))
  }

  /// The NIST-curve rejection sampling of RFC 9180 §7.1.3: candidate number `counter` is
  /// LabeledExpand(dkp_prk, "candidate", I2OSP(counter, 1), Nsk) with its first byte masked;
  /// the first one `isValid` accepts is the key. `isValid` is a parameter so tests can reach the
  /// 256-try bound, which real curves practically never hit.
  func candidateScalar(
    dkpPRK: SecretBytes, bitmask: UInt8, isValid: (SecretBytes) throws(CryptoError) -> Bool
  ) throws(CryptoError) -> SecretBytes {
    for counter in 0...255 {
      let candidate = try kdf.expand(
        prk: dkpPRK, label: "candidate", info: [UInt8(counter)], length: kem.privateKeyLength)
      let masked = SecretBytes(count: candidate.count) { out in
        candidate.withUnsafeBytes { raw in out.copyMemory(from: raw) }
        out[0] &= bitmask
      }
      if try isValid(masked) { return masked }
    }
    throw .deriveKeyPairFailed
  }

  /// GenerateKeyPair(): Nsk fresh random bytes. For X25519 and X448 every Nsk-byte string is a
  /// valid private key (RFC 7748 §5 clamps it when used), so the bytes are the key, without the
  /// two KDF calls of DeriveKeyPair (about 4 us of every EncryptWithLabel). The NIST curves
  /// run DeriveKeyPair over them, which RFC 9180 §7.1.3 allows and which keeps the scalar in
  /// range.
  func generateKeyPair() throws(CryptoError) -> KeyPair {
    var status: Int32 = 0
    let ikm = SecretBytes(count: kem.privateKeyLength) { out in
      status = RAND_priv_bytes(out.bindMemory(to: UInt8.self).baseAddress, Int32(out.count))
    }
    guard status == 1 else {
      ERR_clear_error()
      throw .library("RAND_priv_bytes")
    }
    if group.curve == nil { return try keyPair(privateKey: ikm) }
    return try deriveKeyPair(ikm: ikm)
  }

  /// Imports a serialized private key and recomputes its public key.
  func keyPair(privateKey: SecretBytes) throws(CryptoError) -> KeyPair {
    KeyPair(privateKey: privateKey, imported: try group.importPrivateKey(privateKey))
  }

  // MARK: Encapsulation

  /// ExtractAndExpand(dh, kem_context). RFC 9180 §4.1.
  private func extractAndExpand(dh: SecretBytes, kemContext: [UInt8]) throws(CryptoError)
    -> SecretBytes
  {
    let eaePRK = try kdf.extract(salt: SecretBytes(zeros: 0), label: "eae_prk", ikm: dh)
    return try kdf.expand(
      prk: eaePRK, label: "shared_secret", info: kemContext, length: kem.secretLength)
  }

  /// Encap(pkR), or AuthEncap(pkR, skS) when `sender` is given. `ephemeral` replaces the fresh
  /// key pair for known-answer tests (RFC 9180 Appendix A derives it from ikmE).
  func encap(
    recipientPublicKey: [UInt8], sender: KeyPair? = nil, ephemeral: KeyPair? = nil
  ) throws(CryptoError) -> Encapsulation {
    let peer = try group.importPublicKey(recipientPublicKey)
    let keyE: KeyPair
    if let ephemeral { keyE = ephemeral } else { keyE = try generateKeyPair() }
    var dh = try group.dh(keyE.imported.privateKey, peer)
    var kemContext = keyE.publicKey + recipientPublicKey
    if let sender {
      let dhS = try group.dh(sender.imported.privateKey, peer)
      dh = concatenate(dh, dhS)
      kemContext += sender.publicKey
    }
    let sharedSecret = try extractAndExpand(dh: dh, kemContext: kemContext)
    return Encapsulation(sharedSecret: sharedSecret, enc: keyE.publicKey)
  }

  /// Decap(enc, skR), or AuthDecap(enc, skR, pkS) when `senderPublicKey` is given.
  func decap(enc: [UInt8], recipient: KeyPair, senderPublicKey: [UInt8]? = nil)
    throws(CryptoError) -> SecretBytes
  {
    let pkE = try group.importPublicKey(enc)
    var dh = try group.dh(recipient.imported.privateKey, pkE)
    var kemContext = enc + recipient.publicKey
    if let senderPublicKey {
      let pkS = try group.importPublicKey(senderPublicKey)
      let dhS = try group.dh(recipient.imported.privateKey, pkS)
      dh = concatenate(dh, dhS)
      kemContext += senderPublicKey
    }
    return try extractAndExpand(dh: dh, kemContext: kemContext)
  }

  private func concatenate(_ first: SecretBytes, _ second: SecretBytes) -> SecretBytes {
    SecretBytes(count: first.count + second.count) { out in
      first.withUnsafeBytes { raw in out.copyMemory(from: raw) }
      second.withUnsafeBytes { raw in
        UnsafeMutableRawBufferPointer(rebasing: out[first.count...]).copyMemory(from: raw)
      }
    }
  }
}
