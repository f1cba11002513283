import MLSCodec
import MLSCrypto

/// Signing, PublicMessage and PrivateMessage protection. RFC 9420 §6.
///
/// These functions check what the framing layer can: group, epoch, wire format, sender type,
/// membership tag, decryption and padding. They do not look up the sender's signature key or
/// validate the content against the group state; the group does that with the result.
public enum Framing {
  /// The `SignWithLabel` label of message signatures. RFC 9420 §6.1.
  static let signatureLabel = "FramedContentTBS"

  // MARK: - Signatures (§6.1)

  /// Signs `content` as sent in `wireFormat`. RFC 9420 §6.1.
  ///
  /// The FramedContentTBS includes `groupContext` for member and new-member-commit senders, so
  /// the signature is bound to this group and epoch. The confirmation tag is left nil: for a
  /// commit the caller sets it once the new epoch's confirmation key is known (§8.2).
  public static func sign(
    content: FramedContent, wireFormat: WireFormat, groupContext: GroupContext,
    signaturePrivateKey: SecretBytes, provider: CipherSuiteProvider
  ) throws(FramingError) -> FramedContentAuthData {
    try sign(
      content: content, encodedContent: encode(content, "FramedContent"),
      wireFormat: wireFormat, groupContext: groupContext,
      signaturePrivateKey: signaturePrivateKey, provider: provider)
  }

  /// `sign` with the content's encoding already made (see `verifySignature`): a sender encodes
  /// its content once for the signature, the membership tag and the transcript hash.
  static func sign(
    content: FramedContent, encodedContent: [UInt8], wireFormat: WireFormat,
    groupContext: GroupContext, signaturePrivateKey: SecretBytes, provider: CipherSuiteProvider
  ) throws(FramingError) -> FramedContentAuthData {
    let tbs = try contentTBS(
      wireFormat: wireFormat, content: content, encodedContent: encodedContent,
      groupContext: groupContext)
    let signature = try crypto { () throws(CryptoError) -> [UInt8] in
      try provider.signWithLabel(
        privateKey: signaturePrivateKey, label: signatureLabel, content: tbs.bytes)
    }
    return FramedContentAuthData(signature: signature, confirmationTag: nil)
  }

  /// Verifies the signature of `authenticated` with the sender's key. RFC 9420 §6.1.
  ///
  /// Throws `.invalidSignature` when it does not verify, `.crypto(.invalidPublicKey)` when the
  /// key is not one of this suite's scheme.
  public static func verifySignature(
    _ authenticated: AuthenticatedContent, groupContext: GroupContext,
    signaturePublicKey: [UInt8], provider: CipherSuiteProvider
  ) throws(FramingError) {
    try verifySignature(
      authenticated, encodedContent: encode(authenticated.content, "FramedContent"),
      groupContext: groupContext, signaturePublicKey: signaturePublicKey, provider: provider)
  }

  /// `verifySignature` with the content's encoding already made (`encodedContent` must be
  /// `authenticated.content` encoded): a received commit is encoded once for its signature,
  /// membership tag and transcript hash, not once for each (a path to N leaves is ~100 B a leaf).
  static func verifySignature(
    _ authenticated: AuthenticatedContent, encodedContent: [UInt8], groupContext: GroupContext,
    signaturePublicKey: [UInt8], provider: CipherSuiteProvider
  ) throws(FramingError) {
    let tbs = try contentTBS(
      wireFormat: authenticated.wireFormat, content: authenticated.content,
      encodedContent: encodedContent, groupContext: groupContext)
    do throws(CryptoError) {
      try provider.verifyWithLabel(
        publicKey: signaturePublicKey, label: signatureLabel, content: tbs.bytes,
        signature: authenticated.auth.signature)
    } catch .invalidSignature {
      throw .invalidSignature
    } catch {
      throw .crypto(error)
    }
  }

  // MARK: - PublicMessage (§6.2)

  /// Frames `authenticated` as a PublicMessage, adding the membership tag for member senders.
  /// RFC 9420 §6.2.
  ///
  /// Refuses application data (it must be encrypted) and content of another group or epoch.
  public static func protectPublic(
    _ authenticated: AuthenticatedContent, keys: FramingKeys, provider: CipherSuiteProvider
  ) throws(FramingError) -> PublicMessage {
    try protectPublic(
      authenticated, groupContext: keys.groupContext, membershipKey: keys.membershipKey,
      provider: provider)
  }

  /// `protectPublic` for a sender that holds no epoch keys: a new member's external commit
  /// (§12.4.3.2) or proposal, or an external sender (§12.1.8). RFC 9420 §6.2.
  ///
  /// `membershipKey` may be nil only for non-member senders (they carry no membership tag);
  /// a member sender without it throws `.missingMembershipTag`.
  public static func protectPublic(
    _ authenticated: AuthenticatedContent, groupContext: GroupContext,
    membershipKey: SecretBytes?, provider: CipherSuiteProvider
  ) throws(FramingError) -> PublicMessage {
    try protectPublic(
      authenticated, encodedContent: encode(authenticated.content, "FramedContent"),
      groupContext: groupContext, membershipKey: membershipKey, provider: provider)
  }

  /// `protectPublic` with `authenticated.content` already encoded (see `sign`).
  static func protectPublic(
    _ authenticated: AuthenticatedContent, encodedContent: [UInt8], groupContext: GroupContext,
    membershipKey: SecretBytes?, provider: CipherSuiteProvider
  ) throws(FramingError) -> PublicMessage {
    guard authenticated.wireFormat == .publicMessage else {
      throw .wireFormatMismatch(expected: .publicMessage, received: authenticated.wireFormat)
    }
    let content = authenticated.content
    try checkGroupAndEpoch(groupID: content.groupID, epoch: content.epoch, context: groupContext)
    try checkPublicSender(content)
    try checkAuth(authenticated.auth, content.contentType)
    var membershipTag: [UInt8]?
    if case .member = content.sender {
      guard let membershipKey else { throw .missingMembershipTag }
      membershipTag = try computeMembershipTag(
        authenticated, encodedContent: encodedContent, groupContext: groupContext,
        membershipKey: membershipKey, provider: provider)
    }
    return PublicMessage(content: content, auth: authenticated.auth, membershipTag: membershipTag)
  }

  /// Checks a received PublicMessage's group, epoch, content type, sender and, for member
  /// senders, membership tag (compared in constant time). RFC 9420 §6.2.
  ///
  /// Does NOT verify the signature: the caller knows the sender's key. Returns the
  /// AuthenticatedContent (wire format `publicMessage`) for that check and the transcript.
  public static func unprotectPublic(
    _ message: PublicMessage, keys: FramingKeys, provider: CipherSuiteProvider
  ) throws(FramingError) -> AuthenticatedContent {
    try unprotectPublic(
      message, encodedContent: encode(message.content, "FramedContent"), keys: keys,
      provider: provider)
  }

  /// `unprotectPublic` with `message.content` already encoded (see `verifySignature`).
  static func unprotectPublic(
    _ message: PublicMessage, encodedContent: [UInt8], keys: FramingKeys,
    provider: CipherSuiteProvider
  ) throws(FramingError) -> AuthenticatedContent {
    let content = message.content
    try checkGroupAndEpoch(groupID: content.groupID, epoch: content.epoch, keys: keys)
    try checkPublicSender(content)
    try checkAuth(message.auth, content.contentType)
    let authenticated = AuthenticatedContent(
      wireFormat: .publicMessage, content: content, auth: message.auth)
    if case .member = content.sender {
      guard let received = message.membershipTag else { throw .missingMembershipTag }
      let expected = try computeMembershipTag(
        authenticated, encodedContent: encodedContent, groupContext: keys.groupContext,
        membershipKey: keys.membershipKey, provider: provider)
      guard ConstantTime.equals(expected, received) else { throw .invalidMembershipTag }
    } else if message.membershipTag != nil {
      throw .malformed("membership_tag")
    }
    return authenticated
  }

  /// `MAC(membership_key, AuthenticatedContentTBM)`. RFC 9420 §6.2.
  static func computeMembershipTag(
    _ authenticated: AuthenticatedContent, groupContext: GroupContext, membershipKey: SecretBytes,
    provider: CipherSuiteProvider
  ) throws(FramingError) -> [UInt8] {
    try computeMembershipTag(
      authenticated, encodedContent: encode(authenticated.content, "FramedContent"),
      groupContext: groupContext, membershipKey: membershipKey, provider: provider)
  }

  /// `MAC(membership_key, AuthenticatedContentTBM)` with the content already encoded.
  static func computeMembershipTag(
    _ authenticated: AuthenticatedContent, encodedContent: [UInt8], groupContext: GroupContext,
    membershipKey: SecretBytes, provider: CipherSuiteProvider
  ) throws(FramingError) -> [UInt8] {
    var tbm = try contentTBS(
      wireFormat: authenticated.wireFormat, content: authenticated.content,
      encodedContent: encodedContent, groupContext: groupContext)
    do {
      try authenticated.auth.validate(for: authenticated.content.contentType)
      try tbm.write(authenticated.auth)
    } catch {
      throw .malformed("AuthenticatedContentTBM")
    }
    return try crypto { () throws(CryptoError) -> [UInt8] in
      try provider.mac(key: membershipKey, data: tbm.bytes)
    }
  }

  /// FramedContentTBS (§6.1) around an encoded FramedContent: version, wire format, the
  /// content, and the GroupContext for senders that sign it.
  static func contentTBS(
    wireFormat: WireFormat, content: FramedContent, encodedContent: [UInt8],
    groupContext: GroupContext
  ) throws(FramingError) -> TLSWriter {
    var writer = TLSWriter(reservingCapacity: encodedContent.count + 512)
    do {
      try writer.write(ProtocolVersion.mls10)
      try writer.write(wireFormat)
      writer.writeRaw(encodedContent)
      if content.sender.signsGroupContext { try writer.write(groupContext) }
    } catch {
      throw .malformed("FramedContentTBS")
    }
    return writer
  }

  /// Which senders may send what in a PublicMessage. RFC 9420 §6.2, §12.1.8, §12.4.3.2.
  ///
  /// Application data is never public; external senders and new members may only propose
  /// (§12.1.8), and a new member's commit is its external commit.
  static func checkPublicSender(_ content: FramedContent) throws(FramingError) {
    let type = content.contentType
    if type == .application { throw .applicationDataInPublicMessage }
    let allowed: Bool
    switch content.sender {
    case .member: allowed = true
    case .external, .newMemberProposal: allowed = type == .proposal
    case .newMemberCommit: allowed = type == .commit
    }
    guard allowed else {
      throw .senderNotAllowed(senderType: content.sender.senderTypeCode, contentType: type)
    }
  }

  // MARK: - Shared checks and wrappers

  /// Every message names its group and epoch; anything else is refused before any crypto.
  /// RFC 9420 §6.
  static func checkGroupAndEpoch(
    groupID: [UInt8], epoch: UInt64, keys: FramingKeys
  ) throws(FramingError) {
    try checkGroupAndEpoch(groupID: groupID, epoch: epoch, context: keys.groupContext)
  }

  static func checkGroupAndEpoch(
    groupID: [UInt8], epoch: UInt64, context: GroupContext
  ) throws(FramingError) {
    guard groupID == context.groupID else { throw .wrongGroup }
    guard epoch == context.epoch else {
      throw .wrongEpoch(expected: context.epoch, received: epoch)
    }
  }

  /// A commit carries a confirmation tag and nothing else does (§6.1).
  static func checkAuth(
    _ auth: FramedContentAuthData, _ contentType: ContentType
  ) throws(FramingError) {
    do throws(MessageError) {
      try auth.validate(for: contentType)
    } catch {
      throw .malformed("confirmation_tag")
    }
  }

  /// Encodes a structure, naming it in the error.
  static func encode(_ value: some TLSEncodable, _ name: String) throws(FramingError) -> [UInt8] {
    do {
      return try value.tlsSerialized()
    } catch {
      throw .malformed(name)
    }
  }

  /// Runs a provider call, turning its error into `.crypto`.
  static func crypto<T>(_ body: () throws(CryptoError) -> T) throws(FramingError) -> T {
    do throws(CryptoError) {
      return try body()
    } catch {
      throw .crypto(error)
    }
  }
}
