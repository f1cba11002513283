import Foundation
import MLS
import MLSCodec
import MLSCrypto

/// transcript-hashes.json: confirmation tag, confirmed and interim transcript hashes after a
/// Commit. RFC 9420 §8.2.
enum TranscriptHashesVectors {
  struct Case: Decodable {
    let cipher_suite: UInt16
    let confirmation_key: HexBytes
    let authenticated_content: HexBytes
    let interim_transcript_hash_before: HexBytes
    let confirmed_transcript_hash_after: HexBytes
    let interim_transcript_hash_after: HexBytes
  }

  static func run(_ data: Data) throws -> [CaseOutcome] {
    runCases(try decodeCases(Case.self, from: data)) { testCase in
      let provider = try CipherSuiteProvider(CipherSuite(rawValue: testCase.cipher_suite))
      let (confirmedInput, tag) = try split(testCase.authenticated_content.bytes, provider)
      let before = TranscriptHashes(interim: testCase.interim_transcript_hash_before.bytes)
      let after = try before.applying(
        confirmedInput: confirmedInput, confirmationTag: tag, provider: provider)
      try expectBytes(
        after.confirmed, testCase.confirmed_transcript_hash_after.bytes,
        "confirmed_transcript_hash_after")
      try expectBytes(
        after.interim, testCase.interim_transcript_hash_after.bytes,
        "interim_transcript_hash_after")
      try ConfirmationTag.verify(
        tag, provider: provider, confirmationKey: SecretBytes(testCase.confirmation_key.bytes),
        confirmedTranscriptHash: after.confirmed)
      return .passed
    }
  }

  /// Decodes the AuthenticatedContent of a Commit and re-encodes its
  /// ConfirmedTranscriptHashInput (wire_format, FramedContent, signature) and confirmation tag.
  static func split(
    _ encoded: [UInt8], _ provider: CipherSuiteProvider
  ) throws -> (confirmedInput: [UInt8], tag: [UInt8]) {
    let authenticated = try AuthenticatedContent(tlsSerialized: encoded)
    guard let tag = authenticated.auth.confirmationTag else {
      throw VectorMismatch("authenticated_content is not a commit")
    }
    try expect(tag.count == provider.hashLength, "confirmation_tag length")
    var writer = TLSWriter()
    try writer.write(authenticated.wireFormat)
    try writer.write(authenticated.content)
    try writer.writeOpaque(authenticated.auth.signature)
    return (writer.bytes, tag)
  }
}
