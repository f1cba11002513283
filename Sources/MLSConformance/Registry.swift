/// The vector files this build runs, by file name. Each entry's runner lives in `Vectors/`.
extension Conformance {
  static let registry: [String: Runner] = [
    "tree-math.json": TreeMathVectors.run,
    "deserialization.json": DeserializationVectors.run,
    "messages.json": MessagesVectors.run,
    "test-vectors.json": HPKEVectors.run,
    "crypto-basics.json": CryptoBasicsVectors.run,
    "secret-tree.json": SecretTreeVectors.run,
    "key-schedule.json": KeyScheduleVectors.run,
    "psk_secret.json": PSKSecretVectors.run,
    "transcript-hashes.json": TranscriptHashesVectors.run,
    "deserialization.json": DeserializationVectors.run,
    "messages.json": MessagesVectors.run,
  ]
}
