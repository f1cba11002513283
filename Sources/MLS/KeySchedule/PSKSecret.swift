import MLSCodec
import MLSCrypto

/// A PSK ready for the key schedule: its id as sent on the wire and its secret value.
public struct PSKInput: Sendable {
  public let id: PreSharedKeyID
  public let psk: SecretBytes

  public init(id: PreSharedKeyID, psk: SecretBytes) {
    self.id = id
    self.psk = psk
  }
}

extension KeySchedule {
  /// `psk_secret` from the PSKs of a Commit, in the order the Commit lists them. RFC 9420 §8.4.
  ///
  /// Each PSK is extracted, expanded with its `PSKLabel`, and chained into the running secret
  /// with another extract, so every PSK, its position and the count all shape the result. No
  /// PSKs give the all-zero vector of `KDF.Nh` bytes.
  public func pskSecret(_ psks: [PSKInput]) throws(KeyScheduleError) -> SecretBytes {
    guard let count = UInt16(exactly: psks.count) else { throw .tooManyPSKs(psks.count) }
    let zero = zeroSecret
    var secret = zero
    for (offset, input) in psks.enumerated() {
      let label = PSKLabel(id: input.id, index: UInt16(truncatingIfNeeded: offset), count: count)
      let context = try encodeForKeySchedule("PSKLabel") { writer in try writer.write(label) }
      secret = try withCrypto { () throws(CryptoError) -> SecretBytes in
        let extracted = try provider.extract(salt: zero, ikm: input.psk)
        let pskInput = try provider.expandWithLabel(
          secret: extracted, label: "derived psk", context: context, length: provider.hashLength)
        return try provider.extract(salt: pskInput, ikm: secret)
      }
    }
    return secret
  }
}
