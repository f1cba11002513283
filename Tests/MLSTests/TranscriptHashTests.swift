import MLS
import MLSCodec
import MLSCrypto
import Testing

@Suite("Transcript hashes and confirmation tag (RFC 9420 §8.2)")
struct TranscriptHashTests {
  let provider: CipherSuiteProvider

  init() throws {
    provider = try CipherSuiteProvider(.x25519Aes128Sha256Ed25519)
  }

  @Test func confirmedHashIsHashOfInterimThenInput() throws {
    // SHA-256("abc"), FIPS 180-2 Appendix B.1, split as interim "a" || input "bc".
    let hash = try TranscriptHashes.confirmed(
      provider: provider, interimBefore: Array("a".utf8), confirmedInput: Array("bc".utf8))
    #expect(try hash == hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
  }

  @Test func interimHashCoversTheLengthPrefixedTag() throws {
    let confirmed: [UInt8] = [1, 2, 3]
    let tag = Array(repeating: UInt8(0xee), count: 32)
    let interim = try TranscriptHashes.interim(
      provider: provider, confirmed: confirmed, confirmationTag: tag)
    #expect(interim == (try provider.hash(confirmed + [32] + tag)))
  }

  @Test func applyingStartsFromEmptyHashes() throws {
    let start = TranscriptHashes()
    #expect(start.confirmed.isEmpty && start.interim.isEmpty)
    let next = try start.applying(
      confirmedInput: [9, 9], confirmationTag: [7], provider: provider)
    #expect(next.confirmed == (try provider.hash([9, 9])))
    #expect(next.interim == (try provider.hash(next.confirmed + [1, 7])))
  }

  @Test func confirmationTagIsHMACOverTheConfirmedHash() throws {
    // RFC 4231 test case 2: HMAC-SHA-256 with key "Jefe".
    let tag = try ConfirmationTag.compute(
      provider: provider, confirmationKey: SecretBytes(Array("Jefe".utf8)),
      confirmedTranscriptHash: Array("what do ya want for nothing?".utf8))
    #expect(try tag == hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"))
  }

  @Test func tagRejectedWhenAnyByteChanges() throws {
    let key = SecretBytes(Array(repeating: 3, count: 32))
    let confirmed = Array(repeating: UInt8(4), count: 32)
    let tag = try ConfirmationTag.compute(
      provider: provider, confirmationKey: key, confirmedTranscriptHash: confirmed)
    try ConfirmationTag.verify(
      tag, provider: provider, confirmationKey: key, confirmedTranscriptHash: confirmed)

    for index in tag.indices {
      var forged = tag
      forged[index] ^= 0x01
      #expect(throws: KeyScheduleError.invalidConfirmationTag) {
        try ConfirmationTag.verify(
          forged, provider: provider, confirmationKey: key, confirmedTranscriptHash: confirmed)
      }
    }
    var otherHash = confirmed
    otherHash[0] ^= 0x80
    #expect(throws: KeyScheduleError.invalidConfirmationTag) {
      try ConfirmationTag.verify(
        tag, provider: provider, confirmationKey: key, confirmedTranscriptHash: otherHash)
    }
    #expect(throws: KeyScheduleError.invalidConfirmationTag) {
      try ConfirmationTag.verify(
        Array(tag.dropLast()), provider: provider, confirmationKey: key,
        confirmedTranscriptHash: confirmed)
    }
    #expect(throws: KeyScheduleError.invalidConfirmationTag) {
      try ConfirmationTag.verify(
        tag, provider: provider, confirmationKey: SecretBytes(Array(repeating: 5, count: 32)),
        confirmedTranscriptHash: confirmed)
    }
  }

  private func hex(_ text: String) throws -> [UInt8] {
    try #require(Hex.decode(text))
  }
}
