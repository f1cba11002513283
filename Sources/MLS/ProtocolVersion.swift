import MLSCodec

/// The MLS protocol version. RFC 9420 §6 (`ProtocolVersion`), registry in §17.1.
public struct ProtocolVersion: RawRepresentable, Hashable, Sendable, TLSCodable {
  public var rawValue: UInt16
  public init(rawValue: UInt16) { self.rawValue = rawValue }

  /// `mls10`, the only version RFC 9420 defines.
  public static let mls10 = ProtocolVersion(rawValue: 1)

  public func encode(to writer: inout TLSWriter) { writer.write(rawValue) }
  public init(from reader: inout TLSReader) throws { rawValue = try reader.readUInt16() }
}
