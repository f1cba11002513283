import MLSCodec
import MLSCrypto

/// A proposal received (or sent) in the current epoch, kept for commits by reference.
/// RFC 9420 §12.4.
struct CachedProposal: Sendable {
  /// `ProposalRef`: RefHash("MLS 1.0 Proposal Reference", AuthenticatedContent) (§5.2).
  var reference: [UInt8]
  var proposal: Proposal
  var sender: Sender
}

/// One member's view of a group in one epoch. RFC 9420 §8, §11, §12.
///
/// A value type: every operation that starts a new epoch computes the complete next state
/// first (`StagedCommit`) and replaces this one only on `merge`, so a rejected message leaves
/// the state exactly as it was.
public struct GroupState: Sendable {
  public let provider: CipherSuiteProvider
  public internal(set) var options: GroupOptions
  /// The GroupContext of the current epoch (§8.1).
  public internal(set) var groupContext: GroupContext
  /// The public ratchet tree (§7).
  public internal(set) var tree: PublicRatchetTree
  /// The private keys this member holds for its leaf and direct path (§7.4).
  var privateTree: TreeKEMPrivateState
  var signaturePrivateKey: SecretBytes
  var epochSecrets: EpochSecrets
  var framingKeys: FramingKeys
  /// `interim_transcript_hash` of the current epoch (§8.2).
  public internal(set) var interimTranscriptHash: [UInt8]
  /// The confirmation tag of the commit that started the epoch, for GroupInfos (§12.4.3).
  public internal(set) var confirmationTag: [UInt8]
  /// Proposals of this epoch in the order received (§12.4).
  var proposalCache: [CachedProposal] = []
  /// Resumption PSKs of this and past epochs, by epoch (§8.6), bounded by the options.
  var resumptionPSKs: [UInt64: SecretBytes] = [:]
  /// PSKs registered by the application (§8.4).
  public var psks: PSKStore = PSKStore()
  /// Private keys of own Update proposals of this epoch, by encryption key (§12.1.2).
  var pendingUpdateKeys: [[UInt8]: SecretBytes] = [:]
  /// Message keys of past epochs kept for late application messages, by epoch (§9.2); empty
  /// unless `options.pastEpochRetention` > 0.
  var retainedEpochs: [UInt64: RetainedEpoch] = [:]
  /// The own commit waiting for the delivery service (§12.4.1).
  var pendingCommit: PendingCommit?
  /// False once a commit removed this member or reinitialised the group (§12.4.2).
  public internal(set) var isActive = true
  /// The ReInit of the commit that ended this group: wait for the Welcome to the new group
  /// (§11.2, §12.4.2).
  public internal(set) var pendingReInit: ReInit?
  /// The one resumption PSK of usage reinit or branch that the creator of a reinitialised or
  /// branched group may inject in its initial commit (§11.2, §11.3); nil everywhere else.
  var initialResumptionPSK: PreSharedKeyID?

  /// The current epoch.
  public var epoch: UInt64 { groupContext.epoch }
  public var groupID: [UInt8] { groupContext.groupID }
  public var cipherSuite: CipherSuite { groupContext.cipherSuite }
  /// This member's leaf.
  public var ownLeafIndex: LeafIndex { privateTree.leaf }
  /// Whether an own commit waits for `mergePendingCommit` or `discardPendingCommit`.
  public var hasPendingCommit: Bool { pendingCommit != nil }

  /// `epoch_authenticator` (§8.7): compare out of band to confirm members share the epoch.
  public var epochAuthenticator: SecretBytes { epochSecrets.epochAuthenticator }

  /// The current epoch's resumption PSK (§8.6).
  public var resumptionPSK: SecretBytes { epochSecrets.resumptionPSK }

  /// `MLS-Exporter(label, context, length)`. RFC 9420 §8.5.
  public func exporter(
    label: String, context: [UInt8], length: Int
  ) throws(GroupError) -> SecretBytes {
    guard length >= 0, length <= 0xFFFF else { throw .invalidArgument("exporter length") }
    do {
      return try epochSecrets.exporter(label: label, context: context, length: length)
    } catch {
      throw .keySchedule(error)
    }
  }

  /// The members' leaves, by index.
  public var members: [(index: LeafIndex, leaf: LeafNode)] {
    tree.occupiedLeaves.compactMap { index in tree.leafNode(at: index).map { (index, $0) } }
  }

  /// What the secret tree of this epoch holds: node secrets and sender ratchets (handshake and
  /// application). RFC 9420 §9: both are derived on demand, so a new epoch holds one node
  /// secret and no ratchet whatever the group size; for memory accounting.
  public var secretTreeHeld: (nodeSecrets: Int, ratchets: Int) {
    let tree = framingKeys.secretTree
    return (tree.heldNodeSecretCount, tree.handshakeRatchets.count + tree.applicationRatchets.count)
  }

  /// Proposals received in this epoch and not yet committed, in order.
  public var pendingProposals: [Proposal] { proposalCache.map(\.proposal) }

  /// The resumption PSK of a past epoch of this group, if still kept (§8.6).
  func resumptionPSK(epoch: UInt64) -> SecretBytes? { resumptionPSKs[epoch] }

  /// Finds a PSK: resumption PSKs of this group come from the history. RFC 9420 §8.4.
  func lookupPSK(_ id: PreSharedKeyID) -> SecretBytes? {
    if case .resumption(_, let groupID, let epoch) = id.key, groupID == groupContext.groupID {
      return resumptionPSKs[epoch]
    }
    return psks.lookup(id)
  }
}

/// Encoding helpers shared by the group files.
enum GroupCodec {
  static func encode<T: TLSEncodable>(_ value: T, _ name: String) throws(GroupError) -> [UInt8] {
    do {
      return try value.tlsSerialized()
    } catch {
      throw .malformed(name)
    }
  }

  /// `ConfirmedTranscriptHashInput`: wire_format, FramedContent, signature. RFC 9420 §8.2.
  static func confirmedTranscriptInput(
    wireFormat: WireFormat, content: FramedContent, signature: [UInt8]
  ) throws(GroupError) -> [UInt8] {
    try confirmedTranscriptInput(
      wireFormat: wireFormat, encodedContent: encode(content, "FramedContent"),
      signature: signature)
  }

  /// The same from the FramedContent's encoding, made once per received commit.
  static func confirmedTranscriptInput(
    wireFormat: WireFormat, encodedContent: [UInt8], signature: [UInt8]
  ) throws(GroupError) -> [UInt8] {
    var writer = TLSWriter(reservingCapacity: encodedContent.count + signature.count + 8)
    do {
      try writer.write(wireFormat)
      writer.writeRaw(encodedContent)
      try writer.writeOpaque(signature)
    } catch {
      throw .malformed("ConfirmedTranscriptHashInput")
    }
    return writer.bytes
  }

  /// `RefHash("MLS 1.0 Proposal Reference", AuthenticatedContent)`. RFC 9420 §5.2.
  static func proposalRef(
    _ authenticated: AuthenticatedContent, provider: CipherSuiteProvider
  ) throws(GroupError) -> [UInt8] {
    let encoded = try encode(authenticated, "AuthenticatedContent")
    do {
      return try provider.refHash(label: "MLS 1.0 Proposal Reference", value: encoded)
    } catch {
      throw .crypto(error)
    }
  }

  /// `RefHash("MLS 1.0 KeyPackage Reference", KeyPackage)`. RFC 9420 §5.2.
  static func keyPackageRef(
    _ keyPackage: KeyPackage, provider: CipherSuiteProvider
  ) throws(GroupError) -> [UInt8] {
    let encoded = try encode(keyPackage, "KeyPackage")
    do {
      return try provider.refHash(label: "MLS 1.0 KeyPackage Reference", value: encoded)
    } catch {
      throw .crypto(error)
    }
  }
}
