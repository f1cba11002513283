/// A value with a TLS presentation language encoding. RFC 9420 §2.1.
public protocol TLSEncodable {
  func encode(to writer: inout TLSWriter) throws
}

/// A value that can be decoded from untrusted bytes. RFC 9420 §2.1.
///
/// Decoding checks syntax only; semantic validation happens in the protocol layer, which turns
/// decoded values into the validated types group state is built from.
public protocol TLSDecodable {
  init(from reader: inout TLSReader) throws
}

public typealias TLSCodable = TLSEncodable & TLSDecodable

extension TLSEncodable {
  /// The complete encoding of this value.
  @inlinable
  public func tlsSerialized() throws -> [UInt8] {
    var writer = TLSWriter()
    try encode(to: &writer)
    return writer.bytes
  }
}

extension TLSDecodable {
  /// Decodes a value that must fill `bytes` exactly: trailing bytes are an error.
  public init(tlsSerialized bytes: [UInt8]) throws {
    var reader = TLSReader(bytes)
    self = try Self(from: &reader)
    try reader.finish()
  }
}
