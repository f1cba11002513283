import Foundation
import MLS
import MLSCodec
import MLSCrypto

/// passive-client-welcome.json, passive-client-handling-commit.json and
/// passive-client-random.json: join by Welcome, then follow every commit, matching the epoch
/// authenticator after each epoch. RFC 9420 §12.4.2, §12.4.3.1.
enum PassiveClientVectors {
  struct ExternalPSK: Decodable {
    let psk_id: HexBytes
    let psk: HexBytes
  }

  struct Epoch: Decodable {
    let proposals: [HexBytes]
    let commit: HexBytes
    let epoch_authenticator: HexBytes
  }

  struct Case: Decodable {
    let cipher_suite: UInt16
    let external_psks: [ExternalPSK]
    let key_package: HexBytes
    let signature_priv: HexBytes
    let encryption_priv: HexBytes
    let init_priv: HexBytes
    let welcome: HexBytes
    let ratchet_tree: HexBytes?
    let initial_epoch_authenticator: HexBytes
    let epochs: [Epoch]
  }

  static func run(_ data: Data) throws -> [CaseOutcome] {
    runCases(try decodeCases(Case.self, from: data)) { testCase in
      try runCase(testCase)
      return .passed
    }
  }

  static func runCase(_ testCase: Case) throws {
    let suite = CipherSuite(rawValue: testCase.cipher_suite)
    let provider = try CipherSuiteProvider(suite)
    let keyPackage = try keyPackage(from: testCase.key_package.bytes)
    try expect(keyPackage.cipherSuite == suite, "key_package cipher_suite")
    let signaturePrivate = privateKey(testCase.signature_priv.bytes, suite: suite)
    let encryptionPrivate = privateKey(testCase.encryption_priv.bytes, suite: suite)
    let initPrivate = privateKey(testCase.init_priv.bytes, suite: suite)
    try expectBytes(
      try provider.signaturePublicKey(for: signaturePrivate), keyPackage.leafNode.signatureKey,
      "signature_priv")
    try expectBytes(
      try provider.kemPublicKey(for: encryptionPrivate), keyPackage.leafNode.encryptionKey,
      "encryption_priv")
    try expectBytes(try provider.kemPublicKey(for: initPrivate), keyPackage.initKey, "init_priv")
    var psks = PSKStore()
    for psk in testCase.external_psks {
      psks.addExternal(pskID: psk.psk_id.bytes, psk: SecretBytes(psk.psk.bytes))
    }
    // NOTES.md traps 8 and 10: expired lifetimes, suite 7 missing from leaf capabilities.
    let options = GroupOptions(checkLifetimes: false, requireGroupSuiteInCapabilities: false)
    let tree = try testCase.ratchet_tree.map { try RatchetTree(tlsSerialized: $0.bytes) }
    var group = try GroupState.join(
      welcome: try welcome(from: testCase.welcome.bytes), keyPackage: keyPackage,
      initPrivateKey: initPrivate, encryptionPrivateKey: encryptionPrivate,
      signaturePrivateKey: signaturePrivate, ratchetTree: tree, psks: psks, options: options)
    try expectBytes(
      group.epochAuthenticator.revealed(), testCase.initial_epoch_authenticator.bytes,
      "initial_epoch_authenticator")
    for (number, epoch) in testCase.epochs.enumerated() {
      for proposal in epoch.proposals {
        let processed = try group.process(try MLSMessage(tlsSerialized: proposal.bytes))
        guard case .proposal = processed.content else {
          throw VectorMismatch("epoch \(number): proposal message is not a proposal")
        }
      }
      let processed = try group.process(try MLSMessage(tlsSerialized: epoch.commit.bytes))
      guard case .commit(let staged) = processed.content else {
        throw VectorMismatch("epoch \(number): commit message is not a commit")
      }
      try group.merge(staged)
      try expectBytes(
        group.epochAuthenticator.revealed(), epoch.epoch_authenticator.bytes,
        "epoch \(number) epoch_authenticator")
    }
  }

  /// A private key as the crypto layer takes it. Some P-521 keys (suite 5) in the vectors drop
  /// a leading zero byte (65 instead of 66 bytes); the crypto layer accepts that form itself.
  static func privateKey(_ bytes: [UInt8], suite: CipherSuite) -> SecretBytes {
    SecretBytes(bytes)
  }

  /// The KeyPackage inside an MLSMessage (NOTES.md trap 5).
  static func keyPackage(from bytes: [UInt8]) throws -> KeyPackage {
    guard case .keyPackage(let keyPackage) = try MLSMessage(tlsSerialized: bytes).body else {
      throw VectorMismatch("key_package is not an MLSMessage(KeyPackage)")
    }
    return keyPackage
  }

  /// The Welcome inside an MLSMessage.
  static func welcome(from bytes: [UInt8]) throws -> Welcome {
    guard case .welcome(let welcome) = try MLSMessage(tlsSerialized: bytes).body else {
      throw VectorMismatch("welcome is not an MLSMessage(Welcome)")
    }
    return welcome
  }
}
