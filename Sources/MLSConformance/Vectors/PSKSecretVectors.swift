import Foundation
import MLS
import MLSCrypto

/// psk_secret.json: the psk_secret chain over external PSKs. RFC 9420 §8.4.
enum PSKSecretVectors {
  struct PSK: Decodable {
    let psk_id: HexBytes
    let psk: HexBytes
    let psk_nonce: HexBytes
  }

  struct Case: Decodable {
    let cipher_suite: UInt16
    let psks: [PSK]
    let psk_secret: HexBytes
  }

  static func run(_ data: Data) throws -> [CaseOutcome] {
    runCases(try decodeCases(Case.self, from: data)) { testCase in
      let provider = try CipherSuiteProvider(CipherSuite(rawValue: testCase.cipher_suite))
      let inputs = testCase.psks.map { psk in
        PSKInput(
          id: PreSharedKeyID(
            key: .external(pskID: psk.psk_id.bytes), pskNonce: psk.psk_nonce.bytes),
          psk: SecretBytes(psk.psk.bytes))
      }
      let secret = try KeySchedule(provider: provider).pskSecret(inputs)
      try expectBytes(secret.revealed(), testCase.psk_secret.bytes, "psk_secret")
      return .passed
    }
  }
}
