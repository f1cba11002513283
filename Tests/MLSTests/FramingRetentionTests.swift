import MLS
import MLSCodec
import MLSCrypto
import Testing

@Suite("Framing: key consumption and retention (RFC 9420 §9.2)")
struct FramingRetentionTests {
  let fixture: FramingFixture

  init() throws {
    fixture = try FramingFixture()
  }

  func unprotect(
    _ message: PrivateMessage, _ keys: inout FramingKeys
  ) throws(FramingError) -> AuthenticatedContent {
    try Framing.unprotectPrivate(
      message, keys: &keys, isMember: { _ in true }, provider: fixture.provider)
  }

  @Test func forgeryDoesNotBurnTheHonestKeyAndReplayIsRefused() throws {
    var sender = try fixture.keys()
    var receiver = try fixture.keys()
    let honest = try fixture.privateApplication(keys: &sender)
    var forged = honest
    forged.ciphertext = flippingBit(honest.ciphertext, at: honest.ciphertext.count - 1)
    #expect(throws: FramingError.decryptionFailed) { try unprotect(forged, &receiver) }
    #expect(throws: FramingError.decryptionFailed) { try unprotect(forged, &receiver) }

    let received = try unprotect(honest, &receiver)
    #expect(received.content.content == .application(FramingFixture.applicationData))
    #expect(throws: FramingError.keyUnavailable(.generationUnavailable(generation: 0))) {
      try unprotect(honest, &receiver)
    }
  }

  @Test func forgeryAheadDoesNotMoveTheRatchet() throws {
    var sender = try fixture.keys()
    var receiver = try fixture.keys()
    var messages: [PrivateMessage] = []
    for _ in 0..<4 { messages.append(try fixture.privateApplication(keys: &sender)) }
    var forged = messages[3]
    forged.ciphertext = flippingBit(forged.ciphertext, at: forged.ciphertext.count - 1)
    #expect(throws: FramingError.decryptionFailed) { try unprotect(forged, &receiver) }
    // Had the forgery committed, generation 3 would be spent and the honest message refused.
    for message in messages { _ = try unprotect(message, &receiver) }
  }

  @Test func usedKeyCannotBeDerivedAgain() throws {
    var sender = try fixture.keys()
    var receiver = try fixture.keys()
    let message = try fixture.privateApplication(keys: &sender)
    _ = try unprotect(message, &receiver)
    #expect(throws: SecretTreeError.generationUnavailable(generation: 0)) {
      try receiver.secretTree.key(for: FramingFixture.sender, kind: .application, generation: 0)
    }
    // The sender's own ratchet moved on as well: its next message is generation 1.
    let next = try fixture.privateApplication(keys: &sender)
    #expect(try fixture.openSenderData(next).generation == 1)
    #expect(try unprotect(next, &receiver).content.authenticatedData == [0xaa, 0xbb])
  }

  @Test func outOfOrderWithinTheWindowIsAccepted() throws {
    var sender = try fixture.keys()
    var receiver = try fixture.keys()
    var messages: [PrivateMessage] = []
    for _ in 0..<8 { messages.append(try fixture.privateApplication(keys: &sender)) }
    // Receiving 7 first skips 0-6; only the five most recent skipped keys (2-6) are kept.
    _ = try unprotect(messages[7], &receiver)
    for generation in [0, 1] {
      #expect(
        throws: FramingError.keyUnavailable(.generationUnavailable(generation: UInt32(generation)))
      ) {
        try unprotect(messages[generation], &receiver)
      }
    }
    for generation in [4, 2, 6, 3, 5] { _ = try unprotect(messages[generation], &receiver) }
    #expect(throws: FramingError.keyUnavailable(.generationUnavailable(generation: 4))) {
      try unprotect(messages[4], &receiver)
    }
  }

  @Test func generationTooFarAheadIsRefused() throws {
    var sender = try fixture.keys()
    var receiver = try fixture.keys()
    for _ in 0..<1001 {
      _ = try sender.secretTree.nextKey(for: FramingFixture.sender, kind: .application)
    }
    let message = try fixture.privateApplication(keys: &sender)
    #expect(try fixture.openSenderData(message).generation == 1001)
    let expected = FramingError.keyUnavailable(
      .generationTooFarAhead(generation: 1001, next: 0, maximumDistance: 1000))
    #expect(throws: expected) { try unprotect(message, &receiver) }
    // A wider configured window accepts it.
    var patient = try fixture.keys(
      configuration: SecretTreeConfiguration(maximumForwardDistance: 1001))
    #expect(try unprotect(message, &patient).content.sender == .member(FramingFixture.sender))
  }

  @Test func withKeyCommitsOnlyOnSuccess() throws {
    struct Declined: Error {}
    var tree = try SecretTree(
      provider: fixture.provider, encryptionSecret: fixture.encryptionSecret, leafCount: 2)
    var reference = try SecretTree(
      provider: fixture.provider, encryptionSecret: fixture.encryptionSecret, leafCount: 2)
    let expected = try reference.key(for: LeafIndex(0), kind: .handshake, generation: 2)

    let declined = try tree.withKey(for: LeafIndex(0), kind: .handshake, generation: 2) {
      (key) throws(Declined) -> [UInt8] in
      throw Declined()
    }
    guard case .failure = declined else {
      Issue.record("body failure was not reported")
      return
    }
    // Nothing was consumed: generation 0 is still derivable from the ratchet, and 2 is too.
    let accepted = try tree.withKey(for: LeafIndex(0), kind: .handshake, generation: 2) {
      (key) throws(Declined) -> [UInt8] in key.key.revealed()
    }
    #expect(try accepted.get() == expected.key.revealed())
    #expect(try tree.key(for: LeafIndex(0), kind: .handshake, generation: 0).generation == 0)
    #expect(throws: SecretTreeError.generationUnavailable(generation: 2)) {
      try tree.withKey(for: LeafIndex(0), kind: .handshake, generation: 2) {
        (key) throws(Declined) -> Int in 0
      }
    }
    #expect(throws: SecretTreeError.leafOutOfRange(leaf: 2, leafCount: 2)) {
      try tree.withKey(for: LeafIndex(2), kind: .handshake, generation: 0) {
        (key) throws(Declined) -> Int in 0
      }
    }
  }
}
