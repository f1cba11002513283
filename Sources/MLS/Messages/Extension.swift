import MLSCodec

/// An extension type code. RFC 9420 §13, registry in §17.3.
///
/// Any 16-bit value decodes, so unknown and GREASE (§13.5) types survive a round trip.
public struct ExtensionType: RawRepresentable, Hashable, Sendable, TLSCodable {
  public var rawValue: UInt16
  public init(rawValue: UInt16) { self.rawValue = rawValue }

  public static let applicationID = ExtensionType(rawValue: 0x0001)
  public static let ratchetTree = ExtensionType(rawValue: 0x0002)
  public static let requiredCapabilities = ExtensionType(rawValue: 0x0003)
  public static let externalPub = ExtensionType(rawValue: 0x0004)
  public static let externalSenders = ExtensionType(rawValue: 0x0005)

  public func encode(to writer: inout TLSWriter) { writer.write(rawValue) }
  public init(from reader: inout TLSReader) throws { rawValue = try reader.readUInt16() }
}

/// One extension: a type and opaque data whose meaning the type gives. RFC 9420 §7.2, §13.
public struct Extension: Hashable, Sendable, TLSCodable {
  public var extensionType: ExtensionType
  public var extensionData: [UInt8]

  public init(extensionType: ExtensionType, extensionData: [UInt8]) {
    self.extensionType = extensionType
    self.extensionData = extensionData
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.write(extensionType)
    try writer.writeOpaque(extensionData)
  }

  public init(from reader: inout TLSReader) throws {
    extensionType = try reader.read()
    extensionData = try reader.readOpaque()
  }
}
