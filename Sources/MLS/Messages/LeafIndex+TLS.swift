import MLSCodec

/// A leaf index travels as a `uint32`: in `unmerged_leaves` (§7.1), Remove (§12.1.3), senders
/// (§6) and LeafNodeTBS (§7.2).
extension LeafIndex: TLSCodable {
  public func encode(to writer: inout TLSWriter) { writer.write(rawValue) }
  public init(from reader: inout TLSReader) throws { self.init(rawValue: try reader.readUInt32()) }
}
