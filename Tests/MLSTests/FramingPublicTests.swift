import MLS
import MLSCodec
import MLSCrypto
import Testing

@Suite("Framing: signatures and PublicMessage (RFC 9420 §6.1, §6.2)")
struct FramingPublicTests {
  let fixture: FramingFixture

  init() throws {
    fixture = try FramingFixture()
  }

  @Test func memberProposalRoundTripsThroughTheWire() throws {
    let keys = try fixture.keys()
    let sent = try fixture.authenticated(FramingFixture.proposal, wireFormat: .publicMessage)
    let message = try Framing.protectPublic(sent, keys: keys, provider: fixture.provider)
    let tag = try #require(message.membershipTag)
    #expect(tag.count == fixture.provider.hashLength)
    let decoded = try PublicMessage(tlsSerialized: message.tlsSerialized())
    let received = try Framing.unprotectPublic(decoded, keys: keys, provider: fixture.provider)
    #expect(received == sent)
    try Framing.verifySignature(
      received, groupContext: fixture.context, signaturePublicKey: fixture.signaturePublicKey,
      provider: fixture.provider)
  }

  @Test func membershipTagIsTheMACOfAuthenticatedContentTBM() throws {
    let keys = try fixture.keys()
    let sent = try fixture.authenticated(FramingFixture.commit, wireFormat: .publicMessage)
    let message = try Framing.protectPublic(sent, keys: keys, provider: fixture.provider)
    let tbm = AuthenticatedContentTBM(
      contentTBS: FramedContentTBS(
        wireFormat: .publicMessage, content: sent.content, context: fixture.context),
      auth: sent.auth)
    let expected = try fixture.provider.mac(key: keys.membershipKey, data: tbm.tlsSerialized())
    #expect(message.membershipTag == expected)
  }

  @Test func signatureIsSignWithLabelOverFramedContentTBS() throws {
    let sent = try fixture.authenticated(FramingFixture.proposal, wireFormat: .publicMessage)
    let tbs = FramedContentTBS(
      wireFormat: .publicMessage, content: sent.content, context: fixture.context)
    try fixture.provider.verifyWithLabel(
      publicKey: fixture.signaturePublicKey, label: "FramedContentTBS",
      content: tbs.tlsSerialized(), signature: sent.auth.signature)
    #expect(sent.auth.confirmationTag == nil)
  }

  @Test func wrongGroupIsRefused() throws {
    let keys = try fixture.keys()
    let sent = try fixture.authenticated(
      FramingFixture.proposal, wireFormat: .publicMessage, groupID: Array("other".utf8))
    #expect(throws: FramingError.wrongGroup) {
      try Framing.protectPublic(sent, keys: keys, provider: fixture.provider)
    }
    let message = PublicMessage(content: sent.content, auth: sent.auth, membershipTag: [0])
    #expect(throws: FramingError.wrongGroup) {
      try Framing.unprotectPublic(message, keys: keys, provider: fixture.provider)
    }
  }

  @Test func wrongEpochIsRefused() throws {
    let keys = try fixture.keys()
    let sent = try fixture.authenticated(
      FramingFixture.proposal, wireFormat: .publicMessage, epoch: 8)
    let message = PublicMessage(content: sent.content, auth: sent.auth, membershipTag: [0])
    #expect(throws: FramingError.wrongEpoch(expected: 7, received: 8)) {
      try Framing.unprotectPublic(message, keys: keys, provider: fixture.provider)
    }
    #expect(throws: FramingError.wrongEpoch(expected: 7, received: 8)) {
      try Framing.protectPublic(sent, keys: keys, provider: fixture.provider)
    }
  }

  @Test func applicationDataIsNeverPublic() throws {
    let keys = try fixture.keys()
    let sent = try fixture.authenticated(
      .application(FramingFixture.applicationData), wireFormat: .publicMessage)
    #expect(throws: FramingError.applicationDataInPublicMessage) {
      try Framing.protectPublic(sent, keys: keys, provider: fixture.provider)
    }
    // A received one is refused before its (here valid) membership tag is even looked at.
    let tag = try fixture.provider.mac(
      key: keys.membershipKey,
      data: AuthenticatedContentTBM(
        contentTBS: FramedContentTBS(
          wireFormat: .publicMessage, content: sent.content, context: fixture.context),
        auth: sent.auth
      ).tlsSerialized())
    let message = PublicMessage(content: sent.content, auth: sent.auth, membershipTag: tag)
    #expect(throws: FramingError.applicationDataInPublicMessage) {
      try Framing.unprotectPublic(message, keys: keys, provider: fixture.provider)
    }
  }

  @Test func badMembershipTagIsRefused() throws {
    let keys = try fixture.keys()
    let sent = try fixture.authenticated(FramingFixture.proposal, wireFormat: .publicMessage)
    var message = try Framing.protectPublic(sent, keys: keys, provider: fixture.provider)
    let tag = try #require(message.membershipTag)
    for index in [0, tag.count - 1] {
      message.membershipTag = flippingBit(tag, at: index)
      #expect(throws: FramingError.invalidMembershipTag) {
        try Framing.unprotectPublic(message, keys: keys, provider: fixture.provider)
      }
    }
    message.membershipTag = Array(tag.prefix(16))
    #expect(throws: FramingError.invalidMembershipTag) {
      try Framing.unprotectPublic(message, keys: keys, provider: fixture.provider)
    }
    message.membershipTag = nil
    #expect(throws: FramingError.missingMembershipTag) {
      try Framing.unprotectPublic(message, keys: keys, provider: fixture.provider)
    }
    // A receiver with another epoch's membership key rejects the honest tag.
    message.membershipTag = tag
    let otherKeys = try fixture.keys(membershipKeyByte: 0x34)
    #expect(throws: FramingError.invalidMembershipTag) {
      try Framing.unprotectPublic(message, keys: otherKeys, provider: fixture.provider)
    }
  }

  @Test func badSignatureIsRefused() throws {
    var received = try fixture.authenticated(FramingFixture.proposal, wireFormat: .publicMessage)
    let signature = received.auth.signature
    received.auth.signature = flippingBit(signature, at: 5)
    #expect(throws: FramingError.invalidSignature) {
      try Framing.verifySignature(
        received, groupContext: fixture.context,
        signaturePublicKey: fixture.signaturePublicKey, provider: fixture.provider)
    }
    received.auth.signature = signature
    let other = try fixture.provider.generateSignatureKeyPair()
    #expect(throws: FramingError.invalidSignature) {
      try Framing.verifySignature(
        received, groupContext: fixture.context, signaturePublicKey: other.publicKey,
        provider: fixture.provider)
    }
    // The context is signed for members: the same bytes in another epoch do not verify.
    var laterContext = fixture.context
    laterContext.epoch += 1
    #expect(throws: FramingError.invalidSignature) {
      try Framing.verifySignature(
        received, groupContext: laterContext, signaturePublicKey: fixture.signaturePublicKey,
        provider: fixture.provider)
    }
    // And the wire format is signed: a public message's signature does not verify as private.
    received.wireFormat = .privateMessage
    #expect(throws: FramingError.invalidSignature) {
      try Framing.verifySignature(
        received, groupContext: fixture.context,
        signaturePublicKey: fixture.signaturePublicKey, provider: fixture.provider)
    }
    received.wireFormat = .publicMessage
    #expect(throws: FramingError.crypto(.invalidPublicKey("Ed25519 public key length"))) {
      try Framing.verifySignature(
        received, groupContext: fixture.context, signaturePublicKey: [1, 2, 3],
        provider: fixture.provider)
    }
  }

  @Test func externalSenderProposalHasNoTagAndSignsWithoutContext() throws {
    let keys = try fixture.keys()
    let sent = try fixture.authenticated(
      FramingFixture.proposal, wireFormat: .publicMessage, sender: .external(senderIndex: 0))
    let message = try Framing.protectPublic(sent, keys: keys, provider: fixture.provider)
    #expect(message.membershipTag == nil)
    let received = try Framing.unprotectPublic(message, keys: keys, provider: fixture.provider)
    // No GroupContext in the TBS: the signature verifies whatever context the verifier holds.
    var otherContext = fixture.context
    otherContext.treeHash = [0]
    try Framing.verifySignature(
      received, groupContext: otherContext, signaturePublicKey: fixture.signaturePublicKey,
      provider: fixture.provider)

    let tagged = PublicMessage(content: sent.content, auth: sent.auth, membershipTag: [1])
    #expect(throws: FramingError.malformed("membership_tag")) {
      try Framing.unprotectPublic(tagged, keys: keys, provider: fixture.provider)
    }
  }

  @Test func sendersAreLimitedToTheirContentTypes() throws {
    let keys = try fixture.keys()
    let cases: [(Sender, MessageContent, ContentType)] = [
      (.external(senderIndex: 0), FramingFixture.commit, .commit),
      (.newMemberProposal, FramingFixture.commit, .commit),
      (.newMemberCommit, FramingFixture.proposal, .proposal),
    ]
    for (sender, content, type) in cases {
      let sent = try fixture.authenticated(content, wireFormat: .publicMessage, sender: sender)
      let expected = FramingError.senderNotAllowed(
        senderType: sender.senderTypeCode, contentType: type)
      #expect(throws: expected) {
        try Framing.protectPublic(sent, keys: keys, provider: fixture.provider)
      }
      let message = PublicMessage(content: sent.content, auth: sent.auth, membershipTag: nil)
      #expect(throws: expected) {
        try Framing.unprotectPublic(message, keys: keys, provider: fixture.provider)
      }
    }
    let newMemberCommit = try fixture.authenticated(
      FramingFixture.commit, wireFormat: .publicMessage, sender: .newMemberCommit)
    let accepted = try Framing.protectPublic(
      newMemberCommit, keys: keys, provider: fixture.provider)
    #expect(accepted.membershipTag == nil)
    // A joiner holds no epoch keys: the keyless overload frames its commit the same way.
    let joinerFramed = try Framing.protectPublic(
      newMemberCommit, groupContext: fixture.context, membershipKey: nil,
      provider: fixture.provider)
    #expect(joinerFramed == accepted)
    #expect(
      try Framing.unprotectPublic(joinerFramed, keys: keys, provider: fixture.provider)
        == newMemberCommit)
    let member = try fixture.authenticated(FramingFixture.proposal, wireFormat: .publicMessage)
    #expect(throws: FramingError.missingMembershipTag) {
      try Framing.protectPublic(
        member, groupContext: fixture.context, membershipKey: nil, provider: fixture.provider)
    }
  }

  @Test func wireFormatAndConfirmationTagAreChecked() throws {
    let keys = try fixture.keys()
    let privateContent = try fixture.authenticated(
      FramingFixture.proposal, wireFormat: .privateMessage)
    #expect(
      throws: FramingError.wireFormatMismatch(expected: .publicMessage, received: .privateMessage)
    ) {
      try Framing.protectPublic(privateContent, keys: keys, provider: fixture.provider)
    }
    var commit = try fixture.authenticated(FramingFixture.commit, wireFormat: .publicMessage)
    commit.auth.confirmationTag = nil
    let message = PublicMessage(content: commit.content, auth: commit.auth, membershipTag: [0])
    #expect(throws: FramingError.malformed("confirmation_tag")) {
      try Framing.unprotectPublic(message, keys: keys, provider: fixture.provider)
    }
  }
}
