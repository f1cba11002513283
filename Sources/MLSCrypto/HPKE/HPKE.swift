import Synchronization

/// The AEAD slot of an HPKE suite: a real AEAD, or "export-only" (id 0xFFFF), whose contexts
/// can only export secrets. RFC 9180 §7.3.
public enum HPKEAEAD: Sendable, Hashable {
  case aead(AEADAlgorithm)
  case exportOnly

  /// The HPKE AEAD identifier.
  public var id: UInt16 {
    switch self {
    case .aead(let algorithm): algorithm.hpkeAEADID
    case .exportOnly: 0xFFFF
    }
  }

  /// Nk: zero for export-only.
  var keyLength: Int {
    switch self {
    case .aead(let algorithm): algorithm.keyLength
    case .exportOnly: 0
    }
  }

  /// Nn: zero for export-only.
  var nonceLength: Int {
    switch self {
    case .aead(let algorithm): algorithm.nonceLength
    case .exportOnly: 0
    }
  }
}

/// A pre-shared key and its identifier, for the psk and auth_psk modes. RFC 9180 §5.1.2.
public struct HPKEPreSharedKey: Sendable {
  public let key: SecretBytes
  public let id: [UInt8]

  public init(key: SecretBytes, id: [UInt8]) {
    self.key = key
    self.id = id
  }
}

/// The four HPKE modes. RFC 9180 §5 Table 1.
public enum HPKEMode: UInt8, Sendable {
  case base = 0x00
  case psk = 0x01
  case auth = 0x02
  case authPSK = 0x03
}

/// Hybrid Public Key Encryption (RFC 9180) with a DHKEM, HKDF and an AEAD.
///
/// The mode follows from the arguments: a `psk` selects psk (or auth_psk), a sender key selects
/// auth (or auth_psk), neither selects base — which keeps the mode and its inputs consistent.
public struct HPKE: Sendable {
  public let kem: KEMAlgorithm
  public let kdf: HashAlgorithm
  public let aead: HPKEAEAD

  let dhkem: DHKEM
  let kdfLabeled: LabeledKDF

  public init(kem: KEMAlgorithm, kdf: HashAlgorithm, aead: HPKEAEAD) {
    self.kem = kem
    self.kdf = kdf
    self.aead = aead
    dhkem = DHKEM(kem)
    var suiteID = Array("HPKE".utf8)
    for id in [kem.hpkeKEMID, kdf.hpkeKDFID, aead.id] {
      suiteID += [UInt8(truncatingIfNeeded: id >> 8), UInt8(truncatingIfNeeded: id)]
    }
    kdfLabeled = LabeledKDF(hash: kdf, suiteID: suiteID)
  }

  // MARK: Keys

  /// GenerateKeyPair(): a fresh KEM key pair. RFC 9180 §4.
  public func generateKeyPair() throws(CryptoError) -> (
    privateKey: SecretBytes, publicKey: [UInt8]
  ) {
    let pair = try dhkem.generateKeyPair()
    return (pair.privateKey, pair.publicKey)
  }

  /// DeriveKeyPair(ikm): the deterministic key pair of RFC 9180 §7.1.3.
  public func deriveKeyPair(ikm: SecretBytes) throws(CryptoError) -> (
    privateKey: SecretBytes, publicKey: [UInt8]
  ) {
    let pair = try dhkem.deriveKeyPair(ikm: ikm)
    return (pair.privateKey, pair.publicKey)
  }

  /// The serialized public key of a serialized private key (validated on import).
  public func publicKey(for privateKey: SecretBytes) throws(CryptoError) -> [UInt8] {
    try dhkem.keyPair(privateKey: privateKey).publicKey
  }

  // MARK: Setup

  /// SetupBaseS / SetupPSKS / SetupAuthS / SetupAuthPSKS. RFC 9180 §5.1.
  ///
  /// - Parameters:
  ///   - psk: selects the psk modes; both its key and id must be non-empty.
  ///   - senderPrivateKey: selects the auth modes (the sender's static key skS).
  public func setupSender(
    recipientPublicKey: [UInt8], info: [UInt8], psk: HPKEPreSharedKey? = nil,
    senderPrivateKey: SecretBytes? = nil
  ) throws(CryptoError) -> HPKESenderContext {
    try setupSender(
      recipientPublicKey: recipientPublicKey, info: info, psk: psk,
      senderPrivateKey: senderPrivateKey, ephemeral: nil)
  }

  /// SetupBaseR / SetupPSKR / SetupAuthR / SetupAuthPSKR. RFC 9180 §5.1.
  public func setupReceiver(
    enc: [UInt8], recipientPrivateKey: SecretBytes, info: [UInt8], psk: HPKEPreSharedKey? = nil,
    senderPublicKey: [UInt8]? = nil
  ) throws(CryptoError) -> HPKEReceiverContext {
    try setupReceiver(
      enc: enc, recipientPrivateKey: recipientPrivateKey, infoHash: infoHash(info), psk: psk,
      senderPublicKey: senderPublicKey)
  }

  /// SetupBaseR / ... with a precomputed `infoHash(parts:)`. RFC 9180 §5.1.
  public func setupReceiver(
    enc: [UInt8], recipientPrivateKey: SecretBytes, infoHash: InfoHash,
    psk: HPKEPreSharedKey? = nil, senderPublicKey: [UInt8]? = nil
  ) throws(CryptoError) -> HPKEReceiverContext {
    guard infoHash.suiteID == kdfLabeled.suiteID else {
      throw .library("info_hash prepared for another HPKE suite")
    }
    let mode = try Self.mode(psk: psk, authenticated: senderPublicKey != nil)
    let recipient = try dhkem.keyPair(privateKey: recipientPrivateKey)
    let sharedSecret = try dhkem.decap(
      enc: enc, recipient: recipient, senderPublicKey: senderPublicKey)
    let core = try keySchedule(
      mode: mode, sharedSecret: sharedSecret, infoHash: infoHash.bytes, psk: psk)
    return HPKEReceiverContext(core: core)
  }

  /// The sender setup with an optional fixed ephemeral key: known-answer tests only.
  func setupSender(
    recipientPublicKey: [UInt8], info: [UInt8], psk: HPKEPreSharedKey?,
    senderPrivateKey: SecretBytes?, ephemeral: DHKEM.KeyPair?
  ) throws(CryptoError) -> HPKESenderContext {
    try setupSender(
      recipientPublicKey: recipientPublicKey, infoHash: infoHash(info), psk: psk,
      senderPrivateKey: senderPrivateKey, ephemeral: ephemeral)
  }

  func setupSender(
    recipientPublicKey: [UInt8], infoHash: InfoHash, psk: HPKEPreSharedKey?,
    senderPrivateKey: SecretBytes?, ephemeral: DHKEM.KeyPair?
  ) throws(CryptoError) -> HPKESenderContext {
    guard infoHash.suiteID == kdfLabeled.suiteID else {
      throw .library("info_hash prepared for another HPKE suite")
    }
    let mode = try Self.mode(psk: psk, authenticated: senderPrivateKey != nil)
    var sender: DHKEM.KeyPair?
    if let senderPrivateKey { sender = try dhkem.keyPair(privateKey: senderPrivateKey) }
    let encapsulation = try dhkem.encap(
      recipientPublicKey: recipientPublicKey, sender: sender, ephemeral: ephemeral)
    let core = try keySchedule(
      mode: mode, sharedSecret: encapsulation.sharedSecret, infoHash: infoHash.bytes, psk: psk)
    return HPKESenderContext(enc: encapsulation.enc, core: core)
  }

  /// `info_hash = LabeledExtract("", "info_hash", info)` of the key schedule. RFC 9180 §5.1.
  ///
  /// Kept apart so that many setups sharing one large `info` hash it once: every Welcome
  /// secret of a commit is sealed with the whole encrypted GroupInfo (and so the tree) in its
  /// info, which would otherwise be hashed once per new member (RFC 9420 §12.4.3.1).
  public struct InfoHash: Sendable {
    let suiteID: [UInt8]
    let bytes: [UInt8]
  }

  /// Hashes `info` for `seal(recipientPublicKey:infoHash:aad:plaintext:)`.
  public func infoHash(_ info: [UInt8]) throws(CryptoError) -> InfoHash {
    try infoHash(parts: [info])
  }

  /// Hashes the info made of `parts` in order, without joining them.
  public func infoHash(parts: [[UInt8]]) throws(CryptoError) -> InfoHash {
    let hash = try kdfLabeled.extract(label: "info_hash", publicParts: parts)
    return InfoHash(suiteID: kdfLabeled.suiteID, bytes: hash)
  }

  // MARK: Single-shot

  /// Single-shot encryption: setup, then one seal at sequence number 0. RFC 9180 §6.1.
  public func seal(
    recipientPublicKey: [UInt8], info: [UInt8], aad: [UInt8], plaintext: [UInt8],
    psk: HPKEPreSharedKey? = nil, senderPrivateKey: SecretBytes? = nil
  ) throws(CryptoError) -> (enc: [UInt8], ciphertext: [UInt8]) {
    var context = try setupSender(
      recipientPublicKey: recipientPublicKey, info: info, psk: psk,
      senderPrivateKey: senderPrivateKey)
    let ciphertext = try context.seal(aad: aad, plaintext: plaintext)
    return (context.enc, ciphertext)
  }

  /// Single-shot base-mode encryption with a precomputed `infoHash(info)`. RFC 9180 §6.1.
  public func seal(
    recipientPublicKey: [UInt8], infoHash: InfoHash, aad: [UInt8], plaintext: [UInt8]
  ) throws(CryptoError) -> (enc: [UInt8], ciphertext: [UInt8]) {
    var context = try setupSender(
      recipientPublicKey: recipientPublicKey, infoHash: infoHash, psk: nil,
      senderPrivateKey: nil, ephemeral: nil)
    let ciphertext = try context.seal(aad: aad, plaintext: plaintext)
    return (context.enc, ciphertext)
  }

  /// Single-shot decryption. RFC 9180 §6.1.
  public func open(
    enc: [UInt8], recipientPrivateKey: SecretBytes, info: [UInt8], aad: [UInt8],
    ciphertext: [UInt8], psk: HPKEPreSharedKey? = nil, senderPublicKey: [UInt8]? = nil
  ) throws(CryptoError) -> [UInt8] {
    var context = try setupReceiver(
      enc: enc, recipientPrivateKey: recipientPrivateKey, info: info, psk: psk,
      senderPublicKey: senderPublicKey)
    return try context.open(aad: aad, ciphertext: ciphertext)
  }

  /// Single-shot export on the sender side: (enc, exported secret). RFC 9180 §6.2.
  public func sendExport(
    recipientPublicKey: [UInt8], info: [UInt8], exporterContext: [UInt8], length: Int,
    psk: HPKEPreSharedKey? = nil, senderPrivateKey: SecretBytes? = nil
  ) throws(CryptoError) -> (enc: [UInt8], exported: SecretBytes) {
    let context = try setupSender(
      recipientPublicKey: recipientPublicKey, info: info, psk: psk,
      senderPrivateKey: senderPrivateKey)
    let exported = try context.export(exporterContext: exporterContext, length: length)
    return (context.enc, exported)
  }

  /// Single-shot export on the receiver side. RFC 9180 §6.2.
  public func receiveExport(
    enc: [UInt8], recipientPrivateKey: SecretBytes, info: [UInt8], exporterContext: [UInt8],
    length: Int, psk: HPKEPreSharedKey? = nil, senderPublicKey: [UInt8]? = nil
  ) throws(CryptoError) -> SecretBytes {
    let context = try setupReceiver(
      enc: enc, recipientPrivateKey: recipientPrivateKey, info: info, psk: psk,
      senderPublicKey: senderPublicKey)
    return try context.export(exporterContext: exporterContext, length: length)
  }

  // MARK: Key schedule

  /// VerifyPSKInputs, RFC 9180 §5.1: a PSK needs both a key and an id. With the mode derived from
  /// the arguments, "psk mode without a psk" and its converse cannot be expressed.
  static func mode(psk: HPKEPreSharedKey?, authenticated: Bool) throws(CryptoError) -> HPKEMode {
    guard let psk else { return authenticated ? .auth : .base }
    guard !psk.key.isEmpty else { throw .invalidLength("HPKE psk must not be empty") }
    guard !psk.id.isEmpty else { throw .invalidLength("HPKE psk_id must not be empty") }
    return authenticated ? .authPSK : .psk
  }

  /// KeySchedule(mode, shared_secret, info, psk, psk_id), given info_hash. RFC 9180 §5.1.
  func keySchedule(
    mode: HPKEMode, sharedSecret: SecretBytes, infoHash: [UInt8], psk: HPKEPreSharedKey?
  ) throws(CryptoError) -> HPKEContextCore {
    let pskIDHash: [UInt8]
    if let psk {
      pskIDHash = try kdfLabeled.extract(label: "psk_id_hash", publicIKM: psk.id).revealed()
    } else {
      pskIDHash = try emptyPSKIDHash()
    }
    let context = [mode.rawValue] + pskIDHash + infoHash
    let secret = try kdfLabeled.extract(
      salt: sharedSecret, label: "secret", ikm: psk?.key ?? SecretBytes(zeros: 0))
    let outputs = try kdfLabeled.expand(
      prk: secret,
      [
        ("key", context, aead.keyLength), ("base_nonce", context, aead.nonceLength),
        ("exp", context, kdf.outputLength),
      ])
    guard outputs.count == 3 else { throw .library("LabeledExpand outputs") }
    return HPKEContextCore(
      aead: aead, kdf: kdfLabeled, keyScheduleContext: context, key: outputs[0],
      baseNonce: outputs[1].revealed(), exporterSecret: outputs[2])
  }

  /// LabeledExtract("", "psk_id_hash", "") of this suite: a public constant of the base and
  /// auth modes (every MLS EncryptWithLabel), computed once per suite and process.
  private func emptyPSKIDHash() throws(CryptoError) -> [UInt8] {
    let suiteID = kdfLabeled.suiteID
    if let cached = Self.emptyPSKIDHashes.withLock({ $0[suiteID] }) { return cached }
    let computed = try kdfLabeled.extract(label: "psk_id_hash", publicIKM: []).revealed()
    Self.emptyPSKIDHashes.withLock { $0[suiteID] = computed }
    return computed
  }

  private static let emptyPSKIDHashes = Mutex<[[UInt8]: [UInt8]]>([:])
}

// MARK: Known-answer hooks

/// Deterministic entry points for the RFC 9180 Appendix A vectors, which fix the ephemeral key
/// through DeriveKeyPair(ikmE). A reused ikmE reuses the ephemeral key: never use these in
/// production code.
extension HPKE {
  /// Encap / AuthEncap with the ephemeral key pair DeriveKeyPair(ikmE): (shared_secret, enc).
  @_spi(KnownAnswer)
  public func encapsulate(
    recipientPublicKey: [UInt8], senderPrivateKey: SecretBytes? = nil, ephemeralIKM: SecretBytes
  ) throws(CryptoError) -> (sharedSecret: SecretBytes, enc: [UInt8]) {
    var sender: DHKEM.KeyPair?
    if let senderPrivateKey { sender = try dhkem.keyPair(privateKey: senderPrivateKey) }
    let ephemeral = try dhkem.deriveKeyPair(ikm: ephemeralIKM)
    let result = try dhkem.encap(
      recipientPublicKey: recipientPublicKey, sender: sender, ephemeral: ephemeral)
    return (result.sharedSecret, result.enc)
  }

  /// Decap / AuthDecap: the recipient's shared_secret.
  @_spi(KnownAnswer)
  public func decapsulate(
    enc: [UInt8], recipientPrivateKey: SecretBytes, senderPublicKey: [UInt8]? = nil
  ) throws(CryptoError) -> SecretBytes {
    let recipient = try dhkem.keyPair(privateKey: recipientPrivateKey)
    return try dhkem.decap(enc: enc, recipient: recipient, senderPublicKey: senderPublicKey)
  }

  /// The sender setup with the ephemeral key pair DeriveKeyPair(ikmE).
  @_spi(KnownAnswer)
  public func setupSender(
    recipientPublicKey: [UInt8], info: [UInt8], psk: HPKEPreSharedKey? = nil,
    senderPrivateKey: SecretBytes? = nil, ephemeralIKM: SecretBytes
  ) throws(CryptoError) -> HPKESenderContext {
    try setupSender(
      recipientPublicKey: recipientPublicKey, info: info, psk: psk,
      senderPrivateKey: senderPrivateKey, ephemeral: try dhkem.deriveKeyPair(ikm: ephemeralIKM))
  }
}

extension HPKESenderContext {
  /// key_schedule_context, key, base_nonce and exporter_secret, for known-answer checks.
  @_spi(KnownAnswer)
  public var keyScheduleOutputs: HPKEKeyScheduleOutputs { HPKEKeyScheduleOutputs(core) }
}

extension HPKEReceiverContext {
  /// key_schedule_context, key, base_nonce and exporter_secret, for known-answer checks.
  @_spi(KnownAnswer)
  public var keyScheduleOutputs: HPKEKeyScheduleOutputs { HPKEKeyScheduleOutputs(core) }
}

/// What KeySchedule produced (RFC 9180 §5.1), exposed only to known-answer tests.
@_spi(KnownAnswer)
public struct HPKEKeyScheduleOutputs: Sendable {
  public let keyScheduleContext: [UInt8]
  public let key: SecretBytes
  public let baseNonce: [UInt8]
  public let exporterSecret: SecretBytes

  init(_ core: HPKEContextCore) {
    keyScheduleContext = core.keyScheduleContext
    key = core.key
    baseNonce = core.baseNonce
    exporterSecret = core.exporterSecret
  }
}
