/// The vector files this build runs, by file name. Each entry's runner lives in `Vectors/`.
extension Conformance {
  static let registry: [String: Runner] = [
    // RFC 9180 HPKE known answers.
    "test-vectors.json": HPKEVectors.run,
    // RFC 9420 foundation.
    "tree-math.json": TreeMathVectors.run,
    "deserialization.json": DeserializationVectors.run,
    "crypto-basics.json": CryptoBasicsVectors.run,
    "secret-tree.json": SecretTreeVectors.run,
    "key-schedule.json": KeyScheduleVectors.run,
    "psk_secret.json": PSKSecretVectors.run,
    "transcript-hashes.json": TranscriptHashesVectors.run,
    // RFC 9420 wire structures and tree.
    "messages.json": MessagesVectors.run,
    "tree-validation.json": TreeValidationVectors.run,
    "tree-operations.json": TreeOperationsVectors.run,
    "treekem.json": TreeKEMVectors.run,
    // RFC 9420 framing and the group state machine.
    "message-protection.json": MessageProtectionVectors.run,
    "welcome.json": WelcomeVectors.run,
    "passive-client-welcome.json": PassiveClientVectors.run,
    "passive-client-handling-commit.json": PassiveClientVectors.run,
    "passive-client-random.json": PassiveClientVectors.run,
  ]
}
