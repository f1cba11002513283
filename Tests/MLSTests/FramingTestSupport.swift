import MLS
import MLSCodec
import MLSCrypto

/// A group of four leaves in epoch 7 with fixed epoch secrets and a fresh signature key, for the
/// framing tests. Every member builds its `FramingKeys` from the same secrets.
struct FramingFixture {
  let provider: CipherSuiteProvider
  let context: GroupContext
  let signaturePrivateKey: SecretBytes
  let signaturePublicKey: [UInt8]

  static let sender = LeafIndex(1)
  /// Longer than the ciphertext sample (Nh = 32), so the tail of its ciphertext is not sampled.
  static let applicationData: [UInt8] = (0..<48).map { UInt8($0) }
  static let proposal = MessageContent.proposal(.remove(Remove(removed: LeafIndex(3))))
  static let commit = MessageContent.commit(
    Commit(proposals: [.proposal(.remove(Remove(removed: LeafIndex(2))))], path: nil))

  init(suite: CipherSuite = .x25519Aes128Sha256Ed25519) throws {
    provider = try CipherSuiteProvider(suite)
    let pair = try provider.generateSignatureKeyPair()
    signaturePrivateKey = pair.privateKey
    signaturePublicKey = pair.publicKey
    context = GroupContext(
      cipherSuite: suite, groupID: Array("framing group".utf8), epoch: 7,
      treeHash: Array(repeating: 0x11, count: provider.hashLength),
      confirmedTranscriptHash: Array(repeating: 0x22, count: provider.hashLength),
      extensions: [])
  }

  var encryptionSecret: SecretBytes {
    SecretBytes(Array(repeating: 0x55, count: provider.hashLength))
  }
  var senderDataSecret: SecretBytes {
    SecretBytes(Array(repeating: 0x44, count: provider.hashLength))
  }

  func keys(
    leafCount: UInt32 = 4, configuration: SecretTreeConfiguration = .init(),
    membershipKeyByte: UInt8 = 0x33
  ) throws -> FramingKeys {
    FramingKeys(
      groupContext: context,
      membershipKey: SecretBytes(Array(repeating: membershipKeyByte, count: provider.hashLength)),
      senderDataSecret: senderDataSecret,
      secretTree: try SecretTree(
        provider: provider, encryptionSecret: encryptionSecret, leafCount: leafCount,
        configuration: configuration))
  }

  /// Signed content from `sender`; commits get a confirmation tag.
  func authenticated(
    _ content: MessageContent, wireFormat: WireFormat, sender: Sender = .member(Self.sender),
    epoch: UInt64? = nil, groupID: [UInt8]? = nil
  ) throws -> AuthenticatedContent {
    let framed = FramedContent(
      groupID: groupID ?? context.groupID, epoch: epoch ?? context.epoch, sender: sender,
      authenticatedData: [0xaa, 0xbb], content: content)
    var auth = try Framing.sign(
      content: framed, wireFormat: wireFormat, groupContext: context,
      signaturePrivateKey: signaturePrivateKey, provider: provider)
    if case .commit = content {
      auth.confirmationTag = Array(repeating: 0x66, count: provider.hashLength)
    }
    return AuthenticatedContent(wireFormat: wireFormat, content: framed, auth: auth)
  }

  /// A PrivateMessage of application data from the fixture's sender, encrypted with `keys`.
  func privateApplication(
    keys: inout FramingKeys, data: [UInt8] = Self.applicationData, sender: LeafIndex = Self.sender,
    padding: PaddingPolicy = .none
  ) throws -> PrivateMessage {
    try Framing.protectPrivate(
      authenticated(.application(data), wireFormat: .privateMessage, sender: .member(sender)),
      keys: &keys, padding: padding, provider: provider)
  }

  /// Decrypts a message's sender data the way the RFC describes it, independently of `Framing`.
  func openSenderData(_ message: PrivateMessage) throws -> SenderData {
    let derived = try SenderDataKeys.derive(
      senderDataSecret: senderDataSecret, ciphertext: message.ciphertext, provider: provider)
    let aad = try SenderDataAAD(
      groupID: message.groupID, epoch: message.epoch, contentType: message.contentType
    ).tlsSerialized()
    let plaintext = try provider.open(
      key: derived.key, nonce: derived.nonce, aad: aad, ciphertext: message.encryptedSenderData)
    return try SenderData(tlsSerialized: plaintext)
  }

  /// Encrypts `plaintext` as leaf `sender`'s next application message, building every field by
  /// hand, so tests can send content `Framing.protectPrivate` would never produce.
  func craftPrivate(
    plaintext: [UInt8], sender: LeafIndex, keys: inout FramingKeys,
    reuseGuard: [UInt8] = [0, 0, 0, 0]
  ) throws -> PrivateMessage {
    let ratchetKey = try keys.secretTree.nextKey(for: sender, kind: .application)
    let aad = try PrivateContentAAD(
      groupID: context.groupID, epoch: context.epoch, contentType: .application,
      authenticatedData: []
    ).tlsSerialized()
    var nonce = ratchetKey.nonce
    for index in 0..<4 { nonce[index] ^= reuseGuard[index] }
    let ciphertext = try provider.seal(
      key: ratchetKey.key, nonce: nonce, aad: aad, plaintext: plaintext)
    let derived = try SenderDataKeys.derive(
      senderDataSecret: senderDataSecret, ciphertext: ciphertext, provider: provider)
    let senderAAD = try SenderDataAAD(
      groupID: context.groupID, epoch: context.epoch, contentType: .application
    ).tlsSerialized()
    let senderData = try SenderData(
      leafIndex: sender, generation: ratchetKey.generation, reuseGuard: reuseGuard
    ).tlsSerialized()
    let encryptedSenderData = try provider.seal(
      key: derived.key, nonce: derived.nonce, aad: senderAAD, plaintext: senderData)
    return PrivateMessage(
      groupID: context.groupID, epoch: context.epoch, contentType: .application,
      authenticatedData: [], encryptedSenderData: encryptedSenderData, ciphertext: ciphertext)
  }
}

/// `bytes` with bit 0 of byte `index` flipped.
func flippingBit(_ bytes: [UInt8], at index: Int) -> [UInt8] {
  var copy = bytes
  copy[index] ^= 0x01
  return copy
}
