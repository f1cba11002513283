import Foundation
import MLS
import MLSCrypto

/// key-schedule.json: GroupContext encoding and every epoch secret over a chain of epochs,
/// plus external_pub and one exporter output per epoch. RFC 9420 §8, §8.3, §8.5.
enum KeyScheduleVectors {
  struct Exporter: Decodable {
    /// Looks like hex but is used as its ASCII text (NOTES.md trap 2).
    let label: String
    let context: HexBytes
    let length: Int
    let secret: HexBytes
  }

  struct Epoch: Decodable {
    let tree_hash: HexBytes
    let commit_secret: HexBytes
    let psk_secret: HexBytes
    let confirmed_transcript_hash: HexBytes
    let group_context: HexBytes
    let joiner_secret: HexBytes
    let welcome_secret: HexBytes
    let init_secret: HexBytes
    let sender_data_secret: HexBytes
    let encryption_secret: HexBytes
    let exporter_secret: HexBytes
    let epoch_authenticator: HexBytes
    let external_secret: HexBytes
    let confirmation_key: HexBytes
    let membership_key: HexBytes
    let resumption_psk: HexBytes
    let external_pub: HexBytes
    let exporter: Exporter
  }

  struct Case: Decodable {
    let cipher_suite: UInt16
    let group_id: HexBytes
    let initial_init_secret: HexBytes
    let epochs: [Epoch]
  }

  static func run(_ data: Data) throws -> [CaseOutcome] {
    runCases(try decodeCases(Case.self, from: data)) { testCase in
      let suite = CipherSuite(rawValue: testCase.cipher_suite)
      let schedule = KeySchedule(provider: try CipherSuiteProvider(suite))
      var initSecret = SecretBytes(testCase.initial_init_secret.bytes)
      for (index, epoch) in testCase.epochs.enumerated() {
        let context = GroupContext(
          cipherSuite: suite, groupID: testCase.group_id.bytes, epoch: UInt64(index),
          treeHash: epoch.tree_hash.bytes,
          confirmedTranscriptHash: epoch.confirmed_transcript_hash.bytes, extensions: [])
        try expectBytes(
          try context.tlsSerialized(), epoch.group_context.bytes, "epoch \(index) group_context")
        let material = try schedule.nextEpoch(
          initSecret: initSecret, commitSecret: SecretBytes(epoch.commit_secret.bytes),
          pskSecret: SecretBytes(epoch.psk_secret.bytes), groupContext: context)
        try check(material, epoch, "epoch \(index)")
        initSecret = material.secrets.initSecret
      }
      return .passed
    }
  }

  private static func check(
    _ material: EpochKeyMaterial, _ epoch: Epoch, _ name: String
  ) throws {
    let secrets = material.secrets
    let pairs: [(SecretBytes, HexBytes, String)] = [
      (material.joinerSecret, epoch.joiner_secret, "joiner_secret"),
      (material.welcomeSecret, epoch.welcome_secret, "welcome_secret"),
      (secrets.initSecret, epoch.init_secret, "init_secret"),
      (secrets.senderDataSecret, epoch.sender_data_secret, "sender_data_secret"),
      (secrets.encryptionSecret, epoch.encryption_secret, "encryption_secret"),
      (secrets.exporterSecret, epoch.exporter_secret, "exporter_secret"),
      (secrets.epochAuthenticator, epoch.epoch_authenticator, "epoch_authenticator"),
      (secrets.externalSecret, epoch.external_secret, "external_secret"),
      (secrets.confirmationKey, epoch.confirmation_key, "confirmation_key"),
      (secrets.membershipKey, epoch.membership_key, "membership_key"),
      (secrets.resumptionPSK, epoch.resumption_psk, "resumption_psk"),
    ]
    for (actual, expected, field) in pairs {
      try expectBytes(actual.revealed(), expected.bytes, "\(name) \(field)")
    }
    try expectBytes(
      try secrets.externalPublicKey(), epoch.external_pub.bytes, "\(name) external_pub")
    let exported = try secrets.exporter(
      label: epoch.exporter.label, context: epoch.exporter.context.bytes,
      length: epoch.exporter.length)
    try expectBytes(exported.revealed(), epoch.exporter.secret.bytes, "\(name) exporter.secret")
  }
}
