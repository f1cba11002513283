/// The MLS variable-length integer. RFC 9420 §2.1.2.
///
/// The two most significant bits of the first byte give the length: 0b00 one byte (6 bits),
/// 0b01 two bytes (14 bits), 0b10 four bytes (30 bits); 0b11 is reserved. The encoding must be
/// minimal, so each value has exactly one representation.
public enum Varint {
  /// The largest value a varint can carry: 2^30 - 1.
  public static let maximum: Int = (1 << 30) - 1

  /// The number of bytes the minimal encoding of `value` takes.
  @inlinable
  public static func encodedLength(_ value: Int) -> Int {
    if value < 0x40 { return 1 }
    if value < 0x4000 { return 2 }
    return 4
  }

  /// Hands the bytes of `value`'s minimal encoding to `emit`, first byte first. `value` must be
  /// in `0...maximum` (the caller checks: writers throw their own error for it).
  @inlinable
  public static func encode(_ value: Int, _ emit: (UInt8) -> Void) {
    switch encodedLength(value) {
    case 1:
      emit(UInt8(truncatingIfNeeded: value))
    case 2:
      emit(0x40 | UInt8(truncatingIfNeeded: value >> 8))
      emit(UInt8(truncatingIfNeeded: value))
    default:
      emit(0x80 | UInt8(truncatingIfNeeded: value >> 24))
      emit(UInt8(truncatingIfNeeded: value >> 16))
      emit(UInt8(truncatingIfNeeded: value >> 8))
      emit(UInt8(truncatingIfNeeded: value))
    }
  }
}
