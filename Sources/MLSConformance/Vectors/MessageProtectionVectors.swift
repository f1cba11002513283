import Foundation
import MLS
import MLSCodec
import MLSCrypto

/// message-protection.json: unprotect the given PublicMessages and PrivateMessages, then protect
/// the raw content ourselves and unprotect it again. RFC 9420 §6.
///
/// The sender is leaf 1 of a two-member secret tree rooted at `encryption_secret`. Application
/// data must be refused as a PublicMessage.
enum MessageProtectionVectors {
  struct Case: Decodable {
    let cipher_suite: UInt16
    let group_id: HexBytes
    let epoch: UInt64
    let tree_hash: HexBytes
    let confirmed_transcript_hash: HexBytes
    let signature_priv: HexBytes
    let signature_pub: HexBytes
    let encryption_secret: HexBytes
    let sender_data_secret: HexBytes
    let membership_key: HexBytes
    let proposal: HexBytes
    let proposal_pub: HexBytes
    let proposal_priv: HexBytes
    let commit: HexBytes
    let commit_pub: HexBytes
    let commit_priv: HexBytes
    let application: HexBytes
    let application_priv: HexBytes
  }

  /// What every check of one case shares.
  struct Setup {
    let provider: CipherSuiteProvider
    let groupContext: GroupContext
    let testCase: Case
    static let sender = LeafIndex(1)

    init(_ testCase: Case) throws {
      self.testCase = testCase
      let suite = CipherSuite(rawValue: testCase.cipher_suite)
      provider = try CipherSuiteProvider(suite)
      groupContext = GroupContext(
        cipherSuite: suite, groupID: testCase.group_id.bytes, epoch: testCase.epoch,
        treeHash: testCase.tree_hash.bytes,
        confirmedTranscriptHash: testCase.confirmed_transcript_hash.bytes, extensions: [])
    }

    /// Keys with a fresh secret tree, as a member holds them at the start of the epoch.
    func freshKeys() throws -> FramingKeys {
      FramingKeys(
        groupContext: groupContext, membershipKey: SecretBytes(testCase.membership_key.bytes),
        senderDataSecret: SecretBytes(testCase.sender_data_secret.bytes),
        secretTree: try SecretTree(
          provider: provider, encryptionSecret: SecretBytes(testCase.encryption_secret.bytes),
          leafCount: 2))
    }

    /// Verifies the signature and compares sender and content with the raw value.
    func expectContent(
      _ authenticated: AuthenticatedContent, _ expected: MessageContent, _ field: String
    ) throws {
      try Framing.verifySignature(
        authenticated, groupContext: groupContext,
        signaturePublicKey: testCase.signature_pub.bytes, provider: provider)
      try expect(authenticated.content.sender == .member(Self.sender), "\(field) sender")
      try expect(authenticated.content.content == expected, "\(field) content")
    }

    /// The signing key as given: a 65-byte P-521 scalar (leading zero byte dropped) is accepted
    /// by the crypto layer itself.
    var signaturePrivateKey: SecretBytes { SecretBytes(testCase.signature_priv.bytes) }

    /// Our own signed content from leaf 1; a commit reuses `confirmationTag`.
    func signed(
      _ content: MessageContent, wireFormat: WireFormat, confirmationTag: [UInt8]?
    ) throws -> AuthenticatedContent {
      let framed = FramedContent(
        groupID: groupContext.groupID, epoch: groupContext.epoch, sender: .member(Self.sender),
        authenticatedData: [], content: content)
      var auth = try Framing.sign(
        content: framed, wireFormat: wireFormat, groupContext: groupContext,
        signaturePrivateKey: signaturePrivateKey, provider: provider)
      auth.confirmationTag = confirmationTag
      return AuthenticatedContent(wireFormat: wireFormat, content: framed, auth: auth)
    }
  }

  static func run(_ data: Data) throws -> [CaseOutcome] {
    runCases(try decodeCases(Case.self, from: data)) { testCase in
      let setup = try Setup(testCase)
      let proposal = MessageContent.proposal(try Proposal(tlsSerialized: testCase.proposal.bytes))
      let commit = MessageContent.commit(try Commit(tlsSerialized: testCase.commit.bytes))
      let application = MessageContent.application(testCase.application.bytes)

      try checkPublic(setup, proposal, testCase.proposal_pub.bytes, "proposal_pub")
      try checkPublic(setup, commit, testCase.commit_pub.bytes, "commit_pub")
      try checkApplicationRefusedAsPublic(setup, application)
      try checkPrivate(setup, proposal, testCase.proposal_priv.bytes, "proposal_priv")
      try checkPrivate(setup, commit, testCase.commit_priv.bytes, "commit_priv")
      try checkPrivate(setup, application, testCase.application_priv.bytes, "application_priv")
      return .passed
    }
  }

  static func checkPublic(
    _ setup: Setup, _ expected: MessageContent, _ bytes: [UInt8], _ field: String
  ) throws {
    let keys = try setup.freshKeys()
    let given = try publicMessage(bytes, field)
    let unprotected = try Framing.unprotectPublic(given, keys: keys, provider: setup.provider)
    try setup.expectContent(unprotected, expected, field)

    let own = try setup.signed(
      expected, wireFormat: .publicMessage, confirmationTag: given.auth.confirmationTag)
    let protected = try Framing.protectPublic(own, keys: keys, provider: setup.provider)
    let wire = try MLSMessage(body: .publicMessage(protected)).tlsSerialized()
    let reread = try publicMessage(wire, "\(field) (ours)")
    let again = try Framing.unprotectPublic(reread, keys: keys, provider: setup.provider)
    try setup.expectContent(again, expected, "\(field) (ours)")
  }

  static func checkApplicationRefusedAsPublic(_ setup: Setup, _ content: MessageContent) throws {
    let keys = try setup.freshKeys()
    let own = try setup.signed(content, wireFormat: .publicMessage, confirmationTag: nil)
    do throws(FramingError) {
      _ = try Framing.protectPublic(own, keys: keys, provider: setup.provider)
    } catch .applicationDataInPublicMessage {
      return
    } catch {
      throw VectorMismatch("application as PublicMessage: \(error)")
    }
    throw VectorMismatch("application as PublicMessage: accepted")
  }

  static func checkPrivate(
    _ setup: Setup, _ expected: MessageContent, _ bytes: [UInt8], _ field: String
  ) throws {
    var receiver = try setup.freshKeys()
    let given = try privateMessage(bytes, field)
    let unprotected = try Framing.unprotectPrivate(
      given, keys: &receiver, isMember: { _ in true }, provider: setup.provider)
    try setup.expectContent(unprotected, expected, field)

    var confirmationTag: [UInt8]?
    if case .commit = expected { confirmationTag = unprotected.auth.confirmationTag }
    let own = try setup.signed(
      expected, wireFormat: .privateMessage, confirmationTag: confirmationTag)
    var sender = try setup.freshKeys()
    let protected = try Framing.protectPrivate(
      own, keys: &sender, padding: .none, provider: setup.provider)
    let wire = try MLSMessage(body: .privateMessage(protected)).tlsSerialized()
    var ownReceiver = try setup.freshKeys()
    let again = try Framing.unprotectPrivate(
      try privateMessage(wire, "\(field) (ours)"), keys: &ownReceiver, isMember: { _ in true },
      provider: setup.provider)
    try setup.expectContent(again, expected, "\(field) (ours)")
  }

  static func publicMessage(_ bytes: [UInt8], _ field: String) throws -> PublicMessage {
    guard case .publicMessage(let message) = try MLSMessage(tlsSerialized: bytes).body else {
      throw VectorMismatch("\(field): not a PublicMessage")
    }
    return message
  }

  static func privateMessage(_ bytes: [UInt8], _ field: String) throws -> PrivateMessage {
    guard case .privateMessage(let message) = try MLSMessage(tlsSerialized: bytes).body else {
      throw VectorMismatch("\(field): not a PrivateMessage")
    }
    return message
  }
}
