import MLSCodec
import MLSCrypto
import Testing

@testable import MLS

/// The GroupInfo's `ratchet_tree` extension (RFC 9420 §12.4.3.3) is encoded in parts on all
/// cores (`GroupState.ratchetTreeParts`): the bytes must be those of the tree's own
/// sequential encoding, whatever the part size.
@Suite("GroupInfo ratchet tree encoding (RFC 9420 §12.4.3.3)")
struct GroupInfoEncodingTests {
  @Test(arguments: [1, 2, 3, 7, 1_024])
  func partsJoinToTheSequentialEncoding(_ partSize: Int) throws {
    let clients = try (0..<9).map { try GroupClient("member \($0)") }
    var creator = try clients[0].createGroup()
    let adds = clients.dropFirst().map { Proposal.add(Add(keyPackage: $0.keyPackage)) }
    _ = try creator.commit(proposals: adds)
    try creator.mergePendingCommit()
    // A removal leaves a blank leaf inside the range, and trailing blanks are dropped.
    _ = try creator.commit(proposals: [.remove(Remove(removed: LeafIndex(3)))])
    try creator.mergePendingCommit()
    let sequential = try creator.tree.tlsSerialized()
    #expect(sequential.count > 1_000)
    let parts = try GroupState.ratchetTreeParts(creator.tree.nodes, partSize: partSize)
    var joined = TLSWriter()
    try joined.writeOpaque(Array(parts.joined()))
    #expect(joined.bytes == sequential)
    let info = try creator.groupInfo()
    let ratchetTree = info.extensions.first { $0.extensionType == .ratchetTree }
    #expect(ratchetTree?.extensionData == sequential)
  }
}

/// The Welcome's GroupInfo is signed on one core while the other encrypts it and hashes the
/// ciphertext (`GroupState.encryptedGroupInfo`, EdDSA suites): the bytes must be those of
/// signing, encrypting and hashing in sequence. RFC 9420 §12.4.3.1.
@Suite("Welcome GroupInfo pipeline (RFC 9420 §12.4.3.1)")
struct WelcomePipelineTests {
  static let suites: [CipherSuite] = [
    .x25519Aes128Sha256Ed25519, .x25519ChaCha20Sha256Ed25519, .x448Aes256Sha512Ed448,
    .p256Aes128Sha256P256,
  ]

  @Test(arguments: suites)
  func sameBytesAsSequential(_ suite: CipherSuite) throws {
    let clients = try (0..<4).map { try GroupClient("member \($0)", suite: suite) }
    var creator = try clients[0].createGroup()
    let adds = clients.dropFirst().map { Proposal.add(Add(keyPackage: $0.keyPackage)) }
    _ = try creator.commit(proposals: adds)
    try creator.mergePendingCommit()
    let provider = try CipherSuiteProvider(suite)
    let welcomeSecret = SecretBytes(Array(repeating: 0x42, count: provider.hashLength))
    let keys = try KeySchedule(provider: provider).welcomeKeyAndNonce(welcomeSecret: welcomeSecret)
    let made = try creator.encryptedGroupInfo(
      includeRatchetTree: true, welcomeSecret: welcomeSecret)
    let sequential = try creator.signedGroupInfo(includeRatchetTree: true)
    let opened = try AEAD.open(
      provider.aead, key: keys.key, nonce: keys.nonce, aad: [], ciphertext: made.encrypted)
    let decoded = try GroupInfo(tlsSerialized: opened)
    #expect(decoded == made.info)
    let tbs = try GroupInfoTBS(
      groupContext: decoded.groupContext, extensions: decoded.extensions,
      confirmationTag: decoded.confirmationTag, signer: decoded.signer
    ).tlsSerialized()
    try provider.verifyWithLabel(
      publicKey: clients[0].keyPackage.leafNode.signatureKey, label: "GroupInfoTBS",
      content: tbs, signature: made.info.signature)
    if provider.signatureScheme.fixedSignatureLength != nil {
      // EdDSA is deterministic: the very same bytes as the sequential construction.
      #expect(opened == sequential.encoded)
      #expect(made.info == sequential.info)
      let expected = try AEAD.seal(
        provider.aead, key: keys.key, nonce: keys.nonce, aad: [], plaintext: sequential.encoded)
      #expect(made.encrypted == expected)
    }
    // The streamed EncryptContext hash is the one a joiner computes from the ciphertext.
    let recipient = try provider.generateKEMKeyPair()
    let sealed = try provider.encryptWithLabel(
      publicKey: recipient.publicKey, prepared: made.context, plaintext: [1, 2, 3])
    let plaintext = try provider.decryptWithLabel(
      privateKey: recipient.privateKey, label: "Welcome", context: made.encrypted,
      kemOutput: sealed.kemOutput, ciphertext: sealed.ciphertext)
    #expect(plaintext == [1, 2, 3])
    #expect(throws: CryptoError.self) {
      try provider.decryptWithLabel(
        privateKey: recipient.privateKey, label: "Welcome", context: made.encrypted + [0],
        kemOutput: sealed.kemOutput, ciphertext: sealed.ciphertext)
    }
  }
}
