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

  /// Splits an encoded AuthenticatedContent of a Commit into the ConfirmedTranscriptHashInput
  /// (wire_format || FramedContent || signature) and the confirmation tag.
  ///
  /// Stopgap until the messages layer's `AuthenticatedContent` decoder is merged: for a Commit the
  /// last field is `confirmation_tag`, an `opaque MAC<V>` of exactly `KDF.Nh` bytes, so the
  /// input is everything before that field's varint length prefix.
  static func split(
    _ encoded: [UInt8], _ provider: CipherSuiteProvider
  ) throws -> (confirmedInput: [UInt8], tag: [UInt8]) {
    var prefixWriter = TLSWriter()
    try prefixWriter.writeVarint(provider.hashLength)
    let prefix = prefixWriter.bytes
    let fieldLength = prefix.count + provider.hashLength
    try expect(encoded.count > fieldLength, "authenticated_content too short")
    let fieldStart = encoded.count - fieldLength
    try expectBytes(
      Array(encoded[fieldStart..<(fieldStart + prefix.count)]), prefix,
      "confirmation_tag length prefix")
    let tag = Array(encoded[(fieldStart + prefix.count)...])
    return (Array(encoded[..<fieldStart]), tag)
  }
}
