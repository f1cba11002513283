import MLSCodec
import MLSCrypto

/// Why a key schedule, PSK or transcript hash computation failed. RFC 9420 §8.
///
/// Associated values name the input or rule at fault, never a secret.
public enum KeyScheduleError: Error, Equatable, Sendable {
  /// A primitive of the cipher suite failed.
  case crypto(CryptoError)
  /// A structure could not be encoded (a length exceeds what the wire format allows); the value
  /// names the structure.
  case encodingFailed(String)
  /// A secret had a length other than the one the suite requires; the value names the secret.
  case invalidSecretLength(String, expected: Int, actual: Int)
  /// More PSKs than `PSKLabel.count` (a uint16) can number. RFC 9420 §8.4.
  case tooManyPSKs(Int)
  /// A confirmation tag did not match the confirmed transcript hash. RFC 9420 §8.2, §12.4.2.
  case invalidConfirmationTag
}

/// Runs a provider call, wrapping its error so key schedule functions throw one type.
@inline(__always)
func withCrypto<T>(_ body: () throws(CryptoError) -> T) throws(KeyScheduleError) -> T {
  do throws(CryptoError) {
    return try body()
  } catch {
    throw .crypto(error)
  }
}

/// Encodes a TLS value, mapping the codec's error into `KeyScheduleError`.
func encodeForKeySchedule(
  _ structure: String, _ body: (inout TLSWriter) throws -> Void
) throws(KeyScheduleError) -> [UInt8] {
  var writer = TLSWriter()
  do {
    try body(&writer)
  } catch {
    throw .encodingFailed(structure)
  }
  return writer.bytes
}
