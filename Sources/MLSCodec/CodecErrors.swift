/// Why a byte string could not be decoded. RFC 9420 §2.1.
///
/// Every malformed input maps to one of these cases; decoding never traps.
public enum TLSDecodingError: Error, Equatable, Sendable {
  /// The input ended before a fixed-size field was complete.
  case truncated(needed: Int, remaining: Int)
  /// A variable-length vector declared more bytes than remain in the input (or enclosing vector).
  case lengthExceedsInput(declared: Int, remaining: Int)
  /// A variable-length integer used more bytes than its value needs (RFC 9420 §2.1.2).
  case nonMinimalVarint
  /// A variable-length integer started with the reserved prefix 0b11 (RFC 9420 §2.1.2).
  case invalidVarintPrefix
  /// Bytes remained after the value was complete.
  case trailingBytes(count: Int)
  /// A field held a value the structure does not allow (the message names the field).
  case invalidValue(String)
  /// A closed enumeration (one whose unknown values cannot be skipped, such as a wire format or
  /// a `select` discriminant) held a code it does not define. `type` names the enumeration.
  case unknownEnumValue(type: String, value: UInt64)
}

/// Why a value could not be encoded.
public enum TLSEncodingError: Error, Equatable, Sendable {
  /// A vector or integer exceeded what its length prefix can express (2^30 - 1 for a varint).
  case valueTooLarge(Int)
}
