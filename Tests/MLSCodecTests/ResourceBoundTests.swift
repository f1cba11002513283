import MLSCodec
import Testing

/// A declared length never costs more than the bytes actually present: hostile lengths are
/// refused before any allocation or element decoding, and decoding time follows the input
/// size. RFC 9420 §2.1.2 (lengths are varints up to 2^30 - 1).
@Suite("Decoding cost is bounded by the input")
struct ResourceBoundTests {
  /// The largest varint length, 2^30 - 1, followed by six bytes.
  static let maximalClaim: [UInt8] = [0xBF, 0xFF, 0xFF, 0xFF] + [UInt8](repeating: 0, count: 6)
  static let maximalLength = (1 << 30) - 1

  @Test func maximalOpaqueLengthOnTenBytesFails() {
    var reader = TLSReader(Self.maximalClaim)
    #expect(throws: TLSDecodingError.lengthExceedsInput(declared: Self.maximalLength, remaining: 6))
    {
      try reader.readOpaque()
    }
  }

  /// A vector claiming 2^30 - 1 bytes of elements is refused before the first element is read.
  @Test func maximalVectorClaimNeverDecodesAnElement() {
    var reader = TLSReader(Self.maximalClaim)
    var elementsRead = 0
    #expect(throws: TLSDecodingError.lengthExceedsInput(declared: Self.maximalLength, remaining: 6))
    {
      try reader.readVector { inner in
        elementsRead += 1
        return try inner.readUInt32()
      }
    }
    #expect(elementsRead == 0)
    var contentReader = TLSReader(Self.maximalClaim)
    #expect(throws: TLSDecodingError.lengthExceedsInput(declared: Self.maximalLength, remaining: 6))
    {
      try contentReader.readVectorContent { inner in try inner.readUInt8() }
    }
  }

  /// Fixed-size reads with absurd counts are truncation errors, not allocations or traps.
  @Test(arguments: [Int.max, 1 << 40, -1, Int.min])
  func absurdRawCountsFail(count: Int) {
    var reader = TLSReader([1, 2, 3])
    #expect(throws: TLSDecodingError.truncated(needed: count, remaining: 3)) {
      try reader.readRaw(count: count)
    }
    #expect(reader.position == 0)
  }

  /// Nested vectors each claiming more than their parent holds: the first inner claim that
  /// exceeds the enclosing region fails, however deep the nesting is.
  @Test func nestedClaimsAreBoundedByTheEnclosingRegion() {
    // Outer vector of 5 bytes holding a vector that claims 2^30 - 1 bytes.
    let bytes: [UInt8] = [0x05, 0xBF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00]
    var reader = TLSReader(bytes)
    #expect(throws: TLSDecodingError.lengthExceedsInput(declared: Self.maximalLength, remaining: 1))
    {
      try reader.readVector { inner in try inner.readOpaque() }
    }
  }

  /// 200 levels of correctly nested one-element vectors decode; one level that claims a byte
  /// too many fails, and is reported where it lies.
  @Test func deepNestingDecodesWithinRegions() throws {
    let depth = 200
    var encoded: [UInt8] = [0x00]
    for _ in 0..<depth {
      var writer = TLSWriter()
      try writer.writeOpaque(encoded)
      encoded = writer.bytes
    }
    func unwrap(_ reader: inout TLSReader, _ level: Int) throws -> Int {
      guard level > 0 else { return Int(try reader.readUInt8()) }
      return try reader.readVectorContent { inner in try unwrap(&inner, level - 1) }
    }
    var reader = TLSReader(encoded)
    #expect(try unwrap(&reader, depth) == 0)
    try reader.finish()

    var tampered = encoded
    tampered[0] += 1  // the outermost length now claims one byte beyond the input
    var tamperedReader = TLSReader(tampered)
    #expect(throws: TLSDecodingError.self) { try unwrap(&tamperedReader, depth) }
  }

  /// A vector of 2^16 one-byte opaques (128 KiB) decodes to exactly that many elements: the
  /// work is one element per two input bytes, never more.
  @Test func elementCountIsBoundedByInputSize() throws {
    let count = 1 << 16
    var body: [UInt8] = []
    body.reserveCapacity(2 * count)
    for index in 0..<count { body += [0x01, UInt8(truncatingIfNeeded: index)] }
    var writer = TLSWriter()
    try writer.writeOpaque(body)
    var reader = TLSReader(writer.bytes)
    let elements = try reader.readVector { inner in try inner.readOpaque() }
    #expect(elements.count == count)
    #expect(elements.last == [UInt8(truncatingIfNeeded: count - 1)])
    try reader.finish()
  }

  /// An encoder refuses what no varint length can express, so we never emit what we would
  /// refuse to read.
  @Test func writerRefusesLengthBeyondVarintRange() {
    var writer = TLSWriter()
    #expect(throws: TLSEncodingError.valueTooLarge(1 << 30)) {
      try writer.writeVarint(1 << 30)
    }
  }
}
