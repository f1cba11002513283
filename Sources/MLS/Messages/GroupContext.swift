import MLSCodec
import MLSCrypto

/// The state every member of a group agrees on in an epoch. RFC 9420 §8.1.
///
/// Its encoding is the context of the key schedule's `ExpandWithLabel` calls, so every field is
/// covered by the epoch secrets.
public struct GroupContext: Hashable, Sendable, TLSCodable {
  public var version: ProtocolVersion
  public var cipherSuite: CipherSuite
  public var groupID: [UInt8]
  public var epoch: UInt64
  public var treeHash: [UInt8]
  public var confirmedTranscriptHash: [UInt8]
  public var extensions: [Extension]

  public init(
    version: ProtocolVersion = .mls10, cipherSuite: CipherSuite, groupID: [UInt8], epoch: UInt64,
    treeHash: [UInt8], confirmedTranscriptHash: [UInt8], extensions: [Extension]
  ) {
    self.version = version
    self.cipherSuite = cipherSuite
    self.groupID = groupID
    self.epoch = epoch
    self.treeHash = treeHash
    self.confirmedTranscriptHash = confirmedTranscriptHash
    self.extensions = extensions
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.write(version)
    try writer.write(cipherSuite)
    try writer.writeOpaque(groupID)
    writer.write(epoch)
    try writer.writeOpaque(treeHash)
    try writer.writeOpaque(confirmedTranscriptHash)
    try writer.writeVector(extensions)
  }

  public init(from reader: inout TLSReader) throws {
    version = try reader.read()
    cipherSuite = try reader.read()
    groupID = try reader.readOpaque()
    epoch = try reader.readUInt64()
    treeHash = try reader.readOpaque()
    confirmedTranscriptHash = try reader.readOpaque()
    extensions = try reader.readVector()
  }
}
