import MLSCodec
import Testing

@testable import MLSCrypto

/// The `CryptoError` that `body` throws, or nil when it succeeds. Any other error fails the test.
private func thrownError(_ body: () throws -> Void) -> CryptoError? {
  do {
    try body()
    return nil
  } catch let error as CryptoError {
    return error
  } catch {
    Issue.record("unexpected error type: \(error)")
    return nil
  }
}

private func hex(_ text: String) throws -> [UInt8] {
  try #require(Hex.decode(text))
}

private let allKEMs: [KEMAlgorithm] = [
  .dhkemX25519, .dhkemX448, .dhkemP256, .dhkemP384, .dhkemP521,
]

private func suite(_ kem: KEMAlgorithm, _ aead: HPKEAEAD = .aead(.aes128GCM)) -> HPKE {
  HPKE(kem: kem, kdf: kem.kdfHash, aead: aead)
}

@Suite("HPKE DeriveKeyPair and keys")
struct HPKEKeyTests {
  /// RFC 9180 Appendix A.1.1 (X25519) and A.3.1 (P-256): ikmE -> skEm, pkEm.
  @Test func deriveKeyPairKnownAnswers() throws {
    let x25519 = try suite(.dhkemX25519).deriveKeyPair(
      ikm: SecretBytes(try hex("7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234")))
    #expect(
      x25519.privateKey.revealed()
        == (try hex("52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736")))
    #expect(
      x25519.publicKey
        == (try hex("37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431")))

    let p256 = try suite(.dhkemP256).deriveKeyPair(
      ikm: SecretBytes(try hex("4270e54ffd08d79d5928020af4686d8f6b7d35dbe470265f1f5aa22816ce860e")))
    #expect(
      p256.privateKey.revealed()
        == (try hex("4995788ef4b9d6132b249ce59a77281493eb39af373d236a1fe415cb0c2d7beb")))
    #expect(
      p256.publicKey
        == (try hex(
          "04a92719c6195d5085104f469a8b9814d5838ff72b60501e2c4466e5e67b325ac98536d7b61a1af4b78e5b7f951c0900be863c403ce65c9bfcb9382657222d18c4"
        )))
  }

  @Test(arguments: allKEMs)
  func deriveKeyPairIsDeterministic(kem: KEMAlgorithm) throws {
    let hpke = suite(kem)
    let ikm = SecretBytes([UInt8](repeating: 7, count: 32))
    let first = try hpke.deriveKeyPair(ikm: ikm)
    let second = try hpke.deriveKeyPair(ikm: ikm)
    #expect(first.privateKey == second.privateKey)
    #expect(first.publicKey == second.publicKey)
    #expect(first.privateKey.count == kem.privateKeyLength)
    #expect(first.publicKey.count == kem.publicKeyLength)
    #expect(try hpke.publicKey(for: first.privateKey) == first.publicKey)
    let other = try hpke.deriveKeyPair(ikm: SecretBytes([UInt8](repeating: 8, count: 32)))
    #expect(other.publicKey != first.publicKey)
  }

  @Test(arguments: allKEMs)
  func generatedKeysAreFreshAndConsistent(kem: KEMAlgorithm) throws {
    let hpke = suite(kem)
    let first = try hpke.generateKeyPair()
    let second = try hpke.generateKeyPair()
    #expect(first.publicKey != second.publicKey)
    #expect(try hpke.publicKey(for: first.privateKey) == first.publicKey)
  }

  @Test(arguments: allKEMs)
  func wrongSizePrivateKeyRejected(kem: KEMAlgorithm) {
    let error = thrownError {
      _ = try suite(kem).publicKey(for: SecretBytes([UInt8](repeating: 1, count: 31)))
    }
    #expect(error == .invalidPrivateKey("private key must be \(kem.privateKeyLength) bytes"))
  }

  @Test(arguments: [KEMAlgorithm.dhkemP256, .dhkemP384, .dhkemP521])
  func outOfRangeScalarRejected(kem: KEMAlgorithm) {
    let zero = SecretBytes(zeros: kem.privateKeyLength)
    #expect(
      thrownError { _ = try suite(kem).publicKey(for: zero) }
        == .invalidPrivateKey("scalar not in [1, order-1]"))
    // All-ones exceeds the group order for every NIST curve.
    let big = SecretBytes([UInt8](repeating: 0xFF, count: kem.privateKeyLength))
    #expect(
      thrownError { _ = try suite(kem).publicKey(for: big) }
        == .invalidPrivateKey("scalar not in [1, order-1]"))
  }
}

@Suite("HPKE public key validation")
struct HPKEPublicKeyTests {
  @Test(arguments: allKEMs)
  func wrongSizePublicKeyRejected(kem: KEMAlgorithm) throws {
    let hpke = suite(kem)
    let pk = try hpke.generateKeyPair().publicKey
    for bad in [Array(pk.dropLast()), pk + [0], []] {
      let error = thrownError {
        _ = try hpke.setupSender(recipientPublicKey: bad, info: [])
      }
      #expect(error == .invalidPublicKey("public key must be \(kem.publicKeyLength) bytes"))
    }
  }

  @Test(arguments: [KEMAlgorithm.dhkemP256, .dhkemP384, .dhkemP521])
  func invalidCurvePointRejected(kem: KEMAlgorithm) throws {
    let hpke = suite(kem)
    let pk = try hpke.generateKeyPair().publicKey
    var offCurve = pk
    offCurve[offCurve.count - 1] ^= 0x01
    #expect(
      thrownError { _ = try hpke.setupSender(recipientPublicKey: offCurve, info: []) }
        != nil)
    var compressedTag = pk
    compressedTag[0] = 0x02
    let tagError = thrownError {
      _ = try hpke.setupSender(recipientPublicKey: compressedTag, info: [])
    }
    guard case .invalidPublicKey = tagError else {
      Issue.record("expected invalidPublicKey, got \(String(describing: tagError))")
      return
    }
    let zeros = [UInt8](repeating: 0, count: kem.publicKeyLength)
    let zeroError = thrownError { _ = try hpke.setupSender(recipientPublicKey: zeros, info: []) }
    guard case .invalidPublicKey = zeroError else {
      Issue.record("expected invalidPublicKey, got \(String(describing: zeroError))")
      return
    }
  }

  /// A small-order X25519/X448 point gives an all-zero DH output, which RFC 9180 §7.1.4 rejects.
  @Test(arguments: [KEMAlgorithm.dhkemX25519, .dhkemX448])
  func smallOrderPointRejected(kem: KEMAlgorithm) {
    let zeros = [UInt8](repeating: 0, count: kem.publicKeyLength)
    let error = thrownError { _ = try suite(kem).setupSender(recipientPublicKey: zeros, info: []) }
    guard case .invalidPublicKey = error else {
      Issue.record("expected invalidPublicKey, got \(String(describing: error))")
      return
    }
  }
}

@Suite("HPKE contexts and modes")
struct HPKEContextTests {
  let info = Array("info".utf8)
  let psk = HPKEPreSharedKey(key: SecretBytes([UInt8](repeating: 0x42, count: 32)), id: [1, 2, 3])

  @Test(arguments: allKEMs)
  func allModesRoundTrip(kem: KEMAlgorithm) throws {
    let hpke = HPKE(kem: kem, kdf: .sha384, aead: .aead(.chaCha20Poly1305))
    let recipient = try hpke.generateKeyPair()
    let sender = try hpke.generateKeyPair()
    let options: [(HPKEPreSharedKey?, Bool)] = [
      (nil, false), (psk, false), (nil, true), (psk, true),
    ]
    for (psk, auth) in options {
      var s = try hpke.setupSender(
        recipientPublicKey: recipient.publicKey, info: info, psk: psk,
        senderPrivateKey: auth ? sender.privateKey : nil)
      var r = try hpke.setupReceiver(
        enc: s.enc, recipientPrivateKey: recipient.privateKey, info: info, psk: psk,
        senderPublicKey: auth ? sender.publicKey : nil)
      for message in 0..<3 {
        let plaintext = [UInt8](repeating: UInt8(message), count: message * 10)
        let ciphertext = try s.seal(aad: [UInt8(message)], plaintext: plaintext)
        #expect(ciphertext.count == plaintext.count + 16)
        #expect(try r.open(aad: [UInt8(message)], ciphertext: ciphertext) == plaintext)
      }
      let exportedS = try s.export(exporterContext: [9], length: 40)
      let exportedR = try r.export(exporterContext: [9], length: 40)
      #expect(exportedS == exportedR)
      #expect(exportedS.count == 40)
    }
  }

  @Test func singleShotRoundTripAndExport() throws {
    let hpke = suite(.dhkemX25519)
    let recipient = try hpke.generateKeyPair()
    let sealed = try hpke.seal(
      recipientPublicKey: recipient.publicKey, info: info, aad: [1], plaintext: [7, 7, 7])
    #expect(
      try hpke.open(
        enc: sealed.enc, recipientPrivateKey: recipient.privateKey, info: info, aad: [1],
        ciphertext: sealed.ciphertext) == [7, 7, 7])
    let sent = try hpke.sendExport(
      recipientPublicKey: recipient.publicKey, info: info, exporterContext: [5], length: 32)
    let received = try hpke.receiveExport(
      enc: sent.enc, recipientPrivateKey: recipient.privateKey, info: info, exporterContext: [5],
      length: 32)
    #expect(sent.exported == received)
  }

  @Test func tamperedInputsRejectedWithoutAdvancingSequence() throws {
    let hpke = suite(.dhkemP256)
    let recipient = try hpke.generateKeyPair()
    var s = try hpke.setupSender(recipientPublicKey: recipient.publicKey, info: info)
    var r = try hpke.setupReceiver(
      enc: s.enc, recipientPrivateKey: recipient.privateKey, info: info)
    let ciphertext = try s.seal(aad: [1, 2], plaintext: Array("hello".utf8))

    var flipped = ciphertext
    flipped[0] ^= 0x80
    #expect(
      thrownError { _ = try r.open(aad: [1, 2], ciphertext: flipped) } == .authenticationFailed)
    var badTag = ciphertext
    badTag[badTag.count - 1] ^= 0x01
    #expect(
      thrownError { _ = try r.open(aad: [1, 2], ciphertext: badTag) } == .authenticationFailed)
    #expect(
      thrownError { _ = try r.open(aad: [1, 3], ciphertext: ciphertext) } == .authenticationFailed)
    #expect(
      thrownError { _ = try r.open(aad: [1, 2], ciphertext: Array(ciphertext.prefix(10))) } != nil)
    // Failures left the sequence number at 0: the genuine message still opens.
    #expect(try r.open(aad: [1, 2], ciphertext: ciphertext) == Array("hello".utf8))
    // Replaying it now fails: the receiver has moved to sequence number 1.
    #expect(
      thrownError { _ = try r.open(aad: [1, 2], ciphertext: ciphertext) } == .authenticationFailed)
  }

  @Test func wrongEncOrKeyRejected() throws {
    let hpke = suite(.dhkemX25519)
    let recipient = try hpke.generateKeyPair()
    let sealed = try hpke.seal(
      recipientPublicKey: recipient.publicKey, info: info, aad: [], plaintext: [1])
    let otherEnc = try hpke.generateKeyPair().publicKey
    #expect(
      thrownError {
        _ = try hpke.open(
          enc: otherEnc, recipientPrivateKey: recipient.privateKey, info: info, aad: [],
          ciphertext: sealed.ciphertext)
      } == .authenticationFailed)
    #expect(
      thrownError {
        _ = try hpke.open(
          enc: Array(sealed.enc.dropLast()), recipientPrivateKey: recipient.privateKey, info: info,
          aad: [], ciphertext: sealed.ciphertext)
      } == .invalidPublicKey("public key must be 32 bytes"))
    let stranger = try hpke.generateKeyPair()
    #expect(
      thrownError {
        _ = try hpke.open(
          enc: sealed.enc, recipientPrivateKey: stranger.privateKey, info: info, aad: [],
          ciphertext: sealed.ciphertext)
      } == .authenticationFailed)
    #expect(
      thrownError {
        _ = try hpke.open(
          enc: sealed.enc, recipientPrivateKey: recipient.privateKey, info: [0], aad: [],
          ciphertext: sealed.ciphertext)
      } == .authenticationFailed)
  }

  @Test func pskAndAuthMismatchesRejected() throws {
    let hpke = suite(.dhkemX448, .aead(.aes256GCM))
    let recipient = try hpke.generateKeyPair()
    let sender = try hpke.generateKeyPair()
    let sealed = try hpke.seal(
      recipientPublicKey: recipient.publicKey, info: info, aad: [], plaintext: [1], psk: psk,
      senderPrivateKey: sender.privateKey)
    let otherPSK = HPKEPreSharedKey(key: psk.key, id: [9])
    let impostor = try hpke.generateKeyPair().publicKey
    let attempts: [(HPKEPreSharedKey?, [UInt8]?)] = [
      (nil, sender.publicKey), (otherPSK, sender.publicKey), (psk, impostor), (psk, nil),
    ]
    for (candidatePSK, candidateSender) in attempts {
      #expect(
        thrownError {
          _ = try hpke.open(
            enc: sealed.enc, recipientPrivateKey: recipient.privateKey, info: info, aad: [],
            ciphertext: sealed.ciphertext, psk: candidatePSK, senderPublicKey: candidateSender)
        } == .authenticationFailed)
    }
    #expect(
      try hpke.open(
        enc: sealed.enc, recipientPrivateKey: recipient.privateKey, info: info, aad: [],
        ciphertext: sealed.ciphertext, psk: psk, senderPublicKey: sender.publicKey) == [1])
  }

  /// VerifyPSKInputs (RFC 9180 §5.1): a PSK needs both a key and an id.
  @Test func inconsistentPSKInputsRejected() throws {
    let hpke = suite(.dhkemX25519)
    let recipient = try hpke.generateKeyPair()
    let noID = HPKEPreSharedKey(key: psk.key, id: [])
    let noKey = HPKEPreSharedKey(key: SecretBytes(zeros: 0), id: [1])
    #expect(
      thrownError {
        _ = try hpke.setupSender(recipientPublicKey: recipient.publicKey, info: [], psk: noID)
      } == .invalidLength("HPKE psk_id must not be empty"))
    #expect(
      thrownError {
        _ = try hpke.setupReceiver(
          enc: recipient.publicKey, recipientPrivateKey: recipient.privateKey, info: [], psk: noKey)
      } == .invalidLength("HPKE psk must not be empty"))
    #expect(try HPKE.mode(psk: nil, authenticated: false) == .base)
    #expect(try HPKE.mode(psk: psk, authenticated: false) == .psk)
    #expect(try HPKE.mode(psk: nil, authenticated: true) == .auth)
    #expect(try HPKE.mode(psk: psk, authenticated: true) == .authPSK)
  }

  @Test func exportOnlyRefusesSealAndOpen() throws {
    let hpke = suite(.dhkemX25519, .exportOnly)
    let recipient = try hpke.generateKeyPair()
    var s = try hpke.setupSender(recipientPublicKey: recipient.publicKey, info: info)
    var r = try hpke.setupReceiver(
      enc: s.enc, recipientPrivateKey: recipient.privateKey, info: info)
    let refusal = CryptoError.invalidLength("export-only HPKE context has no AEAD key (Nk = 0)")
    #expect(thrownError { _ = try s.seal(aad: [], plaintext: [1]) } == refusal)
    #expect(
      thrownError { _ = try r.open(aad: [], ciphertext: [UInt8](repeating: 0, count: 17)) }
        == refusal)
    #expect(
      try s.export(exporterContext: [], length: 16) == r.export(exporterContext: [], length: 16))
  }

  @Test func exportLengthLimit() throws {
    let hpke = suite(.dhkemX25519)
    let recipient = try hpke.generateKeyPair()
    let s = try hpke.setupSender(recipientPublicKey: recipient.publicKey, info: info)
    #expect(try s.export(exporterContext: [], length: 255 * 32).count == 255 * 32)
    #expect(thrownError { _ = try s.export(exporterContext: [], length: 255 * 32 + 1) } != nil)
  }

  /// RFC 9180 §5.2: the sequence number must never wrap (nonce reuse).
  @Test func sequenceOverflowRefused() throws {
    let hpke = suite(.dhkemX25519)
    let recipient = try hpke.generateKeyPair()
    var s = try hpke.setupSender(recipientPublicKey: recipient.publicKey, info: info)
    var r = try hpke.setupReceiver(
      enc: s.enc, recipientPrivateKey: recipient.privateKey, info: info)
    s.core.sequenceNumber = .max - 1
    r.core.sequenceNumber = .max - 1
    let last = try s.seal(aad: [], plaintext: [1])
    #expect(try r.open(aad: [], ciphertext: last) == [1])
    #expect(s.core.sequenceNumber == .max)
    #expect(thrownError { _ = try s.seal(aad: [], plaintext: [2]) } == .messageLimitReached)
    #expect(thrownError { _ = try r.open(aad: [], ciphertext: last) } == .messageLimitReached)
  }

  /// ComputeNonce XORs the sequence number into the low bytes of base_nonce.
  @Test func nonceDiffersPerMessage() throws {
    let hpke = suite(.dhkemX25519)
    let recipient = try hpke.generateKeyPair()
    var s = try hpke.setupSender(recipientPublicKey: recipient.publicKey, info: info)
    let first = try s.seal(aad: [], plaintext: [0, 0, 0, 0])
    let second = try s.seal(aad: [], plaintext: [0, 0, 0, 0])
    #expect(first != second)
  }
}
