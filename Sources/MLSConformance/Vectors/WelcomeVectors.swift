import Foundation
import MLS
import MLSCodec
import MLSCrypto

/// welcome.json: open a Welcome with a KeyPackage's init key, verify the GroupInfo signature
/// and its confirmation tag. RFC 9420 §12.4.3.1.
enum WelcomeVectors {
  struct Case: Decodable {
    let cipher_suite: UInt16
    let init_priv: HexBytes
    let signer_pub: HexBytes
    let key_package: HexBytes
    let welcome: HexBytes
  }

  static func run(_ data: Data) throws -> [CaseOutcome] {
    runCases(try decodeCases(Case.self, from: data)) { testCase in
      // NOTES.md trap 5: key_package is an MLSMessage wrapping the KeyPackage.
      let keyPackage = try PassiveClientVectors.keyPackage(from: testCase.key_package.bytes)
      let welcome = try PassiveClientVectors.welcome(from: testCase.welcome.bytes)
      try expect(
        welcome.cipherSuite.rawValue == testCase.cipher_suite, "welcome cipher_suite")
      let opened = try GroupState.decryptWelcome(
        welcome, keyPackage: keyPackage,
        initPrivateKey: PassiveClientVectors.privateKey(
          testCase.init_priv.bytes, suite: welcome.cipherSuite))
      try opened.verifyGroupInfoSignature(publicKey: testCase.signer_pub.bytes)
      _ = try opened.epochSecrets()
      return .passed
    }
  }
}
