import Foundation
import MLSCrypto

/// crypto-basics.json: RefHash, ExpandWithLabel, DeriveSecret, DeriveTreeSecret,
/// Sign/VerifyWithLabel and Encrypt/DecryptWithLabel, one case per cipher suite. RFC 9420 §5.
enum CryptoBasicsVectors {
  struct RefHash: Decodable {
    let label: String
    let value: HexBytes
    let out: HexBytes
  }

  struct ExpandWithLabel: Decodable {
    let secret: HexBytes
    let label: String
    let context: HexBytes
    let length: Int
    let out: HexBytes
  }

  struct DeriveSecret: Decodable {
    let secret: HexBytes
    let label: String
    let out: HexBytes
  }

  struct DeriveTreeSecret: Decodable {
    let secret: HexBytes
    let label: String
    let generation: UInt32
    let length: Int
    let out: HexBytes
  }

  struct SignWithLabel: Decodable {
    let priv: HexBytes
    let pub: HexBytes
    let content: HexBytes
    let label: String
    let signature: HexBytes
  }

  struct EncryptWithLabel: Decodable {
    let priv: HexBytes
    let pub: HexBytes
    let label: String
    let context: HexBytes
    let plaintext: HexBytes
    let kem_output: HexBytes
    let ciphertext: HexBytes
  }

  struct Case: Decodable {
    let cipher_suite: UInt16
    let ref_hash: RefHash
    let expand_with_label: ExpandWithLabel
    let derive_secret: DeriveSecret
    let derive_tree_secret: DeriveTreeSecret
    let sign_with_label: SignWithLabel
    let encrypt_with_label: EncryptWithLabel
  }

  static func run(_ data: Data) throws -> [CaseOutcome] {
    runCases(try decodeCases(Case.self, from: data)) { testCase in
      let provider = try CipherSuiteProvider(CipherSuite(rawValue: testCase.cipher_suite))
      try checkDerivations(provider, testCase)
      try checkSignature(provider, testCase.sign_with_label)
      try checkEncryption(provider, testCase.encrypt_with_label)
      return .passed
    }
  }

  static func checkDerivations(_ provider: CipherSuiteProvider, _ testCase: Case) throws {
    let refHash = testCase.ref_hash
    try expectBytes(
      try provider.refHash(label: refHash.label, value: refHash.value.bytes), refHash.out.bytes,
      "ref_hash")

    let expand = testCase.expand_with_label
    let expanded = try provider.expandWithLabel(
      secret: SecretBytes(expand.secret.bytes), label: expand.label,
      context: expand.context.bytes, length: expand.length)
    try expectBytes(expanded.revealed(), expand.out.bytes, "expand_with_label")

    let derive = testCase.derive_secret
    let derived = try provider.deriveSecret(
      secret: SecretBytes(derive.secret.bytes), label: derive.label)
    try expectBytes(derived.revealed(), derive.out.bytes, "derive_secret")

    let tree = testCase.derive_tree_secret
    let treeSecret = try provider.deriveTreeSecret(
      secret: SecretBytes(tree.secret.bytes), label: tree.label, generation: tree.generation,
      length: tree.length)
    try expectBytes(treeSecret.revealed(), tree.out.bytes, "derive_tree_secret")
  }

  /// Verifies the given signature, then signs anew and verifies that: ECDSA is randomised, so
  /// only verification can be compared with the vector.
  static func checkSignature(_ provider: CipherSuiteProvider, _ sign: SignWithLabel) throws {
    let privateKey = SecretBytes(sign.priv.bytes)
    try expectBytes(
      try provider.signaturePublicKey(for: privateKey), sign.pub.bytes, "sign_with_label pub")
    try provider.verifyWithLabel(
      publicKey: sign.pub.bytes, label: sign.label, content: sign.content.bytes,
      signature: sign.signature.bytes)
    let signature = try provider.signWithLabel(
      privateKey: privateKey, label: sign.label, content: sign.content.bytes)
    try provider.verifyWithLabel(
      publicKey: sign.pub.bytes, label: sign.label, content: sign.content.bytes,
      signature: signature)
    // The same signature under another label must not verify.
    do {
      try provider.verifyWithLabel(
        publicKey: sign.pub.bytes, label: sign.label + "x", content: sign.content.bytes,
        signature: sign.signature.bytes)
      throw VectorMismatch("sign_with_label: verified under a different label")
    } catch is CryptoError {}
  }

  /// Decrypts the given ciphertext, then encrypts anew (HPKE is randomised) and decrypts that.
  static func checkEncryption(_ provider: CipherSuiteProvider, _ encrypt: EncryptWithLabel) throws {
    let privateKey = SecretBytes(encrypt.priv.bytes)
    try expectBytes(
      try provider.kemPublicKey(for: privateKey), encrypt.pub.bytes, "encrypt_with_label pub")
    let plaintext = try provider.decryptWithLabel(
      privateKey: privateKey, label: encrypt.label, context: encrypt.context.bytes,
      kemOutput: encrypt.kem_output.bytes, ciphertext: encrypt.ciphertext.bytes)
    try expectBytes(plaintext, encrypt.plaintext.bytes, "decrypt_with_label")

    let sealed = try provider.encryptWithLabel(
      publicKey: encrypt.pub.bytes, label: encrypt.label, context: encrypt.context.bytes,
      plaintext: encrypt.plaintext.bytes)
    let reopened = try provider.decryptWithLabel(
      privateKey: privateKey, label: encrypt.label, context: encrypt.context.bytes,
      kemOutput: sealed.kemOutput, ciphertext: sealed.ciphertext)
    try expectBytes(reopened, encrypt.plaintext.bytes, "encrypt_with_label round trip")
  }
}
