import MLS
import MLSCodec
import Testing

@Suite("ProtocolVersion")
struct ProtocolVersionTests {
  @Test func mls10EncodesAsOne() throws {
    #expect(try ProtocolVersion.mls10.tlsSerialized() == [0, 1])
    #expect(try ProtocolVersion(tlsSerialized: [0, 1]) == .mls10)
    #expect(throws: TLSDecodingError.truncated(needed: 2, remaining: 1)) {
      try ProtocolVersion(tlsSerialized: [0])
    }
  }
}
