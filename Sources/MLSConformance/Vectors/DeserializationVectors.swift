import Foundation
import MLSCodec

/// deserialization.json: variable-length vector headers decode to the given length, and the
/// length re-encodes to the same header. RFC 9420 §2.1.2.
enum DeserializationVectors {
  struct Case: Decodable {
    let vlbytes_header: HexBytes
    let length: Int
  }

  static func run(_ data: Data) throws -> [CaseOutcome] {
    runCases(try decodeCases(Case.self, from: data)) { testCase in
      var reader = TLSReader(testCase.vlbytes_header.bytes)
      let length = try reader.readVarint()
      try reader.finish()
      try expect(length == testCase.length, "length")
      var writer = TLSWriter()
      try writer.writeVarint(testCase.length)
      try expectBytes(writer.bytes, testCase.vlbytes_header.bytes, "vlbytes_header")
      return .passed
    }
  }
}
