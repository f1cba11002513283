import MLSCodec

/// A proposal carried in a commit, either whole or by reference to one sent earlier in the epoch.
/// RFC 9420 §12.4 (`ProposalOrRef`).
///
/// The `ProposalOrRefType` code is closed: unknown codes are a decoding error.
public enum ProposalOrRef: Hashable, Sendable, TLSCodable {
  /// `proposal(1)`: the proposal inline.
  case proposal(Proposal)
  /// `reference(2)`: a `ProposalRef`, the RefHash of the AuthenticatedContent that carried it
  /// (§5.2).
  case reference([UInt8])

  public func encode(to writer: inout TLSWriter) throws {
    switch self {
    case .proposal(let proposal):
      writer.write(UInt8(1))
      try writer.write(proposal)
    case .reference(let reference):
      writer.write(UInt8(2))
      try writer.writeOpaque(reference)
    }
  }

  public init(from reader: inout TLSReader) throws {
    let type = try reader.readUInt8()
    switch type {
    case 1: self = .proposal(try reader.read())
    case 2: self = .reference(try reader.readOpaque())
    default:
      throw TLSDecodingError.unknownEnumValue(type: "ProposalOrRefType", value: UInt64(type))
    }
  }
}

/// Applies proposals and, with a path, refreshes the committer's keys. RFC 9420 §12.4.
public struct Commit: Hashable, Sendable, TLSCodable {
  public var proposals: [ProposalOrRef]
  public var path: UpdatePath?

  public init(proposals: [ProposalOrRef], path: UpdatePath?) {
    self.proposals = proposals
    self.path = path
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.writeVector(proposals)
    try writer.writeOptional(path)
  }

  public init(from reader: inout TLSReader) throws {
    proposals = try reader.readVector()
    path = try reader.readOptional()
  }
}
