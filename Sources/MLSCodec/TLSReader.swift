/// Reads values in the TLS presentation language as used by MLS. RFC 9420 §2.1.
///
/// A bounds-checked cursor over bytes that arrive from outside. Every read checks the bytes that
/// remain before touching them, and a declared length is compared with what remains before any
/// allocation, so hostile lengths cost nothing.
///
/// The reading methods are `@inlinable`, like `TLSWriter`'s: every message type decodes through
/// them from other modules, and without inlining each generic read (`readVector`,
/// `readOptional`, `read`) ran unspecialised, through value witnesses and with a retain per
/// element. Decoding a ratchet tree of 1,000 members was a third of a join.
public struct TLSReader: Sendable {
  @usableFromInline let bytes: [UInt8]
  /// The index of the next byte to read.
  @usableFromInline var cursor: Int
  /// The end of the region being read: the end of the input, or of the enclosing vector.
  @usableFromInline var limit: Int

  @inlinable
  public init(_ bytes: [UInt8]) {
    self.bytes = bytes
    self.cursor = 0
    self.limit = bytes.count
  }

  /// The index of the next byte to read.
  @inlinable
  public var position: Int { cursor }

  /// The bytes left before the end of the current region.
  @inlinable
  public var remaining: Int { limit - cursor }

  /// Whether the current region is fully read.
  @inlinable
  public var isAtEnd: Bool { cursor >= limit }

  /// Claims the next `count` bytes and returns where they start.
  @inlinable
  mutating func take(_ count: Int) throws(TLSDecodingError) -> Int {
    guard count >= 0, count <= limit - cursor else {
      throw .truncated(needed: count, remaining: remaining)
    }
    let start = cursor
    cursor += count
    return start
  }

  @inlinable
  public mutating func readUInt8() throws(TLSDecodingError) -> UInt8 {
    let start = try take(1)
    return bytes[start]
  }

  @inlinable
  public mutating func readUInt16() throws(TLSDecodingError) -> UInt16 {
    let start = try take(2)
    return UInt16(bytes[start]) << 8 | UInt16(bytes[start + 1])
  }

  @inlinable
  public mutating func readUInt32() throws(TLSDecodingError) -> UInt32 {
    let start = try take(4)
    var value: UInt32 = 0
    for index in start..<(start + 4) { value = value << 8 | UInt32(bytes[index]) }
    return value
  }

  @inlinable
  public mutating func readUInt64() throws(TLSDecodingError) -> UInt64 {
    let start = try take(8)
    var value: UInt64 = 0
    for index in start..<(start + 8) { value = value << 8 | UInt64(bytes[index]) }
    return value
  }

  /// Reads a TLS boolean: exactly 0 or 1.
  @inlinable
  public mutating func readBool() throws(TLSDecodingError) -> Bool {
    switch try readUInt8() {
    case 0: return false
    case 1: return true
    default: throw .invalidValue("bool")
    }
  }

  /// Reads `count` bytes with no length prefix (fixed-size arrays).
  @inlinable
  public mutating func readRaw(count: Int) throws(TLSDecodingError) -> [UInt8] {
    let start = try take(count)
    return Array(bytes[start..<(start + count)])
  }

  /// Reads a minimal MLS varint. RFC 9420 §2.1.2.
  @inlinable
  public mutating func readVarint() throws(TLSDecodingError) -> Int {
    let first = try readUInt8()
    let prefix = first >> 6
    var value = Int(first & 0x3F)
    let length: Int
    switch prefix {
    case 0: return value
    case 1: length = 2
    case 2: length = 4
    default: throw .invalidVarintPrefix
    }
    let start = try take(length - 1)
    for index in start..<(start + length - 1) { value = value << 8 | Int(bytes[index]) }
    guard Varint.encodedLength(value) == length else { throw .nonMinimalVarint }
    return value
  }

  /// Reads a varint length and checks that it fits in what remains.
  @inlinable
  public mutating func readLength() throws(TLSDecodingError) -> Int {
    let length = try readVarint()
    guard length <= remaining else {
      throw .lengthExceedsInput(declared: length, remaining: remaining)
    }
    return length
  }

  /// Reads `opaque data<V>`.
  @inlinable
  public mutating func readOpaque() throws(TLSDecodingError) -> [UInt8] {
    let length = try readLength()
    return try readRaw(count: length)
  }

  /// Reads a variable-length vector, decoding elements with `element` until its bytes are used.
  ///
  /// The vector's region bounds every element read: an element that runs past the declared
  /// length is truncated input, not a read of the bytes that follow.
  @inlinable
  public mutating func readVector<T>(_ element: (inout TLSReader) throws -> T) throws -> [T] {
    let length = try readLength()
    let end = cursor + length
    let outer = limit
    limit = end
    defer { limit = outer }
    var elements: [T] = []
    while cursor < end {
      elements.append(try element(&self))
    }
    return elements
  }

  /// Reads a vector of decodable elements.
  @inlinable
  public mutating func readVector<T: TLSDecodable>(of type: T.Type = T.self) throws -> [T] {
    try readVector { reader in try T(from: &reader) }
  }

  /// Reads the content of a variable-length vector as one value that must fill it exactly.
  @inlinable
  public mutating func readVectorContent<T>(_ body: (inout TLSReader) throws -> T) throws -> T {
    let length = try readLength()
    let end = cursor + length
    let outer = limit
    limit = end
    defer { limit = outer }
    let value = try body(&self)
    guard cursor == end else { throw TLSDecodingError.trailingBytes(count: end - cursor) }
    return value
  }

  /// Reads `optional<T>`. RFC 9420 §2.1.
  @inlinable
  public mutating func readOptional<T>(_ body: (inout TLSReader) throws -> T) throws -> T? {
    switch try readUInt8() {
    case 0: return nil
    case 1: return try body(&self)
    default: throw TLSDecodingError.invalidValue("optional presence")
    }
  }

  /// Reads `optional<T>` of a decodable type.
  @inlinable
  public mutating func readOptional<T: TLSDecodable>(of type: T.Type = T.self) throws -> T? {
    try readOptional { reader in try T(from: &reader) }
  }

  /// Reads a decodable value.
  @inlinable
  public mutating func read<T: TLSDecodable>(_ type: T.Type = T.self) throws -> T {
    try T(from: &self)
  }

  /// Throws unless every byte of the input has been read.
  @inlinable
  public func finish() throws(TLSDecodingError) {
    guard cursor == bytes.count else {
      throw .trailingBytes(count: bytes.count - cursor)
    }
  }
}
