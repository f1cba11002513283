import MLSCodec
import MLSCrypto

/// A rule of RFC 9420 §11.2 (reinitialization) or §11.3 (branching) that a new group, or the
/// Welcome into it, broke.
public enum ResumptionRule: Equatable, Sendable {
  /// The old group was not ended by a ReInit commit, so there is nothing to reinitialise.
  case noReInit
  /// The Welcome carries no resumption PSK of usage reinit or branch.
  case missingResumptionPSK
  /// The resumption PSK has the other special usage (branch for a reinit, or the reverse).
  case wrongUsage(ResumptionPSKUsage)
  /// The resumption PSK names another group than the old one.
  case wrongGroupID
  /// The resumption PSK names another epoch than the one the rule requires (§11.2: the epoch
  /// after the ReInit commit).
  case wrongEpoch(expected: UInt64, received: UInt64)
  /// The new group is not in epoch 1 (§11.2, §11.3).
  case newEpochNotOne(UInt64)
  /// §11.2: version, cipher suite, group id or extensions differ from the ReInit proposal.
  case reinitParametersMismatch
  /// §11.3: the version or cipher suite differs from the parent group's.
  case branchParametersMismatch
  /// §11.3: the branched group reuses the parent's group id.
  case sameGroupID
  /// §11.2, §11.3: a member of the new group matches no member of the old one (the value is
  /// its position among the new group's members, in leaf order, the creator first).
  case unknownMember(UInt32)
}

/// A group created by reinitialization or branching, in epoch 1, with the Welcome for the other
/// members. RFC 9420 §11.2, §11.3.
public struct ResumedGroup: Sendable {
  /// The creator's state in epoch 1 of the new group (its initial commit already merged: in
  /// epoch 0 it was the only member, so no one else processes that commit).
  public let group: GroupState
  /// The Welcome for every other member of the new group.
  public let welcome: MLSMessage
  /// The resumption PSK id the Welcome names.
  public let resumptionPSKID: PreSharedKeyID?
}

extension GroupState {
  /// Step 3 of RFC 9420 §11.2: creates the group that the ReInit which ended this group
  /// describes, with the same members (one fresh KeyPackage each, in the new suite), and a
  /// resumption PSK of usage reinit from this group's last epoch.
  ///
  /// Any member of the old group may do this, not only the ReInit's committer, so a group does
  /// not stay stuck when the committer goes offline (§11.2).
  ///
  /// - Parameters:
  ///   - creator: this member's KeyPackage for the new group and its private keys.
  ///   - signaturePrivateKey: the key of `creator`'s leaf.
  ///   - keyPackages: the other members' new KeyPackages; each must present the identity of a
  ///     member of this group.
  public func reinitialize(
    creator: KeyPackageBundle, signaturePrivateKey: SecretBytes, keyPackages: [KeyPackage],
    options: GroupOptions? = nil
  ) throws(GroupError) -> ResumedGroup {
    guard let reinit = pendingReInit else { throw .invalidResumption(.noReInit) }
    let pskID = PreSharedKeyID(
      key: .resumption(usage: .reinit, pskGroupID: groupID, pskEpoch: epoch),
      pskNonce: try Self.freshNonce(for: reinit.cipherSuite))
    try checkResumedMembers(
      [creator.keyPackage.leafNode] + keyPackages.map(\.leafNode), tree: tree)
    return try Self.startResumedGroup(
      ResumptionParameters(
        groupID: reinit.groupID, version: reinit.version, cipherSuite: reinit.cipherSuite,
        extensions: reinit.extensions),
      creator: creator, signaturePrivateKey: signaturePrivateKey, keyPackages: keyPackages,
      injecting: pskID, psk: resumptionPSK, options: options ?? self.options)
  }

  /// Joins the group that reinitialises `previous` (§11.2), from its Welcome.
  ///
  /// On top of the checks of an ordinary Welcome join (§12.4.3.1), requires: exactly one
  /// resumption PSK of usage reinit, naming `previous`'s group and its last epoch (the one the
  /// ReInit commit started); version, suite, group id and extensions equal to the ReInit's;
  /// epoch 1; and every member of the new group presenting the identity of a member of
  /// `previous`.
  public static func joinReInit(
    welcome: Welcome, previous: GroupState, keyPackage: KeyPackage,
    initPrivateKey: SecretBytes, encryptionPrivateKey: SecretBytes,
    signaturePrivateKey: SecretBytes, ratchetTree: RatchetTree? = nil,
    psks: PSKStore = PSKStore(), options: GroupOptions? = nil
  ) throws(GroupError) -> GroupState {
    guard let reinit = previous.pendingReInit else { throw .invalidResumption(.noReInit) }
    let store = previous.resumptionStore(merging: psks)
    let opened = try decryptWelcome(
      welcome, keyPackage: keyPackage, initPrivateKey: initPrivateKey, psks: store)
    let special = try resumptionPSK(in: opened.psks, usage: .reinit)
    guard case .resumption(_, let pskGroupID, let pskEpoch) = special.key else {
      throw .invalidResumption(.missingResumptionPSK)
    }
    guard pskGroupID == previous.groupID else { throw .invalidResumption(.wrongGroupID) }
    guard pskEpoch == previous.epoch else {
      throw .invalidResumption(.wrongEpoch(expected: previous.epoch, received: pskEpoch))
    }
    let context = opened.groupInfo.groupContext
    guard context.epoch == 1 else { throw .invalidResumption(.newEpochNotOne(context.epoch)) }
    guard context.version == reinit.version, context.cipherSuite == reinit.cipherSuite,
      context.groupID == reinit.groupID, context.extensions == reinit.extensions
    else { throw .invalidResumption(.reinitParametersMismatch) }
    return try joinResumed(
      opened, from: previous, keyPackage: keyPackage, encryptionPrivateKey: encryptionPrivateKey,
      signaturePrivateKey: signaturePrivateKey, ratchetTree: ratchetTree, psks: store,
      options: options)
  }

  // MARK: - Shared by reinitialization and branching

  /// The ordinary join (§12.4.3.1) of a Welcome opened once, then the resumption rule that
  /// every member of the new group presents the identity of a member of `previous` (§11).
  static func joinResumed(
    _ opened: DecryptedWelcome, from previous: GroupState, keyPackage: KeyPackage,
    encryptionPrivateKey: SecretBytes, signaturePrivateKey: SecretBytes,
    ratchetTree: RatchetTree?, psks: PSKStore, options: GroupOptions?
  ) throws(GroupError) -> GroupState {
    let joined = try join(
      opened: opened, keyPackage: keyPackage, encryptionPrivateKey: encryptionPrivateKey,
      signaturePrivateKey: signaturePrivateKey, ratchetTree: ratchetTree, psks: psks,
      options: options ?? previous.options)
    try previous.checkResumedMembers(joined.members.map(\.leaf), tree: previous.tree)
    return joined
  }

  /// The fields of the new GroupContext that a resumption fixes.
  struct ResumptionParameters {
    var groupID: [UInt8]
    var version: ProtocolVersion
    var cipherSuite: CipherSuite
    var extensions: [Extension]
  }

  /// Creates a group and its initial commit: Adds of `keyPackages` and, when `pskID` is given,
  /// a PreSharedKey proposal injecting it (with the secret `psk`). Returns the creator's state after that commit and
  /// the Welcome. RFC 9420 §11, §11.2, §11.3.
  ///
  /// `emptyEpochs` empty commits come first; only tests set it, to produce a Welcome of an
  /// epoch other than 1.
  static func startResumedGroup(
    _ parameters: ResumptionParameters, creator: KeyPackageBundle,
    signaturePrivateKey: SecretBytes, keyPackages: [KeyPackage], injecting pskID: PreSharedKeyID?,
    psk: SecretBytes, options: GroupOptions, emptyEpochs: Int = 0
  ) throws(GroupError) -> ResumedGroup {
    guard parameters.version == .mls10 else {
      throw .unsupportedVersion(parameters.version.rawValue)
    }
    guard creator.keyPackage.cipherSuite == parameters.cipherSuite else {
      throw .invalidResumption(.reinitParametersMismatch)
    }
    var group = try create(
      groupID: parameters.groupID, cipherSuite: parameters.cipherSuite,
      leafNode: creator.keyPackage.leafNode, encryptionPrivateKey: creator.encryptionPrivateKey,
      signaturePrivateKey: signaturePrivateKey, extensions: parameters.extensions,
      options: options)
    if case .resumption(_, let pskGroupID, let pskEpoch)? = pskID?.key {
      group.psks.addResumption(groupID: pskGroupID, epoch: pskEpoch, psk: psk)
    }
    for _ in 0..<max(0, emptyEpochs) {
      _ = try group.commit(forcePath: true)
      try group.mergePendingCommit()
    }
    var proposals = keyPackages.map { Proposal.add(Add(keyPackage: $0)) }
    if let pskID {
      group.initialResumptionPSK = pskID
      proposals.append(.preSharedKey(PreSharedKey(psk: pskID)))
    }
    let output: CommitOutput
    do {
      output = try group.commit(proposals: proposals)
      try group.mergePendingCommit()
    } catch {
      group.initialResumptionPSK = nil
      throw error
    }
    group.initialResumptionPSK = nil
    guard let welcome = output.welcome else { throw .invalidArgument("no members to welcome") }
    return ResumedGroup(group: group, welcome: welcome, resumptionPSKID: pskID)
  }

  /// A fresh `psk_nonce` of `KDF.Nh` bytes of the suite of the group the PSK goes into (§8.4).
  static func freshNonce(for suite: CipherSuite) throws(GroupError) -> [UInt8] {
    try GroupError.wrap {
      let provider = try CipherSuiteProvider(suite)
      return try SecureRandom.bytes(provider.hashLength)
    }
  }

  /// The PSK store of a joiner: `extra` plus every resumption PSK this group still keeps.
  func resumptionStore(merging extra: PSKStore) -> PSKStore {
    var store = extra
    for (pastEpoch, psk) in resumptionPSKs {
      store.addResumption(groupID: groupID, epoch: pastEpoch, psk: psk)
    }
    return store
  }

  /// The single resumption PSK of usage reinit or branch among `ids`, which must have `usage`.
  /// RFC 9420 §12.4.3.1 (at most one such PSK), §11.2, §11.3.
  static func resumptionPSK(
    in ids: [PreSharedKeyID], usage: ResumptionPSKUsage
  ) throws(GroupError) -> PreSharedKeyID {
    let special = ids.filter {
      if case .resumption(let found, _, _) = $0.key { found != .application } else { false }
    }
    guard special.count <= 1 else { throw .invalidWelcome(.multipleReinitOrBranchPSKs) }
    guard let only = special.first, case .resumption(let found, _, _) = only.key else {
      throw .invalidResumption(.missingResumptionPSK)
    }
    guard found == usage else { throw .invalidResumption(.wrongUsage(found)) }
    return only
  }

  /// Every leaf of the new group presents the identity of some member of `tree` (this group's
  /// tree), as the Authentication Service reads identities. RFC 9420 §11.2 ("the same
  /// membership"), §11.3 ("each LeafNode ... MUST match some LeafNode in the original group").
  func checkResumedMembers(_ leaves: [LeafNode], tree: PublicRatchetTree) throws(GroupError) {
    let service = options.authenticationService
    var known: Set<[UInt8]> = []
    for index in tree.occupiedLeaves {
      guard let leaf = tree.leafNode(at: index),
        let identity = try? service.presentedIdentity(of: leaf.credential)
      else { continue }
      known.insert(identity)
    }
    for (position, leaf) in leaves.enumerated() {
      guard let identity = try? service.presentedIdentity(of: leaf.credential),
        known.contains(identity)
      else { throw .invalidResumption(.unknownMember(UInt32(truncatingIfNeeded: position))) }
    }
  }
}
