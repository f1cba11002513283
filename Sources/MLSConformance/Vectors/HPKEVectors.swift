import Foundation
@_spi(KnownAnswer) import MLSCrypto

/// RFC 9180 Appendix A vectors (test-vectors.json): DeriveKeyPair, Encap/Decap, the key
/// schedule, every sequential encryption and every export, in all four modes.
enum HPKEVectors {
  struct Encryption: Decodable {
    let aad: HexBytes
    let ct: HexBytes
    let nonce: HexBytes
    let pt: HexBytes
  }

  struct Export: Decodable {
    let exporter_context: HexBytes
    let L: Int
    let exported_value: HexBytes
  }

  struct Case: Decodable {
    let mode: UInt8
    let kem_id: UInt16
    let kdf_id: UInt16
    let aead_id: UInt16
    let info: HexBytes
    let ikmR: HexBytes
    let ikmE: HexBytes
    let ikmS: HexBytes?
    let skRm: HexBytes
    let skEm: HexBytes
    let skSm: HexBytes?
    let pkRm: HexBytes
    let pkEm: HexBytes
    let pkSm: HexBytes?
    let psk: HexBytes?
    let psk_id: HexBytes?
    let enc: HexBytes
    let shared_secret: HexBytes
    let key_schedule_context: HexBytes
    let key: HexBytes
    let base_nonce: HexBytes
    let exporter_secret: HexBytes
    let encryptions: [Encryption]
    let exports: [Export]
  }

  static func run(_ data: Data) throws -> [CaseOutcome] {
    runCases(try decodeCases(Case.self, from: data)) { testCase in
      try check(testCase)
      return .passed
    }
  }

  static func suite(_ testCase: Case) throws -> HPKE {
    let kems: [UInt16: KEMAlgorithm] = [
      0x10: .dhkemP256, 0x11: .dhkemP384, 0x12: .dhkemP521, 0x20: .dhkemX25519, 0x21: .dhkemX448,
    ]
    let kdfs: [UInt16: HashAlgorithm] = [1: .sha256, 2: .sha384, 3: .sha512]
    let aeads: [UInt16: HPKEAEAD] = [
      1: .aead(.aes128GCM), 2: .aead(.aes256GCM), 3: .aead(.chaCha20Poly1305), 0xFFFF: .exportOnly,
    ]
    guard let kem = kems[testCase.kem_id], let kdf = kdfs[testCase.kdf_id],
      let aead = aeads[testCase.aead_id]
    else {
      throw VectorMismatch(
        "unknown suite \(testCase.kem_id)/\(testCase.kdf_id)/\(testCase.aead_id)")
    }
    return HPKE(kem: kem, kdf: kdf, aead: aead)
  }

  static func checkKeyPair(
    _ hpke: HPKE, ikm: HexBytes, sk: HexBytes, pk: HexBytes, _ name: String
  ) throws {
    let pair = try hpke.deriveKeyPair(ikm: SecretBytes(ikm.bytes))
    try expectBytes(pair.privateKey.revealed(), sk.bytes, "DeriveKeyPair sk\(name)")
    try expectBytes(pair.publicKey, pk.bytes, "DeriveKeyPair pk\(name)")
    try expectBytes(try hpke.publicKey(for: pair.privateKey), pk.bytes, "pk\(name) from sk")
  }

  static func check(_ testCase: Case) throws {
    let hpke = try suite(testCase)
    try checkKeyPair(hpke, ikm: testCase.ikmE, sk: testCase.skEm, pk: testCase.pkEm, "E")
    try checkKeyPair(hpke, ikm: testCase.ikmR, sk: testCase.skRm, pk: testCase.pkRm, "R")
    var skS: SecretBytes?
    if let ikmS = testCase.ikmS, let skSm = testCase.skSm, let pkSm = testCase.pkSm {
      try checkKeyPair(hpke, ikm: ikmS, sk: skSm, pk: pkSm, "S")
      skS = SecretBytes(skSm.bytes)
    }
    var psk: HPKEPreSharedKey?
    if let key = testCase.psk, let id = testCase.psk_id {
      psk = HPKEPreSharedKey(key: SecretBytes(key.bytes), id: id.bytes)
    }
    let ikmE = SecretBytes(testCase.ikmE.bytes)
    let skR = SecretBytes(testCase.skRm.bytes)
    let pkS = testCase.pkSm?.bytes

    let encapsulated = try hpke.encapsulate(
      recipientPublicKey: testCase.pkRm.bytes, senderPrivateKey: skS, ephemeralIKM: ikmE)
    try expectBytes(encapsulated.enc, testCase.enc.bytes, "enc")
    try expectBytes(encapsulated.sharedSecret.revealed(), testCase.shared_secret.bytes, "Encap")
    let decapsulated = try hpke.decapsulate(
      enc: testCase.enc.bytes, recipientPrivateKey: skR, senderPublicKey: pkS)
    try expectBytes(decapsulated.revealed(), testCase.shared_secret.bytes, "Decap")

    var sender = try hpke.setupSender(
      recipientPublicKey: testCase.pkRm.bytes, info: testCase.info.bytes, psk: psk,
      senderPrivateKey: skS, ephemeralIKM: ikmE)
    var receiver = try hpke.setupReceiver(
      enc: testCase.enc.bytes, recipientPrivateKey: skR, info: testCase.info.bytes, psk: psk,
      senderPublicKey: pkS)
    try expectBytes(sender.enc, testCase.enc.bytes, "setup enc")
    for (role, outputs) in [("S", sender.keyScheduleOutputs), ("R", receiver.keyScheduleOutputs)] {
      try expectBytes(
        outputs.keyScheduleContext, testCase.key_schedule_context.bytes,
        "key_schedule_context \(role)")
      try expectBytes(outputs.key.revealed(), testCase.key.bytes, "key \(role)")
      try expectBytes(outputs.baseNonce, testCase.base_nonce.bytes, "base_nonce \(role)")
      try expectBytes(
        outputs.exporterSecret.revealed(), testCase.exporter_secret.bytes, "exporter_secret \(role)"
      )
    }
    for (index, encryption) in testCase.encryptions.enumerated() {
      let ct = try sender.seal(aad: encryption.aad.bytes, plaintext: encryption.pt.bytes)
      try expectBytes(ct, encryption.ct.bytes, "encryptions[\(index)] seal")
      let pt = try receiver.open(aad: encryption.aad.bytes, ciphertext: encryption.ct.bytes)
      try expectBytes(pt, encryption.pt.bytes, "encryptions[\(index)] open")
    }
    for (index, export) in testCase.exports.enumerated() {
      let context = export.exporter_context.bytes
      let fromSender = try sender.export(exporterContext: context, length: export.L)
      try expectBytes(fromSender.revealed(), export.exported_value.bytes, "exports[\(index)] S")
      let fromReceiver = try receiver.export(exporterContext: context, length: export.L)
      try expectBytes(fromReceiver.revealed(), export.exported_value.bytes, "exports[\(index)] R")
    }
  }
}
