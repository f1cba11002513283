// Fixed-width integers encode big-endian. RFC 9420 §2.1.

extension UInt8: TLSCodable {
  public func encode(to writer: inout TLSWriter) { writer.write(self) }
  public init(from reader: inout TLSReader) throws { self = try reader.readUInt8() }
}

extension UInt16: TLSCodable {
  public func encode(to writer: inout TLSWriter) { writer.write(self) }
  public init(from reader: inout TLSReader) throws { self = try reader.readUInt16() }
}

extension UInt32: TLSCodable {
  public func encode(to writer: inout TLSWriter) { writer.write(self) }
  public init(from reader: inout TLSReader) throws { self = try reader.readUInt32() }
}

extension UInt64: TLSCodable {
  public func encode(to writer: inout TLSWriter) { writer.write(self) }
  public init(from reader: inout TLSReader) throws { self = try reader.readUInt64() }
}
