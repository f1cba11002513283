import MLSCodec

/// What a framed message carries. RFC 9420 §6 (`ContentType`).
///
/// Closed: the content's layout depends on it, so unknown codes are a decoding error.
public enum ContentType: UInt8, Hashable, Sendable, TLSCodable {
  case application = 1
  case proposal = 2
  case commit = 3

  public func encode(to writer: inout TLSWriter) { writer.write(rawValue) }

  public init(from reader: inout TLSReader) throws {
    let code = try reader.readUInt8()
    guard let value = ContentType(rawValue: code) else {
      throw TLSDecodingError.unknownEnumValue(type: "ContentType", value: UInt64(code))
    }
    self = value
  }
}

/// How a message is framed. RFC 9420 §6, registry in §17.2 (`WireFormat`).
///
/// Closed for decoding: a body of an unknown wire format cannot be parsed.
public enum WireFormat: UInt16, Hashable, Sendable, TLSCodable {
  case publicMessage = 1
  case privateMessage = 2
  case welcome = 3
  case groupInfo = 4
  case keyPackage = 5

  public func encode(to writer: inout TLSWriter) { writer.write(rawValue) }

  public init(from reader: inout TLSReader) throws {
    let code = try reader.readUInt16()
    guard let value = WireFormat(rawValue: code) else {
      throw TLSDecodingError.unknownEnumValue(type: "WireFormat", value: UInt64(code))
    }
    self = value
  }
}

/// Who sent a message. RFC 9420 §6 (`Sender`).
///
/// `SenderType` is closed: unknown codes are a decoding error.
public enum Sender: Hashable, Sendable, TLSCodable {
  /// `member(1)`: the member at a leaf.
  case member(LeafIndex)
  /// `external(2)`: an entry of the `external_senders` extension (§12.1.8.1).
  case external(senderIndex: UInt32)
  /// `new_member_proposal(3)`: a would-be member proposing their own Add (§12.1.8).
  case newMemberProposal
  /// `new_member_commit(4)`: a joiner's external commit (§12.4.3.2).
  case newMemberCommit

  /// The `sender_type` code.
  public var senderTypeCode: UInt8 {
    switch self {
    case .member: 1
    case .external: 2
    case .newMemberProposal: 3
    case .newMemberCommit: 4
    }
  }

  /// Whether a GroupContext is part of the signed content (§6.1): member and new-member-commit
  /// senders know the group's state, the others do not.
  public var signsGroupContext: Bool {
    switch self {
    case .member, .newMemberCommit: true
    case .external, .newMemberProposal: false
    }
  }

  public func encode(to writer: inout TLSWriter) throws {
    writer.write(senderTypeCode)
    switch self {
    case .member(let leafIndex): try writer.write(leafIndex)
    case .external(let senderIndex): writer.write(senderIndex)
    case .newMemberProposal, .newMemberCommit: break
    }
  }

  public init(from reader: inout TLSReader) throws {
    let code = try reader.readUInt8()
    switch code {
    case 1: self = .member(try reader.read())
    case 2: self = .external(senderIndex: try reader.readUInt32())
    case 3: self = .newMemberProposal
    case 4: self = .newMemberCommit
    default: throw TLSDecodingError.unknownEnumValue(type: "SenderType", value: UInt64(code))
    }
  }
}

/// The body of a FramedContent or PrivateMessageContent, selected by its content type.
/// RFC 9420 §6, §6.3.1.
public enum MessageContent: Hashable, Sendable {
  /// `opaque application_data<V>`.
  case application([UInt8])
  case proposal(Proposal)
  case commit(Commit)

  public var contentType: ContentType {
    switch self {
    case .application: .application
    case .proposal: .proposal
    case .commit: .commit
    }
  }

  /// Writes the selected body only; the content type is written by the enclosing structure,
  /// which places it differently in FramedContent and PrivateMessage.
  public func encodeBody(to writer: inout TLSWriter) throws {
    switch self {
    case .application(let data): try writer.writeOpaque(data)
    case .proposal(let proposal): try writer.write(proposal)
    case .commit(let commit): try writer.write(commit)
    }
  }

  /// Reads the body that `contentType` selects.
  public init(from reader: inout TLSReader, contentType: ContentType) throws {
    switch contentType {
    case .application: self = .application(try reader.readOpaque())
    case .proposal: self = .proposal(try reader.read())
    case .commit: self = .commit(try reader.read())
    }
  }
}

/// The content of a handshake or application message with its group, epoch and sender.
/// RFC 9420 §6 (`FramedContent`).
public struct FramedContent: Hashable, Sendable, TLSCodable {
  public var groupID: [UInt8]
  public var epoch: UInt64
  public var sender: Sender
  public var authenticatedData: [UInt8]
  public var content: MessageContent

  public init(
    groupID: [UInt8], epoch: UInt64, sender: Sender, authenticatedData: [UInt8],
    content: MessageContent
  ) {
    self.groupID = groupID
    self.epoch = epoch
    self.sender = sender
    self.authenticatedData = authenticatedData
    self.content = content
  }

  public var contentType: ContentType { content.contentType }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.writeOpaque(groupID)
    writer.write(epoch)
    try writer.write(sender)
    try writer.writeOpaque(authenticatedData)
    try writer.write(content.contentType)
    try content.encodeBody(to: &writer)
  }

  public init(from reader: inout TLSReader) throws {
    groupID = try reader.readOpaque()
    epoch = try reader.readUInt64()
    sender = try reader.read()
    authenticatedData = try reader.readOpaque()
    let contentType: ContentType = try reader.read()
    content = try MessageContent(from: &reader, contentType: contentType)
  }
}

/// The signature over a FramedContentTBS and, for commits, the confirmation tag.
/// RFC 9420 §6.1 (`FramedContentAuthData`).
///
/// Its layout depends on the content type, so it decodes with `init(from:contentType:)`.
public struct FramedContentAuthData: Hashable, Sendable, TLSEncodable {
  public var signature: [UInt8]
  /// `MAC confirmation_tag`: present exactly when the content is a commit.
  public var confirmationTag: [UInt8]?

  public init(signature: [UInt8], confirmationTag: [UInt8]?) {
    self.signature = signature
    self.confirmationTag = confirmationTag
  }

  /// Throws unless a confirmation tag is present exactly for commits.
  public func validate(for contentType: ContentType) throws(MessageError) {
    let isCommit = contentType == .commit
    guard isCommit == (confirmationTag != nil) else {
      throw .confirmationTagMismatch(isCommit: isCommit)
    }
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.writeOpaque(signature)
    if let confirmationTag { try writer.writeOpaque(confirmationTag) }
  }

  public init(from reader: inout TLSReader, contentType: ContentType) throws {
    signature = try reader.readOpaque()
    confirmationTag = contentType == .commit ? try reader.readOpaque() : nil
  }
}

/// What a message's signature covers: version, wire format, content and, for senders inside
/// the group, the GroupContext, so the signature is bound to one group and epoch.
/// RFC 9420 §6.1 (`FramedContentTBS`).
public struct FramedContentTBS: Hashable, Sendable, TLSEncodable {
  public var version: ProtocolVersion
  public var wireFormat: WireFormat
  public var content: FramedContent
  /// Required for member and new-member-commit senders; not encoded for the others.
  public var context: GroupContext?

  public init(
    version: ProtocolVersion = .mls10, wireFormat: WireFormat, content: FramedContent,
    context: GroupContext?
  ) {
    self.version = version
    self.wireFormat = wireFormat
    self.content = content
    self.context = context
  }

  /// Throws `MessageError.missingGroupContext` when the sender needs a context and none is set.
  public func encode(to writer: inout TLSWriter) throws {
    try writer.write(version)
    try writer.write(wireFormat)
    try writer.write(content)
    if content.sender.signsGroupContext {
      guard let context else { throw MessageError.missingGroupContext }
      try writer.write(context)
    }
  }
}

/// A content with its wire format and authentication: the unit that is signed, transcript-hashed
/// and referenced. RFC 9420 §6 (`AuthenticatedContent`).
public struct AuthenticatedContent: Hashable, Sendable, TLSCodable {
  public var wireFormat: WireFormat
  public var content: FramedContent
  public var auth: FramedContentAuthData

  public init(wireFormat: WireFormat, content: FramedContent, auth: FramedContentAuthData) {
    self.wireFormat = wireFormat
    self.content = content
    self.auth = auth
  }

  public func encode(to writer: inout TLSWriter) throws {
    try auth.validate(for: content.contentType)
    try writer.write(wireFormat)
    try writer.write(content)
    try writer.write(auth)
  }

  public init(from reader: inout TLSReader) throws {
    wireFormat = try reader.read()
    content = try reader.read()
    auth = try FramedContentAuthData(from: &reader, contentType: content.contentType)
  }
}

/// The input of a PublicMessage's membership tag MAC. RFC 9420 §6.2 (`AuthenticatedContentTBM`).
public struct AuthenticatedContentTBM: Hashable, Sendable, TLSEncodable {
  public var contentTBS: FramedContentTBS
  public var auth: FramedContentAuthData

  public init(contentTBS: FramedContentTBS, auth: FramedContentAuthData) {
    self.contentTBS = contentTBS
    self.auth = auth
  }

  public func encode(to writer: inout TLSWriter) throws {
    try auth.validate(for: contentTBS.content.contentType)
    try writer.write(contentTBS)
    try writer.write(auth)
  }
}

/// A signed, unencrypted message. RFC 9420 §6.2 (`PublicMessage`).
public struct PublicMessage: Hashable, Sendable, TLSCodable {
  public var content: FramedContent
  public var auth: FramedContentAuthData
  /// `MAC membership_tag`: present exactly when the sender is a member.
  public var membershipTag: [UInt8]?

  public init(content: FramedContent, auth: FramedContentAuthData, membershipTag: [UInt8]?) {
    self.content = content
    self.auth = auth
    self.membershipTag = membershipTag
  }

  public func encode(to writer: inout TLSWriter) throws {
    try auth.validate(for: content.contentType)
    let isMember = if case .member = content.sender { true } else { false }
    guard isMember == (membershipTag != nil) else {
      throw MessageError.membershipTagMismatch(senderIsMember: isMember)
    }
    try writer.write(content)
    try writer.write(auth)
    if let membershipTag { try writer.writeOpaque(membershipTag) }
  }

  public init(from reader: inout TLSReader) throws {
    content = try reader.read()
    auth = try FramedContentAuthData(from: &reader, contentType: content.contentType)
    if case .member = content.sender {
      membershipTag = try reader.readOpaque()
    } else {
      membershipTag = nil
    }
  }
}

/// An encrypted message: the sender is hidden in `encrypted_sender_data`, the content in
/// `ciphertext`. RFC 9420 §6.3 (`PrivateMessage`).
public struct PrivateMessage: Hashable, Sendable, TLSCodable {
  public var groupID: [UInt8]
  public var epoch: UInt64
  public var contentType: ContentType
  public var authenticatedData: [UInt8]
  public var encryptedSenderData: [UInt8]
  public var ciphertext: [UInt8]

  public init(
    groupID: [UInt8], epoch: UInt64, contentType: ContentType, authenticatedData: [UInt8],
    encryptedSenderData: [UInt8], ciphertext: [UInt8]
  ) {
    self.groupID = groupID
    self.epoch = epoch
    self.contentType = contentType
    self.authenticatedData = authenticatedData
    self.encryptedSenderData = encryptedSenderData
    self.ciphertext = ciphertext
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.writeOpaque(groupID)
    writer.write(epoch)
    try writer.write(contentType)
    try writer.writeOpaque(authenticatedData)
    try writer.writeOpaque(encryptedSenderData)
    try writer.writeOpaque(ciphertext)
  }

  public init(from reader: inout TLSReader) throws {
    groupID = try reader.readOpaque()
    epoch = try reader.readUInt64()
    contentType = try reader.read()
    authenticatedData = try reader.readOpaque()
    encryptedSenderData = try reader.readOpaque()
    ciphertext = try reader.readOpaque()
  }
}

/// The plaintext of a PrivateMessage's ciphertext: content, auth data, then zero padding.
/// RFC 9420 §6.3.1 (`PrivateMessageContent`).
///
/// Padding has no length field: it is whatever follows the auth data, and must be all zero so it
/// cannot serve as a covert channel. Decode it from a whole plaintext with
/// `init(plaintext:contentType:)`.
public struct PrivateMessageContent: Hashable, Sendable, TLSEncodable {
  public var content: MessageContent
  public var auth: FramedContentAuthData
  /// The number of zero bytes appended.
  public var paddingLength: Int

  public init(content: MessageContent, auth: FramedContentAuthData, paddingLength: Int = 0) {
    self.content = content
    self.auth = auth
    self.paddingLength = paddingLength
  }

  public func encode(to writer: inout TLSWriter) throws {
    try auth.validate(for: content.contentType)
    guard paddingLength >= 0 else { throw MessageError.invalidField("padding") }
    try content.encodeBody(to: &writer)
    try writer.write(auth)
    writer.writeRaw(repeatElement(UInt8(0), count: paddingLength))
  }

  /// Decodes a decrypted plaintext whose content type the PrivateMessage gives. Throws
  /// `MessageError.nonZeroPadding` if any padding byte is not zero.
  public init(plaintext: [UInt8], contentType: ContentType) throws {
    var reader = TLSReader(plaintext)
    content = try MessageContent(from: &reader, contentType: contentType)
    auth = try FramedContentAuthData(from: &reader, contentType: contentType)
    let padding = try reader.readRaw(count: reader.remaining)
    var accumulated: UInt8 = 0
    for byte in padding { accumulated |= byte }
    guard accumulated == 0 else { throw MessageError.nonZeroPadding }
    paddingLength = padding.count
  }
}

/// Identifies the sender and key generation of a PrivateMessage. RFC 9420 §6.3.2 (`SenderData`).
public struct SenderData: Hashable, Sendable, TLSCodable {
  public var leafIndex: LeafIndex
  public var generation: UInt32
  /// `opaque reuse_guard[4]`: XORed into the nonce to survive state loss.
  public var reuseGuard: [UInt8]

  public init(leafIndex: LeafIndex, generation: UInt32, reuseGuard: [UInt8]) {
    self.leafIndex = leafIndex
    self.generation = generation
    self.reuseGuard = reuseGuard
  }

  /// Throws `MessageError.invalidField("reuse_guard")` unless the guard is four bytes.
  public func encode(to writer: inout TLSWriter) throws {
    guard reuseGuard.count == 4 else { throw MessageError.invalidField("reuse_guard") }
    try writer.write(leafIndex)
    writer.write(generation)
    writer.writeRaw(reuseGuard)
  }

  public init(from reader: inout TLSReader) throws {
    leafIndex = try reader.read()
    generation = try reader.readUInt32()
    reuseGuard = try reader.readRaw(count: 4)
  }
}

/// The AAD of the sender-data encryption: the first three fields of the PrivateMessage.
/// RFC 9420 §6.3.2 (`SenderDataAAD`).
public struct SenderDataAAD: Hashable, Sendable, TLSCodable {
  public var groupID: [UInt8]
  public var epoch: UInt64
  public var contentType: ContentType

  public init(groupID: [UInt8], epoch: UInt64, contentType: ContentType) {
    self.groupID = groupID
    self.epoch = epoch
    self.contentType = contentType
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.writeOpaque(groupID)
    writer.write(epoch)
    try writer.write(contentType)
  }

  public init(from reader: inout TLSReader) throws {
    groupID = try reader.readOpaque()
    epoch = try reader.readUInt64()
    contentType = try reader.read()
  }
}

/// The AAD of the content encryption. RFC 9420 §6.3.1 (`PrivateContentAAD`).
public struct PrivateContentAAD: Hashable, Sendable, TLSCodable {
  public var groupID: [UInt8]
  public var epoch: UInt64
  public var contentType: ContentType
  public var authenticatedData: [UInt8]

  public init(
    groupID: [UInt8], epoch: UInt64, contentType: ContentType, authenticatedData: [UInt8]
  ) {
    self.groupID = groupID
    self.epoch = epoch
    self.contentType = contentType
    self.authenticatedData = authenticatedData
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.writeOpaque(groupID)
    writer.write(epoch)
    try writer.write(contentType)
    try writer.writeOpaque(authenticatedData)
  }

  public init(from reader: inout TLSReader) throws {
    groupID = try reader.readOpaque()
    epoch = try reader.readUInt64()
    contentType = try reader.read()
    authenticatedData = try reader.readOpaque()
  }
}
