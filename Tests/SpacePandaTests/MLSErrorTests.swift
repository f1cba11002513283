import MLS
import MLSCodec
import MLSCrypto
import SpacePanda
import Testing

@Suite("MLSError")
struct MLSErrorTests {
  @Test func cryptoErrorsMapToProductCases() {
    #expect(
      MLSError(CryptoError.authenticationFailed) == .cryptoError("AEAD authentication failed"))
    #expect(MLSError(CryptoError.invalidSignature) == .unauthorized("signature did not verify"))
    #expect(MLSError(CryptoError.unsupportedCipherSuite(0x0A0A)) == .unsupportedCipherSuite(0x0A0A))
    #expect(
      MLSError(CryptoError.library("EVP_DigestInit"))
        == .cryptoError("library call failed (EVP_DigestInit)"))
    #expect(
      MLSError(CryptoError.invalidPublicKey("P-256 point"))
        == .cryptoError("invalid public key (P-256 point)"))
    #expect(
      MLSError(CryptoError.messageLimitReached)
        == .cryptoError("HPKE context message limit reached"))
  }

  @Test func decodingErrorsAreMalformedMessages() {
    #expect(
      MLSError(TLSDecodingError.truncated(needed: 4, remaining: 1))
        == .malformedMessage("truncated: needed 4 bytes, 1 remain"))
    #expect(
      MLSError(TLSDecodingError.trailingBytes(count: 3)) == .malformedMessage("3 trailing bytes"))
    #expect(
      MLSError(TLSDecodingError.unknownEnumValue(type: "WireFormat", value: 9))
        == .malformedMessage("unknown WireFormat value 9"))
    #expect(
      MLSError(TLSEncodingError.valueTooLarge(5))
        == .encodingFailed("value of 5 bytes exceeds its length prefix"))
  }

  @Test func secretTreeErrors() {
    #expect(MLSError(SecretTreeError.generationUnavailable(generation: 7)) == .replayDetected)
    #expect(
      MLSError(SecretTreeError.crypto(.authenticationFailed))
        == .cryptoError("AEAD authentication failed"))
    #expect(
      MLSError(SecretTreeError.leafOutOfRange(leaf: 5, leafCount: 4))
        == .malformedMessage("sender leaf 5 outside a tree of 4 leaves"))
    #expect(MLSError(SecretTreeError.emptyTree) == .corruptedState("secret tree has no leaves"))
    #expect(MLSError(SecretTreeError.ratchetExhausted) == .cryptoError("hash ratchet exhausted"))
    #expect(
      MLSError(
        SecretTreeError.generationTooFarAhead(generation: 2000, next: 3, maximumDistance: 1000))
        == .malformedMessage("generation 2000 is more than 1000 ahead of 3"))
  }

  @Test func keyScheduleAndMessageErrors() {
    #expect(
      MLSError(KeyScheduleError.invalidConfirmationTag)
        == .invalidCommit("confirmation tag does not match"))
    #expect(
      MLSError(KeyScheduleError.crypto(.invalidSignature))
        == .unauthorized("signature did not verify"))
    #expect(
      MLSError(KeyScheduleError.tooManyPSKs(70_000))
        == .invalidCommit("70000 pre-shared keys exceed the limit"))
    #expect(MLSError(MessageError.nonZeroPadding) == .malformedMessage("non-zero padding"))
    #expect(MLSError(MessageError.invalidField("epoch")) == .malformedMessage("invalid epoch"))
  }

  @Test func remainingLowerLayerCases() {
    let pairs: [(MLSError, MLSError)] = [
      (
        MLSError(CryptoError.invalidPrivateKey("X25519")),
        .cryptoError("invalid private key (X25519)")
      ),
      (MLSError(CryptoError.invalidLength("nonce")), .cryptoError("invalid length (nonce)")),
      (MLSError(CryptoError.deriveKeyPairFailed), .cryptoError("HPKE DeriveKeyPair found no key")),
      (
        MLSError(TLSDecodingError.lengthExceedsInput(declared: 9, remaining: 2)),
        .malformedMessage("length 9 exceeds the 2 bytes remaining")
      ),
      (
        MLSError(TLSDecodingError.invalidVarintPrefix),
        .malformedMessage("invalid variable-length integer prefix")
      ),
      (
        MLSError(TLSDecodingError.invalidValue("Bool")), .malformedMessage("invalid value for Bool")
      ),
      (MLSError(KeyScheduleError.encodingFailed("GroupContext")), .encodingFailed("GroupContext")),
      (
        MLSError(KeyScheduleError.invalidSecretLength("psk", expected: 32, actual: 3)),
        .cryptoError("psk has 3 bytes, expected 32")
      ),
      (
        MLSError(MessageError.missingLeafNodeContext),
        .malformedMessage("leaf node signature needs the group ID and leaf index")
      ),
      (
        MLSError(MessageError.membershipTagMismatch(senderIsMember: true)),
        .malformedMessage("member PublicMessage without membership tag")
      ),
      (
        MLSError(MessageError.membershipTagMismatch(senderIsMember: false)),
        .malformedMessage("non-member PublicMessage with membership tag")
      ),
      (
        MLSError(MessageError.confirmationTagMismatch(isCommit: true)),
        .malformedMessage("commit without confirmation tag")
      ),
      (
        MLSError(MessageError.confirmationTagMismatch(isCommit: false)),
        .malformedMessage("confirmation tag on a non-commit")
      ),
      (
        MLSError(wrapping: TLSEncodingError.valueTooLarge(1)),
        .encodingFailed("value of 1 bytes exceeds its length prefix")
      ),
    ]
    for (mapped, expected) in pairs { #expect(mapped == expected) }
  }

  @Test func everyCaseHasItsOwnDescription() {
    let all: [MLSError] = [
      .replayDetected, .epochMismatch(expected: 1, received: 2), .cryptoError("c"),
      .unauthorized("u"), .malformedMessage("m"), .invalidProposal("p"), .invalidCommit("k"),
      .invalidCredential("r"), .unsupportedCipherSuite(1), .messageTooLarge(size: 5, limit: 4),
      .encodingFailed("e"), .wrongPassphrase, .weakPassphrase(minimumLength: 12),
      .corruptedState("s"), .storage("t"), .groupNotFound, .notAMember,
      .invalidConfiguration("i"), .internalError("x"), .invalidKeyPackage("y"),
      .invalidLeafNode("z"), .invalidTree("w"),
    ]
    let descriptions = all.map(\.description)
    #expect(Set(descriptions).count == all.count)
    #expect(descriptions.allSatisfy { $0.hasSuffix(".") && $0.first?.isUppercase == true })
    #expect(
      MLSError.messageTooLarge(size: 5, limit: 4).description
        == "Message too large: 5 bytes, the limit is 4.")
    #expect(
      MLSError.invalidProposal("admin list is empty").description
        == "Invalid proposal: admin list is empty.")
  }

  @Test func wrappingDispatchesOnType() {
    struct Foreign: Error { let secret = "do not print" }
    #expect(MLSError(wrapping: MLSError.notAMember) == .notAMember)
    #expect(
      MLSError(wrapping: CryptoError.authenticationFailed)
        == .cryptoError("AEAD authentication failed"))
    #expect(
      MLSError(wrapping: TLSDecodingError.nonMinimalVarint)
        == .malformedMessage("non-minimal variable-length integer"))
    #expect(
      MLSError(wrapping: SecretTreeError.generationUnavailable(generation: 1)) == .replayDetected)
    #expect(
      MLSError(wrapping: KeyScheduleError.invalidConfirmationTag)
        == .invalidCommit("confirmation tag does not match"))
    #expect(
      MLSError(wrapping: MessageError.missingGroupContext)
        == .malformedMessage("framed content signature needs the group context"))
    let foreign = MLSError(wrapping: Foreign())
    #expect(foreign == .internalError("unexpected Foreign"))
    #expect(!foreign.description.contains("do not print"))
  }

  @Test func descriptionsAreUserFacing() {
    #expect(
      MLSError.replayDetected.description == "Replay detected: this message was already processed.")
    #expect(
      MLSError.epochMismatch(expected: 4, received: 2).description
        == "Epoch mismatch: the group is at epoch 4, the message is for epoch 2.")
    #expect(
      MLSError.unsupportedCipherSuite(0x0A0A).description == "Unsupported cipher suite 0x0a0a.")
    #expect(
      MLSError.weakPassphrase(minimumLength: 12).description
        == "Passphrase too weak: use at least 12 characters.")
    #expect(MLSError.wrongPassphrase.description.hasPrefix("Wrong passphrase"))
    #expect(
      MLSError.corruptedState("checksum").description == "Stored state is corrupted: checksum.")
  }
}
