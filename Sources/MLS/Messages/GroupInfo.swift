import MLSCodec

/// A signed description of the group's state in an epoch, for joiners. RFC 9420 §12.4.3.
public struct GroupInfo: Hashable, Sendable, TLSCodable {
  public var groupContext: GroupContext
  public var extensions: [Extension]
  /// `MAC confirmation_tag` of the epoch, which lets a joiner confirm its key schedule.
  public var confirmationTag: [UInt8]
  /// The leaf of the member who signed.
  public var signer: LeafIndex
  /// `SignWithLabel(., "GroupInfoTBS", GroupInfoTBS)`.
  public var signature: [UInt8]

  public init(
    groupContext: GroupContext, extensions: [Extension], confirmationTag: [UInt8],
    signer: LeafIndex, signature: [UInt8]
  ) {
    self.groupContext = groupContext
    self.extensions = extensions
    self.confirmationTag = confirmationTag
    self.signer = signer
    self.signature = signature
  }

  /// The content the signature covers.
  public var toBeSigned: GroupInfoTBS {
    GroupInfoTBS(
      groupContext: groupContext, extensions: extensions, confirmationTag: confirmationTag,
      signer: signer)
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.write(toBeSigned)
    try writer.writeOpaque(signature)
  }

  public init(from reader: inout TLSReader) throws {
    let tbs: GroupInfoTBS = try reader.read()
    groupContext = tbs.groupContext
    extensions = tbs.extensions
    confirmationTag = tbs.confirmationTag
    signer = tbs.signer
    signature = try reader.readOpaque()
  }
}

/// What a GroupInfo's signature covers: every field but the signature. RFC 9420 §12.4.3.
public struct GroupInfoTBS: Hashable, Sendable, TLSCodable {
  public var groupContext: GroupContext
  public var extensions: [Extension]
  public var confirmationTag: [UInt8]
  public var signer: LeafIndex

  public init(
    groupContext: GroupContext, extensions: [Extension], confirmationTag: [UInt8],
    signer: LeafIndex
  ) {
    self.groupContext = groupContext
    self.extensions = extensions
    self.confirmationTag = confirmationTag
    self.signer = signer
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.write(groupContext)
    try writer.writeVector(extensions)
    try writer.writeOpaque(confirmationTag)
    try writer.write(signer)
  }

  public init(from reader: inout TLSReader) throws {
    groupContext = try reader.read()
    extensions = try reader.readVector()
    confirmationTag = try reader.readOpaque()
    signer = try reader.read()
  }
}
