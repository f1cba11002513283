import MLSCodec
import Testing

/// Decodes a hex literal from a standard's test vector; a typo in the literal fails the test.
func hex(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [UInt8] {
  try #require(Hex.decode(text), "bad hex literal", sourceLocation: sourceLocation)
}

/// The bytes of an ASCII string, as the standards write their messages.
func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }
