import MLSCodec
import MLSCrypto

/// Proposals from senders outside the group: a server listed in the group's
/// `external_senders` extension (§12.1.8.1), or a client asking to be added (§12.1.8).
public enum ExternalProposal {
  /// Signs `proposal` as external sender `senderIndex` of the group's `external_senders`
  /// extension, for the group's current `epoch`. RFC 9420 §12.1.8.
  ///
  /// External senders may propose Add, Remove, PreSharedKey, ReInit and
  /// GroupContextExtensions; the message is a PublicMessage without membership tag.
  public static func make(
    _ proposal: Proposal, groupID: [UInt8], epoch: UInt64, senderIndex: UInt32,
    signaturePrivateKey: SecretBytes, cipherSuite: CipherSuite, authenticatedData: [UInt8] = []
  ) throws(GroupError) -> MLSMessage {
    try sign(
      proposal, sender: .external(senderIndex: senderIndex), groupID: groupID, epoch: epoch,
      signaturePrivateKey: signaturePrivateKey, cipherSuite: cipherSuite,
      authenticatedData: authenticatedData)
  }

  /// A client's request to be added: an Add of its own KeyPackage, signed with the
  /// KeyPackage's leaf key (sender `new_member_proposal`). RFC 9420 §12.1.8.
  public static func requestAdd(
    keyPackage: KeyPackage, groupID: [UInt8], epoch: UInt64, signaturePrivateKey: SecretBytes,
    authenticatedData: [UInt8] = []
  ) throws(GroupError) -> MLSMessage {
    try sign(
      .add(Add(keyPackage: keyPackage)), sender: .newMemberProposal, groupID: groupID,
      epoch: epoch, signaturePrivateKey: signaturePrivateKey,
      cipherSuite: keyPackage.cipherSuite, authenticatedData: authenticatedData)
  }

  private static func sign(
    _ proposal: Proposal, sender: Sender, groupID: [UInt8], epoch: UInt64,
    signaturePrivateKey: SecretBytes, cipherSuite: CipherSuite, authenticatedData: [UInt8]
  ) throws(GroupError) -> MLSMessage {
    let provider = try GroupError.wrap { try CipherSuiteProvider(cipherSuite) }
    let content = FramedContent(
      groupID: groupID, epoch: epoch, sender: sender, authenticatedData: authenticatedData,
      content: .proposal(proposal))
    // Senders outside the group sign without a GroupContext (§6.1); the value passed here is
    // not encoded for them.
    let unused = GroupContext(
      cipherSuite: cipherSuite, groupID: groupID, epoch: epoch, treeHash: [],
      confirmedTranscriptHash: [], extensions: [])
    let auth = try GroupError.wrap {
      try Framing.sign(
        content: content, wireFormat: .publicMessage, groupContext: unused,
        signaturePrivateKey: signaturePrivateKey, provider: provider)
    }
    let message = PublicMessage(content: content, auth: auth, membershipTag: nil)
    return MLSMessage(body: .publicMessage(message))
  }
}
