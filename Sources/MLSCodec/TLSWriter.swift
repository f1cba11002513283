/// Serialises values in the TLS presentation language as used by MLS. RFC 9420 §2.1.
///
/// Integers are big-endian; variable-length vectors carry a varint byte count (§2.1.2).
public struct TLSWriter: Sendable {
  /// The bytes written so far.
  public private(set) var bytes: [UInt8]

  public init(reservingCapacity capacity: Int = 64) {
    bytes = []
    bytes.reserveCapacity(capacity)
  }

  public mutating func write(_ value: UInt8) {
    bytes.append(value)
  }

  public mutating func write(_ value: UInt16) {
    bytes.append(UInt8(truncatingIfNeeded: value >> 8))
    bytes.append(UInt8(truncatingIfNeeded: value))
  }

  public mutating func write(_ value: UInt32) {
    for shift in stride(from: 24, through: 0, by: -8) {
      bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
    }
  }

  public mutating func write(_ value: UInt64) {
    for shift in stride(from: 56, through: 0, by: -8) {
      bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
    }
  }

  public mutating func write(_ value: Bool) {
    bytes.append(value ? 1 : 0)
  }

  /// Appends bytes as they are, with no length prefix (fixed-size arrays).
  public mutating func writeRaw<S: Sequence>(_ raw: S) where S.Element == UInt8 {
    bytes.append(contentsOf: raw)
  }

  /// Writes a minimal MLS varint. RFC 9420 §2.1.2.
  public mutating func writeVarint(_ value: Int) throws(TLSEncodingError) {
    guard value >= 0, value <= Varint.maximum else { throw .valueTooLarge(value) }
    switch Varint.encodedLength(value) {
    case 1:
      bytes.append(UInt8(value))
    case 2:
      bytes.append(UInt8(0x40 | (value >> 8)))
      bytes.append(UInt8(truncatingIfNeeded: value))
    default:
      bytes.append(UInt8(0x80 | (value >> 24)))
      bytes.append(UInt8(truncatingIfNeeded: value >> 16))
      bytes.append(UInt8(truncatingIfNeeded: value >> 8))
      bytes.append(UInt8(truncatingIfNeeded: value))
    }
  }

  /// Writes `opaque data<V>`: a varint length, then the bytes.
  public mutating func writeOpaque<C: Collection>(_ data: C) throws(TLSEncodingError)
  where C.Element == UInt8 {
    try writeVarint(data.count)
    bytes.append(contentsOf: data)
  }

  /// Writes a variable-length vector whose content is produced by `body`.
  ///
  /// The content is written in place and the varint length inserted in front of it afterwards,
  /// so nested vectors cost one move of their content, not a separate buffer each.
  public mutating func writeVector(_ body: (inout TLSWriter) throws -> Void) throws {
    let start = bytes.count
    try body(&self)
    let length = bytes.count - start
    guard length <= Varint.maximum else { throw TLSEncodingError.valueTooLarge(length) }
    var prefix = TLSWriter(reservingCapacity: 4)
    try prefix.writeVarint(length)
    bytes.insert(contentsOf: prefix.bytes, at: start)
  }

  /// Writes a vector of encodable elements.
  public mutating func writeVector<T: TLSEncodable>(_ elements: [T]) throws {
    try writeVector { writer in
      for element in elements { try element.encode(to: &writer) }
    }
  }

  /// Writes `optional<T>`: a presence byte, then the value when present. RFC 9420 §2.1.
  public mutating func writeOptional<T: TLSEncodable>(_ value: T?) throws {
    if let value {
      write(UInt8(1))
      try value.encode(to: &self)
    } else {
      write(UInt8(0))
    }
  }

  /// Writes an encodable value.
  public mutating func write<T: TLSEncodable>(_ value: T) throws {
    try value.encode(to: &self)
  }
}
