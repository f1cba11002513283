import MLSCodec
import MLSCrypto

/// The confirmed and interim transcript hashes of an epoch. RFC 9420 §8.2.
///
/// Together they chain every Commit of the group's history: the confirmed hash covers a Commit up
/// to its signature (and goes into the GroupContext), the interim hash adds the confirmation tag
/// (and feeds the next Commit's confirmed hash).
public struct TranscriptHashes: Hashable, Sendable {
  public var confirmed: [UInt8]
  public var interim: [UInt8]

  /// Both hashes are the empty string before the first Commit (§8.2).
  public init(confirmed: [UInt8] = [], interim: [UInt8] = []) {
    self.confirmed = confirmed
    self.interim = interim
  }

  /// `confirmed_transcript_hash_[n] = Hash(interim_[n-1] || ConfirmedTranscriptHashInput_[n])`.
  ///
  /// `confirmedInput` is the encoded `ConfirmedTranscriptHashInput`: wire_format, the Commit's
  /// FramedContent and its signature.
  public static func confirmed(
    provider: CipherSuiteProvider, interimBefore: [UInt8], confirmedInput: [UInt8]
  ) throws(KeyScheduleError) -> [UInt8] {
    try withCrypto { () throws(CryptoError) -> [UInt8] in
      try provider.hash(interimBefore + confirmedInput)
    }
  }

  /// `interim_transcript_hash_[n] = Hash(confirmed_[n] || InterimTranscriptHashInput_[n])`,
  /// where the input is the confirmation tag as `opaque<V>` (§8.2).
  public static func interim(
    provider: CipherSuiteProvider, confirmed: [UInt8], confirmationTag: [UInt8]
  ) throws(KeyScheduleError) -> [UInt8] {
    var input = confirmed
    input += try encodeForKeySchedule("InterimTranscriptHashInput") { writer in
      try writer.writeOpaque(confirmationTag)
    }
    return try withCrypto { () throws(CryptoError) -> [UInt8] in try provider.hash(input) }
  }

  /// The hashes after a Commit, from those before it. RFC 9420 §8.2.
  public func applying(
    confirmedInput: [UInt8], confirmationTag: [UInt8], provider: CipherSuiteProvider
  ) throws(KeyScheduleError) -> TranscriptHashes {
    let newConfirmed = try Self.confirmed(
      provider: provider, interimBefore: interim, confirmedInput: confirmedInput)
    let newInterim = try Self.interim(
      provider: provider, confirmed: newConfirmed, confirmationTag: confirmationTag)
    return TranscriptHashes(confirmed: newConfirmed, interim: newInterim)
  }
}

/// The confirmation tag of a Commit. RFC 9420 §6.1, §8.2.
///
/// A MAC over the new confirmed transcript hash with the new epoch's `confirmation_key`: it proves
/// the committer reached the same epoch secrets and transcript as the receiver.
public enum ConfirmationTag {
  public static func compute(
    provider: CipherSuiteProvider, confirmationKey: SecretBytes, confirmedTranscriptHash: [UInt8]
  ) throws(KeyScheduleError) -> [UInt8] {
    try withCrypto { () throws(CryptoError) -> [UInt8] in
      try provider.mac(key: confirmationKey, data: confirmedTranscriptHash)
    }
  }

  /// Throws `.invalidConfirmationTag` unless `tag` matches; the comparison is constant-time so
  /// a forger learns nothing from timing about how much of a guess was right.
  public static func verify(
    _ tag: [UInt8], provider: CipherSuiteProvider, confirmationKey: SecretBytes,
    confirmedTranscriptHash: [UInt8]
  ) throws(KeyScheduleError) {
    let expected = try compute(
      provider: provider, confirmationKey: confirmationKey,
      confirmedTranscriptHash: confirmedTranscriptHash)
    guard ConstantTime.equals(expected, tag) else { throw .invalidConfirmationTag }
  }
}
