import MLS
import MLSCodec
import MLSCrypto
import Testing

@Suite("Pre-shared keys (RFC 9420 §8.4)")
struct PSKTests {
  @Test(arguments: CipherSuite.all)
  func noPSKsGiveTheZeroVector(_ suite: CipherSuite) throws {
    let provider = try CipherSuiteProvider(suite)
    let secret = try KeySchedule(provider: provider).pskSecret([])
    #expect(secret.revealed() == Array(repeating: 0, count: provider.hashLength))
  }

  @Test func oneExternalPSKFollowsTheChain() throws {
    let provider = try CipherSuiteProvider(.x25519Aes128Sha256Ed25519)
    let id = PreSharedKeyID(
      key: .external(pskID: [1, 2, 3]), pskNonce: Array(repeating: 9, count: 32))
    let psk = SecretBytes(Array(repeating: 0x33, count: 32))
    let secret = try KeySchedule(provider: provider).pskSecret([PSKInput(id: id, psk: psk)])

    // Recompute §8.4 step by step: Extract(0, psk), ExpandWithLabel("derived psk", PSKLabel),
    // Extract(psk_input, 0).
    let zero = SecretBytes(zeros: 32)
    let label = try PSKLabel(id: id, index: 0, count: 1).tlsSerialized()
    #expect(label == [1, 3, 1, 2, 3, 32] + Array(repeating: 9, count: 32) + [0, 0, 0, 1])
    let extracted = try provider.extract(salt: zero, ikm: psk)
    let input = try provider.expandWithLabel(
      secret: extracted, label: "derived psk", context: label, length: 32)
    #expect(secret == (try provider.extract(salt: input, ikm: zero)))
  }

  @Test func orderAndCountMatter() throws {
    let schedule = KeySchedule(provider: try CipherSuiteProvider(.p256Aes128Sha256P256))
    let a = PSKInput(
      id: PreSharedKeyID(key: .external(pskID: [0xa]), pskNonce: Array(repeating: 1, count: 32)),
      psk: SecretBytes([1, 1, 1]))
    let b = PSKInput(
      id: PreSharedKeyID(
        key: .resumption(usage: .application, pskGroupID: [0xb], pskEpoch: 3),
        pskNonce: Array(repeating: 2, count: 32)),
      psk: SecretBytes([2, 2, 2]))
    let ab = try schedule.pskSecret([a, b])
    let ba = try schedule.pskSecret([b, a])
    let onlyA = try schedule.pskSecret([a])
    #expect(ab != ba)
    #expect(ab != onlyA)
    #expect(onlyA != schedule.zeroSecret)
  }

  @Test func tooManyPSKsAreRefused() throws {
    let schedule = KeySchedule(provider: try CipherSuiteProvider(.x25519Aes128Sha256Ed25519))
    let one = PSKInput(
      id: PreSharedKeyID(key: .external(pskID: []), pskNonce: []), psk: SecretBytes([1]))
    let inputs = Array(repeating: one, count: 65_536)
    #expect(throws: KeyScheduleError.tooManyPSKs(65_536)) { try schedule.pskSecret(inputs) }
  }

  @Test func preSharedKeyIDWireFormat() throws {
    let external = PreSharedKeyID(key: .external(pskID: [0xaa, 0xbb]), pskNonce: [0x01])
    let externalBytes: [UInt8] = [0x01, 0x02, 0xaa, 0xbb, 0x01, 0x01]
    #expect(try external.tlsSerialized() == externalBytes)
    #expect(try PreSharedKeyID(tlsSerialized: externalBytes) == external)
    #expect(external.pskType == .external)

    let resumption = PreSharedKeyID(
      key: .resumption(usage: .branch, pskGroupID: [0x47], pskEpoch: 0x0102), pskNonce: [])
    let resumptionBytes: [UInt8] = [0x02, 0x03, 0x01, 0x47, 0, 0, 0, 0, 0, 0, 0x01, 0x02, 0x00]
    #expect(try resumption.tlsSerialized() == resumptionBytes)
    #expect(try PreSharedKeyID(tlsSerialized: resumptionBytes) == resumption)
    #expect(resumption.pskType == .resumption)
  }

  @Test func malformedPreSharedKeyIDsAreRejected() throws {
    #expect(throws: TLSDecodingError.invalidValue("PSKType 0")) {
      try PreSharedKeyID(tlsSerialized: [0x00, 0x00, 0x00])
    }
    #expect(throws: TLSDecodingError.invalidValue("PSKType 3")) {
      try PreSharedKeyID(tlsSerialized: [0x03, 0x00, 0x00])
    }
    #expect(throws: TLSDecodingError.invalidValue("ResumptionPSKUsage 0")) {
      try PreSharedKeyID(tlsSerialized: [0x02, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x00])
    }
    #expect(throws: TLSDecodingError.invalidValue("ResumptionPSKUsage 4")) {
      try PreSharedKeyID(tlsSerialized: [0x02, 0x04, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x00])
    }
    #expect(throws: TLSDecodingError.truncated(needed: 8, remaining: 3)) {
      try PreSharedKeyID(tlsSerialized: [0x02, 0x01, 0x00, 0, 0, 0])
    }
    #expect(throws: TLSDecodingError.lengthExceedsInput(declared: 5, remaining: 1)) {
      try PreSharedKeyID(tlsSerialized: [0x01, 0x05, 0xaa])
    }
    #expect(throws: TLSDecodingError.trailingBytes(count: 1)) {
      try PreSharedKeyID(tlsSerialized: [0x01, 0x00, 0x00, 0xff])
    }
  }

  @Test func nonceLengthFollowsTheSuite() throws {
    let sha384 = try CipherSuiteProvider(.p384Aes256Sha384P384)
    let good = PreSharedKeyID(key: .external(pskID: [1]), pskNonce: Array(repeating: 0, count: 48))
    let bad = PreSharedKeyID(key: .external(pskID: [1]), pskNonce: Array(repeating: 0, count: 32))
    #expect(good.hasValidNonce(for: sha384))
    #expect(!bad.hasValidNonce(for: sha384))
  }
}
