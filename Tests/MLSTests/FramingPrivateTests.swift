import MLS
import MLSCodec
import MLSCrypto
import Testing

@Suite("Framing: PrivateMessage (RFC 9420 §6.3)")
struct FramingPrivateTests {
  let fixture: FramingFixture

  init() throws {
    fixture = try FramingFixture()
  }

  func unprotect(
    _ message: PrivateMessage, _ keys: inout FramingKeys,
    isMember: (LeafIndex) -> Bool = { _ in true }
  ) throws(FramingError) -> AuthenticatedContent {
    try Framing.unprotectPrivate(
      message, keys: &keys, isMember: isMember, provider: fixture.provider)
  }

  @Test(arguments: [
    MessageContent.application(FramingFixture.applicationData), FramingFixture.proposal,
    FramingFixture.commit,
  ])
  func everyContentTypeRoundTrips(content: MessageContent) throws {
    var sender = try fixture.keys()
    var receiver = try fixture.keys()
    let sent = try fixture.authenticated(content, wireFormat: .privateMessage)
    let message = try Framing.protectPrivate(
      sent, keys: &sender, padding: .none, provider: fixture.provider)
    #expect(message.contentType == content.contentType)
    #expect(message.authenticatedData == [0xaa, 0xbb])
    let decoded = try PrivateMessage(tlsSerialized: message.tlsSerialized())
    let received = try unprotect(decoded, &receiver)
    #expect(received == sent)
    try Framing.verifySignature(
      received, groupContext: fixture.context, signaturePublicKey: fixture.signaturePublicKey,
      provider: fixture.provider)
  }

  @Test func senderDataNamesLeafAndSuccessiveGenerations() throws {
    var sender = try fixture.keys()
    let first = try fixture.privateApplication(keys: &sender)
    let second = try fixture.privateApplication(keys: &sender)
    let handshake = try Framing.protectPrivate(
      fixture.authenticated(FramingFixture.proposal, wireFormat: .privateMessage), keys: &sender,
      provider: fixture.provider)
    let data = try [first, second, handshake].map { try fixture.openSenderData($0) }
    #expect(
      data.map(\.leafIndex) == [
        FramingFixture.sender, FramingFixture.sender, FramingFixture.sender,
      ])
    // Application and handshake messages use separate ratchets.
    #expect(data.map(\.generation) == [0, 1, 0])
  }

  @Test func reuseGuardIsXoredIntoTheRatchetNonce() throws {
    var sender = try fixture.keys()
    let message = try fixture.privateApplication(keys: &sender)
    let senderData = try fixture.openSenderData(message)
    var tree = try SecretTree(
      provider: fixture.provider, encryptionSecret: fixture.encryptionSecret, leafCount: 4)
    let ratchetKey = try tree.key(for: FramingFixture.sender, kind: .application, generation: 0)
    let aad = try PrivateContentAAD(
      groupID: message.groupID, epoch: message.epoch, contentType: .application,
      authenticatedData: message.authenticatedData
    ).tlsSerialized()
    var guarded = ratchetKey.nonce
    for index in 0..<4 { guarded[index] ^= senderData.reuseGuard[index] }
    let plaintext = try fixture.provider.open(
      key: ratchetKey.key, nonce: guarded, aad: aad, ciphertext: message.ciphertext)
    let content = try PrivateMessageContent(plaintext: plaintext, contentType: .application)
    #expect(content.content == .application(FramingFixture.applicationData))
    // A zero guard (probability 2^-32) would make the two nonces equal; otherwise the raw
    // ratchet nonce does not open the message.
    if senderData.reuseGuard != [0, 0, 0, 0] {
      #expect(guarded != ratchetKey.nonce)
      #expect(throws: CryptoError.authenticationFailed) {
        try fixture.provider.open(
          key: ratchetKey.key, nonce: ratchetKey.nonce, aad: aad, ciphertext: message.ciphertext)
      }
    }
  }

  @Test func paddingRoundsThePlaintextUp() throws {
    var sender = try fixture.keys()
    var receiver = try fixture.keys()
    let padded = try fixture.privateApplication(keys: &sender, padding: .multiple(of: 64))
    // The AEAD tag is 16 bytes; the plaintext underneath is a whole number of blocks.
    #expect((padded.ciphertext.count - 16) % 64 == 0)
    let unpadded = try fixture.privateApplication(keys: &sender)
    #expect(padded.ciphertext.count > unpadded.ciphertext.count)
    let received = try unprotect(padded, &receiver)
    #expect(received.content.content == .application(FramingFixture.applicationData))

    #expect(PaddingPolicy.none.paddingLength(forPlaintextLength: 13) == 0)
    #expect(PaddingPolicy.multiple(of: 64).paddingLength(forPlaintextLength: 1) == 63)
    #expect(PaddingPolicy.multiple(of: 64).paddingLength(forPlaintextLength: 128) == 0)
    #expect(PaddingPolicy.multiple(of: 0) == .none)
  }

  @Test func nonZeroPaddingIsRefused() throws {
    var sender = try fixture.keys()
    var receiver = try fixture.keys()
    let auth = FramedContentAuthData(signature: [1, 2, 3], confirmationTag: nil)
    var plaintext = try PrivateMessageContent(content: .application([7, 7]), auth: auth)
      .tlsSerialized()
    plaintext += [0, 0, 1, 0]
    let message = try fixture.craftPrivate(
      plaintext: plaintext, sender: FramingFixture.sender, keys: &sender)
    #expect(throws: FramingError.nonZeroPadding) {
      try unprotect(message, &receiver)
    }
    // The same construction with zero padding is accepted, so the crafting is sound.
    var zero = try PrivateMessageContent(content: .application([7, 7]), auth: auth)
      .tlsSerialized()
    zero += [0, 0, 0, 0]
    let good = try fixture.craftPrivate(
      plaintext: zero, sender: FramingFixture.sender, keys: &sender)
    #expect(try unprotect(good, &receiver).auth == auth)
  }

  @Test func truncatedContentIsMalformed() throws {
    var sender = try fixture.keys()
    var receiver = try fixture.keys()
    let message = try fixture.craftPrivate(
      plaintext: [0x05, 1, 2], sender: FramingFixture.sender, keys: &sender)
    #expect(throws: FramingError.malformed("PrivateMessageContent")) {
      try unprotect(message, &receiver)
    }
  }

  @Test func flippedCiphertextBitIsRefused() throws {
    var sender = try fixture.keys()
    var receiver = try fixture.keys()
    var message = try fixture.privateApplication(keys: &sender)
    let ciphertext = message.ciphertext
    // Past the sample the sender data still opens; the content does not.
    message.ciphertext = flippingBit(ciphertext, at: ciphertext.count - 1)
    #expect(throws: FramingError.decryptionFailed) { try unprotect(message, &receiver) }
    // Inside the sample the sender-data key changes, so the sender data fails first.
    message.ciphertext = flippingBit(ciphertext, at: 0)
    #expect(throws: FramingError.senderDataDecryptionFailed) { try unprotect(message, &receiver) }
  }

  @Test func flippedSenderDataBitIsRefused() throws {
    var sender = try fixture.keys()
    var receiver = try fixture.keys()
    var message = try fixture.privateApplication(keys: &sender)
    for index in [0, message.encryptedSenderData.count - 1] {
      var tampered = message
      tampered.encryptedSenderData = flippingBit(message.encryptedSenderData, at: index)
      #expect(throws: FramingError.senderDataDecryptionFailed) {
        try unprotect(tampered, &receiver)
      }
    }
    // The sender data AAD covers the content type.
    message.contentType = .proposal
    #expect(throws: FramingError.senderDataDecryptionFailed) { try unprotect(message, &receiver) }
  }

  @Test func authenticatedDataIsBoundToTheContent() throws {
    var sender = try fixture.keys()
    var receiver = try fixture.keys()
    var message = try fixture.privateApplication(keys: &sender)
    message.authenticatedData = [0xaa, 0xbc]
    #expect(throws: FramingError.decryptionFailed) { try unprotect(message, &receiver) }
  }

  @Test func senderLeafOutOfRangeIsRefused() throws {
    // A sender whose tree is larger than the receiver's names leaf 5 of 8; the receiver has 4.
    var sender = try fixture.keys(leafCount: 8)
    var receiver = try fixture.keys(leafCount: 4)
    let message = try fixture.privateApplication(keys: &sender, sender: LeafIndex(5))
    #expect(throws: FramingError.senderLeafOutOfRange(leaf: 5, leafCount: 4)) {
      try unprotect(message, &receiver)
    }
  }

  @Test func blankSenderLeafIsRefused() throws {
    var sender = try fixture.keys()
    var receiver = try fixture.keys()
    let message = try fixture.privateApplication(keys: &sender, sender: LeafIndex(2))
    #expect(throws: FramingError.senderLeafBlank(leaf: 2)) {
      try unprotect(message, &receiver, isMember: { $0 != LeafIndex(2) })
    }
    // The refusal did not consume the key: once the leaf is a member the message opens.
    let received = try unprotect(message, &receiver)
    #expect(received.content.sender == .member(LeafIndex(2)))
  }

  @Test func wrongGroupAndEpochAreRefusedBeforeDecryption() throws {
    var sender = try fixture.keys()
    var receiver = try fixture.keys()
    let message = try fixture.privateApplication(keys: &sender)
    var otherGroup = message
    otherGroup.groupID = Array("other".utf8)
    #expect(throws: FramingError.wrongGroup) { try unprotect(otherGroup, &receiver) }
    var otherEpoch = message
    otherEpoch.epoch = 6
    #expect(throws: FramingError.wrongEpoch(expected: 7, received: 6)) {
      try unprotect(otherEpoch, &receiver)
    }
    #expect(try unprotect(message, &receiver).content.epoch == 7)

    let stale = try fixture.authenticated(
      FramingFixture.proposal, wireFormat: .privateMessage, epoch: 6)
    #expect(throws: FramingError.wrongEpoch(expected: 7, received: 6)) {
      try Framing.protectPrivate(stale, keys: &sender, provider: fixture.provider)
    }
  }

  @Test func onlyMembersSendPrivateMessages() throws {
    var keys = try fixture.keys()
    let external = try fixture.authenticated(
      FramingFixture.proposal, wireFormat: .privateMessage, sender: .external(senderIndex: 1))
    #expect(throws: FramingError.senderNotAllowed(senderType: 2, contentType: .proposal)) {
      try Framing.protectPrivate(external, keys: &keys, provider: fixture.provider)
    }
    let publicContent = try fixture.authenticated(
      FramingFixture.proposal, wireFormat: .publicMessage)
    #expect(
      throws: FramingError.wireFormatMismatch(expected: .privateMessage, received: .publicMessage)
    ) {
      try Framing.protectPrivate(publicContent, keys: &keys, provider: fixture.provider)
    }
    var untagged = try fixture.authenticated(FramingFixture.commit, wireFormat: .privateMessage)
    untagged.auth.confirmationTag = nil
    #expect(throws: FramingError.malformed("confirmation_tag")) {
      try Framing.protectPrivate(untagged, keys: &keys, provider: fixture.provider)
    }
  }
}

@Suite("Framing: authenticating before the content key is consumed (RFC 9420 §9.2)")
struct FramingAuthenticateTests {
  let fixture: FramingFixture

  init() throws {
    fixture = try FramingFixture()
  }

  /// A message refused by `authenticate` (first message of the sender, then a later one) leaves
  /// its key in place: the same message accepted afterwards decrypts, and only then is the key
  /// gone (a replay fails with `.keyUnavailable`).
  @Test func refusedMessageKeepsItsKey() throws {
    var sender = try fixture.keys()
    var receiver = try fixture.keys()
    let first = try fixture.privateApplication(keys: &sender)
    let second = try fixture.privateApplication(keys: &sender)
    let refuse: (AuthenticatedContent) throws(FramingError) -> Void = {
      (_) throws(FramingError) in
      throw .invalidSignature
    }
    for message in [first, second] {
      #expect(throws: FramingError.invalidSignature) {
        try Framing.unprotectPrivate(
          message, keys: &receiver, isMember: { _ in true }, provider: fixture.provider,
          authenticate: refuse)
      }
      // Nothing was derived or consumed: the tree still holds only its root secret.
      #expect(receiver.secretTree.heldNodeSecretCount == 1)
    }
    let shared = fixture
    let verify: (AuthenticatedContent) throws(FramingError) -> Void = {
      (authenticated) throws(FramingError) in
      try Framing.verifySignature(
        authenticated, groupContext: shared.context,
        signaturePublicKey: shared.signaturePublicKey, provider: shared.provider)
    }
    for message in [first, second] {
      let received = try Framing.unprotectPrivate(
        message, keys: &receiver, isMember: { _ in true }, provider: fixture.provider,
        authenticate: verify)
      #expect(received.content.content == .application(FramingFixture.applicationData))
    }
    #expect(try [first, second].map { try fixture.openSenderData($0).generation } == [0, 1])
    #expect(throws: FramingError.keyUnavailable(.generationUnavailable(generation: 1))) {
      try Framing.unprotectPrivate(
        second, keys: &receiver, isMember: { _ in true }, provider: fixture.provider)
    }
  }

  /// A refused later message (ratchets already seeded) does not move the ratchet either.
  @Test func refusedLaterMessageLeavesTheRatchet() throws {
    var sender = try fixture.keys()
    var receiver = try fixture.keys()
    let first = try fixture.privateApplication(keys: &sender)
    let second = try fixture.privateApplication(keys: &sender)
    _ = try Framing.unprotectPrivate(
      first, keys: &receiver, isMember: { _ in true }, provider: fixture.provider)
    let held = receiver.secretTree.heldNodeSecretCount
    let refuse: (AuthenticatedContent) throws(FramingError) -> Void = {
      (_) throws(FramingError) in
      throw .invalidSignature
    }
    #expect(throws: FramingError.invalidSignature) {
      try Framing.unprotectPrivate(
        second, keys: &receiver, isMember: { _ in true }, provider: fixture.provider,
        authenticate: refuse)
    }
    #expect(receiver.secretTree.heldNodeSecretCount == held)
    let received = try Framing.unprotectPrivate(
      second, keys: &receiver, isMember: { _ in true }, provider: fixture.provider)
    #expect(received.content.content == .application(FramingFixture.applicationData))
  }
}

@Suite("Framing: the sender-data secret keyed once per epoch (RFC 9420 §6.3.2)")
struct FramingSenderDataKeyTests {
  /// Replacing `senderDataSecret` re-keys the cached HMAC key: messages protected under the new
  /// secret open with it, match the RFC derivation from the secret (`openSenderData`), and are
  /// refused by a receiver still holding the old one.
  @Test func replacingTheSecretRekeys() throws {
    let fixture = try FramingFixture()
    let replacement = SecretBytes(Array(repeating: 0x99, count: fixture.provider.hashLength))
    var sender = try fixture.keys()
    var receiver = try fixture.keys()
    var stale = try fixture.keys()
    sender.senderDataSecret = replacement
    receiver.senderDataSecret = replacement
    let message = try fixture.privateApplication(keys: &sender)
    let derived = try SenderDataKeys.derive(
      senderDataSecret: replacement, ciphertext: message.ciphertext, provider: fixture.provider)
    let aad = try SenderDataAAD(
      groupID: message.groupID, epoch: message.epoch, contentType: message.contentType
    ).tlsSerialized()
    let opened = try fixture.provider.open(
      key: derived.key, nonce: derived.nonce, aad: aad, ciphertext: message.encryptedSenderData)
    #expect(try SenderData(tlsSerialized: opened).leafIndex == FramingFixture.sender)
    let received = try Framing.unprotectPrivate(
      message, keys: &receiver, isMember: { _ in true }, provider: fixture.provider)
    #expect(received.content.content == .application(FramingFixture.applicationData))
    #expect(throws: FramingError.senderDataDecryptionFailed) {
      try Framing.unprotectPrivate(
        message, keys: &stale, isMember: { _ in true }, provider: fixture.provider)
    }
  }
}
