import Foundation
import MLS
import MLSCrypto

/// secret-tree.json: sender-data key and nonce, then every leaf's handshake and application
/// keys and nonces at the listed generations. RFC 9420 §6.3.2, §9.
enum SecretTreeVectors {
  struct SenderData: Decodable {
    let sender_data_secret: HexBytes
    let ciphertext: HexBytes
    let key: HexBytes
    let nonce: HexBytes
  }

  struct Generation: Decodable {
    let generation: UInt32
    let handshake_key: HexBytes
    let handshake_nonce: HexBytes
    let application_key: HexBytes
    let application_nonce: HexBytes
  }

  struct Case: Decodable {
    let cipher_suite: UInt16
    let sender_data: SenderData
    let encryption_secret: HexBytes
    let leaves: [[Generation]]
  }

  static func run(_ data: Data) throws -> [CaseOutcome] {
    runCases(try decodeCases(Case.self, from: data)) { testCase in
      let provider = try CipherSuiteProvider(CipherSuite(rawValue: testCase.cipher_suite))
      let senderData = try SenderDataKeys.derive(
        senderDataSecret: SecretBytes(testCase.sender_data.sender_data_secret.bytes),
        ciphertext: testCase.sender_data.ciphertext.bytes, provider: provider)
      try expectBytes(senderData.key.revealed(), testCase.sender_data.key.bytes, "sender_data.key")
      try expectBytes(senderData.nonce, testCase.sender_data.nonce.bytes, "sender_data.nonce")

      var tree = try SecretTree(
        provider: provider, encryptionSecret: SecretBytes(testCase.encryption_secret.bytes),
        leafCount: UInt32(testCase.leaves.count))
      for (index, generations) in testCase.leaves.enumerated() {
        let leaf = LeafIndex(UInt32(index))
        for entry in generations {
          let field = "leaf \(index) generation \(entry.generation)"
          let handshake = try tree.key(for: leaf, kind: .handshake, generation: entry.generation)
          try expectBytes(
            handshake.key.revealed(), entry.handshake_key.bytes, "\(field) handshake_key")
          try expectBytes(handshake.nonce, entry.handshake_nonce.bytes, "\(field) handshake_nonce")
          let application = try tree.key(
            for: leaf, kind: .application, generation: entry.generation)
          try expectBytes(
            application.key.revealed(), entry.application_key.bytes, "\(field) application_key")
          try expectBytes(
            application.nonce, entry.application_nonce.bytes, "\(field) application_nonce")
        }
      }
      return .passed
    }
  }
}
