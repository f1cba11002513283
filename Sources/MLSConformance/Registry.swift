/// The vector files this build runs, by file name. Each entry's runner lives in `Vectors/`.
extension Conformance {
  static let registry: [String: Runner] = [
    "tree-math.json": TreeMathVectors.run,
    "tree-validation.json": TreeValidationVectors.run,
    "treekem.json": TreeKEMVectors.run,
    "tree-operations.json": TreeOperationsVectors.run,
    "deserialization.json": DeserializationVectors.run,
    "messages.json": MessagesVectors.run,
    "test-vectors.json": HPKEVectors.run,
    "secret-tree.json": SecretTreeVectors.run,
    "psk_secret.json": PSKSecretVectors.run,
    "transcript-hashes.json": TranscriptHashesVectors.run,
  ]
}
