import MLSCodec

/// A proposal type code. RFC 9420 §12.1, registry in §17.4.
///
/// Open, because capabilities and RequiredCapabilities list proposal types that may be unknown or
/// GREASE (§13.5) and must round-trip. A `Proposal` body of an unknown type cannot be parsed and is
/// rejected by `Proposal` itself.
public struct ProposalType: RawRepresentable, Hashable, Sendable, TLSCodable {
  public var rawValue: UInt16
  public init(rawValue: UInt16) { self.rawValue = rawValue }

  public static let add = ProposalType(rawValue: 0x0001)
  public static let update = ProposalType(rawValue: 0x0002)
  public static let remove = ProposalType(rawValue: 0x0003)
  public static let psk = ProposalType(rawValue: 0x0004)
  public static let reinit = ProposalType(rawValue: 0x0005)
  public static let externalInit = ProposalType(rawValue: 0x0006)
  public static let groupContextExtensions = ProposalType(rawValue: 0x0007)

  /// The types RFC 9420 defines, which every member supports without listing them (§7.2).
  public static let defaults: [ProposalType] = [
    .add, .update, .remove, .psk, .reinit, .externalInit, .groupContextExtensions,
  ]

  public func encode(to writer: inout TLSWriter) { writer.write(rawValue) }
  public init(from reader: inout TLSReader) throws { rawValue = try reader.readUInt16() }
}
