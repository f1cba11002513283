import MLSCodec
import Testing

@Suite("Varint (RFC 9420 §2.1.2)")
struct VarintTests {
  @Test(arguments: [
    (0, "00"), (37, "25"), (63, "3f"), (64, "4040"), (15293, "7bbd"), (16383, "7fff"),
    (16384, "80004000"), (494_878_333, "9d7f3e7d"), ((1 << 30) - 1, "bfffffff"),
  ])
  func roundTrip(value: Int, hex: String) throws {
    var writer = TLSWriter()
    try writer.writeVarint(value)
    #expect(Hex.encode(writer.bytes) == hex)
    var reader = TLSReader(Hex.decode(hex) ?? [])
    #expect(try reader.readVarint() == value)
    try reader.finish()
  }

  @Test func rejectsTooLarge() {
    var writer = TLSWriter()
    #expect(throws: TLSEncodingError.valueTooLarge(1 << 30)) { try writer.writeVarint(1 << 30) }
  }
}
