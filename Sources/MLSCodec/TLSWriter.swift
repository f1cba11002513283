/// Serialises values in the TLS presentation language as used by MLS. RFC 9420 §2.1.
///
/// Integers are big-endian; variable-length vectors carry a varint byte count (§2.1.2).
///
/// The writing methods are `@inlinable`: every message type encodes through them from other
/// modules, and without inlining each generic call (`writeOptional`, `writeVector`, `write`)
/// ran unspecialised, copying every value (and retaining all its arrays) through value
/// witnesses. Encoding a ratchet tree of 10,000 members was dominated by that overhead.
public struct TLSWriter: Sendable {
  /// The bytes written so far.
  @inlinable public var bytes: [UInt8] { storage }

  @usableFromInline
  var storage: [UInt8]

  @inlinable
  public init(reservingCapacity capacity: Int = 64) {
    storage = []
    storage.reserveCapacity(capacity)
  }

  @inlinable
  public mutating func write(_ value: UInt8) {
    storage.append(value)
  }

  @inlinable
  public mutating func write(_ value: UInt16) {
    storage.append(UInt8(truncatingIfNeeded: value >> 8))
    storage.append(UInt8(truncatingIfNeeded: value))
  }

  @inlinable
  public mutating func write(_ value: UInt32) {
    storage.append(UInt8(truncatingIfNeeded: value >> 24))
    storage.append(UInt8(truncatingIfNeeded: value >> 16))
    storage.append(UInt8(truncatingIfNeeded: value >> 8))
    storage.append(UInt8(truncatingIfNeeded: value))
  }

  @inlinable
  public mutating func write(_ value: UInt64) {
    write(UInt32(truncatingIfNeeded: value >> 32))
    write(UInt32(truncatingIfNeeded: value))
  }

  @inlinable
  public mutating func write(_ value: Bool) {
    storage.append(value ? 1 : 0)
  }

  /// Appends bytes as they are, with no length prefix (fixed-size arrays).
  @inlinable
  public mutating func writeRaw<S: Sequence>(_ raw: S) where S.Element == UInt8 {
    storage.append(contentsOf: raw)
  }

  /// Writes a minimal MLS varint. RFC 9420 §2.1.2.
  @inlinable
  public mutating func writeVarint(_ value: Int) throws(TLSEncodingError) {
    guard value >= 0, value <= Varint.maximum else { throw .valueTooLarge(value) }
    Varint.encode(value) { storage.append($0) }
  }

  /// Writes `opaque data<V>`: a varint length, then the storage.
  @inlinable
  public mutating func writeOpaque<C: Collection>(_ data: C) throws(TLSEncodingError)
  where C.Element == UInt8 {
    try writeVarint(data.count)
    storage.append(contentsOf: data)
  }

  /// Writes a variable-length vector whose content is produced by `body`.
  ///
  /// The content is written in place after a one-byte length placeholder: most vectors are
  /// shorter than 64 bytes, whose varint is that one byte, so they cost no move at all; a longer
  /// one moves its content once to widen the prefix (write the varint first when the length
  /// is known, to avoid even that).
  @inlinable
  public mutating func writeVector(_ body: (inout TLSWriter) throws -> Void) throws {
    let start = storage.count
    storage.append(0)
    try body(&self)
    let length = storage.count - start - 1
    guard length <= Varint.maximum else { throw TLSEncodingError.valueTooLarge(length) }
    if length < 0x40 {
      storage[start] = UInt8(length)
      return
    }
    var prefix = TLSWriter(reservingCapacity: 4)
    try prefix.writeVarint(length)
    storage.replaceSubrange(start..<(start + 1), with: prefix.bytes)
  }

  /// The number of bytes `opaque data<V>` of `count` bytes takes: varint prefix and data.
  @inlinable
  public static func opaqueLength(_ count: Int) -> Int {
    Varint.encodedLength(count) + count
  }

  /// Makes room for `capacity` bytes in total, so a writer whose final size is known grows
  /// its buffer once.
  @inlinable
  public mutating func reserveCapacity(_ capacity: Int) {
    storage.reserveCapacity(capacity)
  }

  /// Removes the first `count` bytes (at most all), e.g. a header that was written only to be
  /// signed together with what follows it.
  @inlinable
  public mutating func removeFirst(_ count: Int) {
    storage.removeFirst(min(max(0, count), storage.count))
  }

  /// Writes a vector of encodable elements.
  @inlinable
  public mutating func writeVector<T: TLSEncodable>(_ elements: [T]) throws {
    try writeVector { writer in
      for element in elements { try element.encode(to: &writer) }
    }
  }

  /// Writes `optional<T>`: a presence byte, then the value when present. RFC 9420 §2.1.
  @inlinable
  public mutating func writeOptional<T: TLSEncodable>(_ value: T?) throws {
    if let value {
      write(UInt8(1))
      try value.encode(to: &self)
    } else {
      write(UInt8(0))
    }
  }

  /// Writes an encodable value.
  @inlinable
  public mutating func write<T: TLSEncodable>(_ value: T) throws {
    try value.encode(to: &self)
  }
}
