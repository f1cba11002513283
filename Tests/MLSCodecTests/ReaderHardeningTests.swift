import MLSCodec
import Testing

/// Every malformed input the reader can meet maps to its own `TLSDecodingError`. RFC 9420 §2.1.
@Suite("TLSReader rejects malformed input")
struct ReaderHardeningTests {
  @Test func truncatedFixedWidthInteger() {
    var reader = TLSReader([0x01])
    #expect(throws: TLSDecodingError.truncated(needed: 2, remaining: 1)) {
      try reader.readUInt16()
    }
    var reader64 = TLSReader([0, 0, 0, 0, 0, 0, 0])
    #expect(throws: TLSDecodingError.truncated(needed: 8, remaining: 7)) {
      try reader64.readUInt64()
    }
  }

  @Test func truncatedEmptyInput() {
    var reader = TLSReader([])
    #expect(throws: TLSDecodingError.truncated(needed: 1, remaining: 0)) {
      try reader.readUInt8()
    }
  }

  @Test func truncatedVarintBody() {
    // 0x80 announces four bytes; only two follow the first.
    var reader = TLSReader([0x80, 0x00, 0x40])
    #expect(throws: TLSDecodingError.truncated(needed: 3, remaining: 2)) {
      try reader.readVarint()
    }
  }

  @Test func lengthBeyondInput() {
    var reader = TLSReader([0x05, 0xAA, 0xBB])
    #expect(throws: TLSDecodingError.lengthExceedsInput(declared: 5, remaining: 2)) {
      try reader.readOpaque()
    }
  }

  /// Zero, 63 and 16383 written one size larger than their minimal encoding.
  @Test(arguments: [
    [0x40, 0x00] as [UInt8], [0x40, 0x3F], [0x80, 0x00, 0x00, 0x00], [0x80, 0x00, 0x3F, 0xFF],
  ])
  func nonMinimalVarint(bytes: [UInt8]) {
    var reader = TLSReader(bytes)
    #expect(throws: TLSDecodingError.nonMinimalVarint) { try reader.readVarint() }
  }

  @Test(arguments: [[0xC0] as [UInt8], [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]])
  func reservedVarintPrefix(bytes: [UInt8]) {
    var reader = TLSReader(bytes)
    #expect(throws: TLSDecodingError.invalidVarintPrefix) { try reader.readVarint() }
  }

  @Test func trailingBytesAfterValue() {
    #expect(throws: TLSDecodingError.trailingBytes(count: 2)) {
      try UInt16(tlsSerialized: [0x00, 0x01, 0x02, 0x03])
    }
    var reader = TLSReader([0x01, 0x02])
    #expect(throws: Never.self) { try reader.readUInt8() }
    #expect(throws: TLSDecodingError.trailingBytes(count: 1)) { try reader.finish() }
  }

  /// A hostile length of 2^30 - 1 on a five-byte input is refused by `readLength` before
  /// anything is allocated for it.
  @Test func hugeDeclaredLengthRejectedBeforeAllocation() {
    var reader = TLSReader([0xBF, 0xFF, 0xFF, 0xFF, 0x00])
    #expect(throws: TLSDecodingError.lengthExceedsInput(declared: (1 << 30) - 1, remaining: 1)) {
      try reader.readOpaque()
    }
    var vectorReader = TLSReader([0xBF, 0xFF, 0xFF, 0xFF, 0x00])
    #expect(throws: TLSDecodingError.lengthExceedsInput(declared: (1 << 30) - 1, remaining: 1)) {
      try vectorReader.readVector(of: UInt8.self)
    }
  }

  /// An element that runs past its vector's declared length fails, even though the bytes it
  /// wants exist after the vector.
  @Test func elementOverrunsVectorRegion() {
    // Outer vector of 3 bytes holding a UInt16 and then a UInt16 that would need one more byte.
    var reader = TLSReader([0x03, 0x00, 0x01, 0x00, 0x02, 0x09])
    #expect(throws: TLSDecodingError.truncated(needed: 2, remaining: 1)) {
      try reader.readVector(of: UInt16.self)
    }
  }

  @Test func nestedVectorOverrunsOuterRegion() {
    // Outer length 2; the inner opaque declares 3 bytes, which exist only past the outer end.
    var reader = TLSReader([0x02, 0x03, 0xAA, 0xBB, 0xCC])
    #expect(throws: TLSDecodingError.lengthExceedsInput(declared: 3, remaining: 1)) {
      try reader.readVector { inner in try inner.readOpaque() }
    }
  }

  @Test func nestedVectorsDecodeWithinRegions() throws {
    var reader = TLSReader([0x05, 0x02, 0xAA, 0xBB, 0x01, 0xCC, 0x7F])
    let value = try reader.readVector { inner in try inner.readOpaque() }
    #expect(value == [[0xAA, 0xBB], [0xCC]])
    #expect(try reader.readUInt8() == 0x7F)
    try reader.finish()
  }

  @Test func vectorContentMustBeFilled() {
    var reader = TLSReader([0x03, 0x00, 0x01, 0x02])
    #expect(throws: TLSDecodingError.trailingBytes(count: 1)) {
      try reader.readVectorContent { inner in try inner.readUInt16() }
    }
  }

  @Test(arguments: [2, 3, 0xFF] as [UInt8])
  func optionalPresenceByteRejected(presence: UInt8) {
    var reader = TLSReader([presence, 0x01])
    #expect(throws: TLSDecodingError.invalidValue("optional presence")) {
      try reader.readOptional(of: UInt8.self)
    }
  }

  @Test func optionalRoundTrip() throws {
    var writer = TLSWriter()
    try writer.writeOptional(UInt16(0x0A0A))
    try writer.writeOptional(UInt16?.none)
    #expect(writer.bytes == [0x01, 0x0A, 0x0A, 0x00])
    var reader = TLSReader(writer.bytes)
    #expect(try reader.readOptional(of: UInt16.self) == 0x0A0A)
    #expect(try reader.readOptional(of: UInt16.self) == nil)
    try reader.finish()
  }

  @Test func boolRejectsTwo() {
    var reader = TLSReader([0x02])
    #expect(throws: TLSDecodingError.invalidValue("bool")) { try reader.readBool() }
  }
}
