import MLSCodec
import Testing

@testable import MLSCrypto

/// The streamed halves of a Welcome's GroupInfo encryption (RFC 9420 §12.4.3.1): an AEAD fed
/// in pieces must equal the one-shot seal, and an EncryptContext hashed in pieces must equal
/// the one hashed at once (RFC 9420 §5.1.3).
@Suite("Streaming AEAD and EncryptContext")
struct StreamingWelcomeCryptoTests {
  static let algorithms: [AEADAlgorithm] = [.aes128GCM, .aes256GCM, .chaCha20Poly1305]

  /// Cut points of a 100-byte plaintext, including empty pieces and none at all.
  static let cuts: [[Int]] = [[], [0], [1], [15, 16, 17], [50, 50, 99], [100]]

  static func pieces(_ data: [UInt8], cuts: [Int]) -> [ArraySlice<UInt8>] {
    var result: [ArraySlice<UInt8>] = []
    var start = 0
    for cut in cuts {
      result.append(data[start..<cut])
      start = cut
    }
    result.append(data[start...])
    return result
  }

  @Test(arguments: algorithms, cuts)
  func sealerMatchesOneShot(_ alg: AEADAlgorithm, _ cuts: [Int]) throws {
    let key = SecretBytes((0..<alg.keyLength).map { UInt8($0) })
    let nonce = [UInt8](repeating: 0x24, count: alg.nonceLength)
    let plaintext = (0..<100).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    for aad in [[], [0xAA, 0xBB]] as [[UInt8]] {
      let sealer = try AEADStreamingSealer(alg, key: key, nonce: nonce, aad: aad)
      var output: [UInt8] = [9]  // appended to, never overwritten
      for piece in Self.pieces(plaintext, cuts: cuts) {
        try sealer.update(piece, appendingTo: &output)
      }
      try sealer.finish(appendingTo: &output)
      let expected = try AEAD.seal(alg, key: key, nonce: nonce, aad: aad, plaintext: plaintext)
      #expect(output == [9] + expected)
      #expect(output.count == 1 + 100 + alg.tagLength)
    }
  }

  @Test func sealerRefusesMisuse() throws {
    let nonce = [UInt8](repeating: 0, count: 12)
    #expect(throws: CryptoError.invalidLength("AEAD key")) {
      _ = try AEADStreamingSealer(.aes128GCM, key: SecretBytes(zeros: 15), nonce: nonce)
    }
    #expect(throws: CryptoError.invalidLength("AEAD nonce")) {
      _ = try AEADStreamingSealer(.aes128GCM, key: SecretBytes(zeros: 16), nonce: [0])
    }
    let sealer = try AEADStreamingSealer(.aes128GCM, key: SecretBytes(zeros: 16), nonce: nonce)
    var output: [UInt8] = []
    try sealer.finish(appendingTo: &output)
    // The tag of the empty message under the all-zero key and nonce (GCM test case 1).
    #expect(output == (try hex("58e2fccefa7e3061367f1d57a4e7455a")))
    #expect(throws: CryptoError.library("AEAD stream already finished")) {
      try sealer.update([1], appendingTo: &output)
    }
    #expect(throws: CryptoError.library("AEAD stream already finished")) {
      try sealer.finish(appendingTo: &output)
    }
  }

  @Test(arguments: [CipherSuite.x25519Aes128Sha256Ed25519, .x448Aes256Sha512Ed448], cuts)
  func encryptContextStreamMatchesOneShot(_ suite: CipherSuite, _ cuts: [Int]) throws {
    let provider = try CipherSuiteProvider(suite)
    let context = (0..<100).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 1) }
    let stream = try provider.streamEncryptContext(label: "Welcome", contextLength: 100)
    for piece in Self.pieces(context, cuts: cuts) { try stream.update(Array(piece)) }
    let streamed = try stream.finish()
    let prepared = try provider.prepareEncryptContext(label: "Welcome", context: context)
    #expect(streamed.infoHash.bytes == prepared.infoHash.bytes)
    #expect(streamed.infoHash.bytes.count == provider.hashLength)
    let other = try provider.prepareEncryptContext(label: "Welcome", context: context + [0])
    #expect(streamed.infoHash.bytes != other.infoHash.bytes)
  }

  @Test func encryptContextStreamChecksTheAnnouncedLength() throws {
    let provider = try CipherSuiteProvider(.x25519Aes128Sha256Ed25519)
    let short = try provider.streamEncryptContext(label: "Welcome", contextLength: 4)
    try short.update([1, 2, 3])
    #expect(throws: CryptoError.invalidLength("EncryptContext context shorter than announced")) {
      _ = try short.finish()
    }
    let long = try provider.streamEncryptContext(label: "Welcome", contextLength: 4)
    try long.update([1, 2, 3])
    #expect(throws: CryptoError.invalidLength("EncryptContext context longer than announced")) {
      try long.update([4, 5])
    }
    try long.update([4])
    _ = try long.finish()
    #expect(throws: CryptoError.library("info_hash already finished")) { _ = try long.finish() }
  }

  @Test func fixedSignatureLengths() {
    #expect(SignatureScheme.ed25519.fixedSignatureLength == 64)
    #expect(SignatureScheme.ed448.fixedSignatureLength == 114)
    #expect(SignatureScheme.ecdsaP256SHA256.fixedSignatureLength == nil)
    #expect(SignatureScheme.ecdsaP384SHA384.fixedSignatureLength == nil)
    #expect(SignatureScheme.ecdsaP521SHA512.fixedSignatureLength == nil)
  }
}
