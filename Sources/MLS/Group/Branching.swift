import MLSCodec
import MLSCrypto

extension GroupState {
  /// Starts a subgroup of this group's members. RFC 9420 §11.3.
  ///
  /// The new group keeps this group's version and cipher suite, takes a new group id, and its
  /// initial commit adds `keyPackages` (fresh KeyPackages of members of this group) with a
  /// PreSharedKey of type resumption, usage branch, naming this group's current epoch and a
  /// fresh random nonce, so the subgroup inherits this epoch's entropy and no key is reused.
  ///
  /// - Parameters:
  ///   - groupID: the subgroup's id; it must differ from this group's.
  ///   - creator: this member's KeyPackage for the subgroup and its private keys.
  ///   - signaturePrivateKey: the key of `creator`'s leaf.
  ///   - extensions: the subgroup's GroupContext extensions.
  public func branch(
    groupID newGroupID: [UInt8], creator: KeyPackageBundle, signaturePrivateKey: SecretBytes,
    keyPackages: [KeyPackage], extensions: [Extension] = [], options: GroupOptions? = nil
  ) throws(GroupError) -> ResumedGroup {
    guard isActive else { throw .notActive }
    guard newGroupID != groupID else { throw .invalidResumption(.sameGroupID) }
    let pskID = PreSharedKeyID(
      key: .resumption(usage: .branch, pskGroupID: groupID, pskEpoch: epoch),
      pskNonce: try Self.freshNonce(for: cipherSuite))
    try checkResumedMembers(
      [creator.keyPackage.leafNode] + keyPackages.map(\.leafNode), tree: tree)
    guard creator.keyPackage.cipherSuite == cipherSuite else {
      throw .invalidResumption(.branchParametersMismatch)
    }
    return try Self.startResumedGroup(
      ResumptionParameters(
        groupID: newGroupID, version: groupContext.version, cipherSuite: cipherSuite,
        extensions: extensions),
      creator: creator, signaturePrivateKey: signaturePrivateKey, keyPackages: keyPackages,
      injecting: pskID, psk: resumptionPSK, options: options ?? self.options)
  }

  /// Joins a subgroup branched from `parent` (§11.3), from its Welcome.
  ///
  /// On top of the checks of an ordinary Welcome join (§12.4.3.1), requires: exactly one
  /// resumption PSK of usage branch, naming `parent`'s group at an epoch whose resumption PSK
  /// `parent` still keeps (§8.6); the parent's version and cipher suite; another group id;
  /// epoch 1; and every member of the subgroup presenting the identity of a member of `parent`.
  public static func joinBranch(
    welcome: Welcome, parent: GroupState, keyPackage: KeyPackage, initPrivateKey: SecretBytes,
    encryptionPrivateKey: SecretBytes, signaturePrivateKey: SecretBytes,
    ratchetTree: RatchetTree? = nil, psks: PSKStore = PSKStore(), options: GroupOptions? = nil
  ) throws(GroupError) -> GroupState {
    let store = parent.resumptionStore(merging: psks)
    let opened = try decryptWelcome(
      welcome, keyPackage: keyPackage, initPrivateKey: initPrivateKey, psks: store)
    let special = try resumptionPSK(in: opened.psks, usage: .branch)
    guard case .resumption(_, let pskGroupID, _) = special.key else {
      throw .invalidResumption(.missingResumptionPSK)
    }
    guard pskGroupID == parent.groupID else { throw .invalidResumption(.wrongGroupID) }
    let context = opened.groupInfo.groupContext
    guard context.epoch == 1 else { throw .invalidResumption(.newEpochNotOne(context.epoch)) }
    guard context.version == parent.groupContext.version,
      context.cipherSuite == parent.cipherSuite
    else { throw .invalidResumption(.branchParametersMismatch) }
    guard context.groupID != parent.groupID else { throw .invalidResumption(.sameGroupID) }
    return try joinResumed(
      opened, from: parent, keyPackage: keyPackage, encryptionPrivateKey: encryptionPrivateKey,
      signaturePrivateKey: signaturePrivateKey, ratchetTree: ratchetTree, psks: store,
      options: options)
  }
}
