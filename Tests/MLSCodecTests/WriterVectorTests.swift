import MLSCodec
import Testing

/// `writeVector` writes a one-byte placeholder and widens it only for content of 64 bytes or
/// more; the prefix must still be the minimal varint (RFC 9420 §2.1.2) at every boundary.
@Suite("TLSWriter vectors (RFC 9420 §2.1.2)")
struct WriterVectorTests {
  @Test(arguments: [
    (0, "00"), (1, "01"), (63, "3f"), (64, "4040"), (16383, "7fff"), (16384, "80004000"),
  ])
  func vectorPrefixIsMinimal(length: Int, prefix: String) throws {
    var writer = TLSWriter()
    writer.write(UInt8(0xee))
    try writer.writeVector { inner in
      for position in 0..<length { inner.write(UInt8(truncatingIfNeeded: position)) }
    }
    writer.write(UInt8(0xff))
    let bytes = writer.bytes
    let prefixBytes = Hex.decode(prefix) ?? []
    #expect(bytes.count == 2 + prefixBytes.count + length)
    #expect(bytes.first == 0xee)
    #expect(bytes.last == 0xff)
    #expect(Array(bytes[1..<(1 + prefixBytes.count)]) == prefixBytes)
    #expect(TLSWriter.opaqueLength(length) == prefixBytes.count + length)
    var reader = TLSReader(Array(bytes.dropFirst().dropLast()))
    let content = try reader.readOpaque()
    #expect(content == (0..<length).map { UInt8(truncatingIfNeeded: $0) })
    try reader.finish()
  }

  @Test func nestedVectorsEncodeInnerPrefixesFirst() throws {
    var writer = TLSWriter()
    try writer.writeVector { outer in
      try outer.writeVector { inner in inner.writeRaw([UInt8](repeating: 7, count: 70)) }
      try outer.writeOpaque([1, 2])
    }
    // outer length = (2 + 70) + (1 + 2) = 75 -> 0x404b; inner 70 -> 0x4046.
    #expect(Array(writer.bytes.prefix(4)) == [0x40, 0x4b, 0x40, 0x46])
    #expect(Array(writer.bytes.suffix(3)) == [2, 1, 2])
    #expect(writer.bytes.count == 2 + 75)
  }

  @Test func removeFirstDropsAHeader() throws {
    var writer = TLSWriter()
    try writer.writeOpaque([9, 9, 9])
    writer.write(UInt32(0x0102_0304))
    writer.removeFirst(4)
    #expect(writer.bytes == [1, 2, 3, 4])
    writer.removeFirst(10)
    #expect(writer.bytes.isEmpty)
  }

  @Test func fixedWidthIntegersAreBigEndian() {
    var writer = TLSWriter()
    writer.write(UInt32(0xA1B2_C3D4))
    writer.write(UInt64(0x0102_0304_0506_0708))
    #expect(Hex.encode(writer.bytes) == "a1b2c3d40102030405060708")
  }
}
