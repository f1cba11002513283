import MLSCodec
import MLSCrypto

/// A Welcome opened with one KeyPackage's init key: the group secrets and the GroupInfo, before
/// any check of the GroupInfo. RFC 9420 §12.4.3.1.
public struct DecryptedWelcome: Sendable {
  public let groupInfo: GroupInfo
  /// The PSKs the joiner's key schedule includes.
  public let psks: [PreSharedKeyID]
  let joinerSecret: SecretBytes
  let pathSecret: SecretBytes?
  let pskSecret: SecretBytes?
  let provider: CipherSuiteProvider

  /// Checks the GroupInfo signature with the signer's key. RFC 9420 §12.4.3.1.
  public func verifyGroupInfoSignature(publicKey: [UInt8]) throws(GroupError) {
    let tbs = try GroupCodec.encode(groupInfo.toBeSigned, "GroupInfoTBS")
    do {
      try provider.verifyWithLabel(
        publicKey: publicKey, label: "GroupInfoTBS", content: tbs,
        signature: groupInfo.signature)
    } catch {
      throw .invalidWelcome(.invalidGroupInfoSignature)
    }
  }

  /// Runs the joiner's key schedule and checks the GroupInfo's confirmation tag against it.
  /// RFC 9420 §12.4.3.1.
  public func epochSecrets() throws(GroupError) -> EpochSecrets {
    let schedule = KeySchedule(provider: provider)
    let material = try GroupError.wrap {
      try schedule.joinEpoch(
        joinerSecret: joinerSecret, pskSecret: pskSecret, groupContext: groupInfo.groupContext)
    }
    do {
      try ConfirmationTag.verify(
        groupInfo.confirmationTag, provider: provider,
        confirmationKey: material.secrets.confirmationKey,
        confirmedTranscriptHash: groupInfo.groupContext.confirmedTranscriptHash)
    } catch .invalidConfirmationTag {
      throw .invalidWelcome(.confirmationTagMismatch)
    } catch {
      throw .keySchedule(error)
    }
    return material.secrets
  }
}

extension GroupState {
  /// Finds this KeyPackage's entry in a Welcome, decrypts its GroupSecrets and the GroupInfo.
  /// RFC 9420 §12.4.3.1.
  public static func decryptWelcome(
    _ welcome: Welcome, keyPackage: KeyPackage, initPrivateKey: SecretBytes,
    psks: PSKStore = PSKStore()
  ) throws(GroupError) -> DecryptedWelcome {
    guard welcome.cipherSuite == keyPackage.cipherSuite else {
      throw .invalidWelcome(.cipherSuiteMismatch)
    }
    let provider = try GroupError.wrap { try CipherSuiteProvider(welcome.cipherSuite) }
    let reference = try GroupCodec.keyPackageRef(keyPackage, provider: provider)
    guard let entry = welcome.secrets.first(where: { $0.newMember == reference }) else {
      throw .invalidWelcome(.noSecretsForKeyPackage)
    }
    let plaintext = try GroupError.wrap {
      try provider.decryptWithLabel(
        privateKey: initPrivateKey, label: "Welcome", context: welcome.encryptedGroupInfo,
        kemOutput: entry.encryptedGroupSecrets.kemOutput,
        ciphertext: entry.encryptedGroupSecrets.ciphertext)
    }
    let secrets: GroupSecrets
    do {
      secrets = try GroupSecrets(tlsSerialized: plaintext)
    } catch {
      throw .malformed("GroupSecrets")
    }
    let specialPSKs = secrets.psks.filter {
      if case .resumption(let usage, _, _) = $0.key { usage != .application } else { false }
    }
    guard specialPSKs.count <= 1 else { throw .invalidWelcome(.multipleReinitOrBranchPSKs) }
    var inputs: [PSKInput] = []
    for id in secrets.psks {
      guard let psk = psks.lookup(id) else { throw .invalidWelcome(.pskUnavailable) }
      inputs.append(PSKInput(id: id, psk: psk))
    }
    let schedule = KeySchedule(provider: provider)
    let joinerSecret = SecretBytes(secrets.joinerSecret)
    let pskSecret = try GroupError.wrap { inputs.isEmpty ? nil : try schedule.pskSecret(inputs) }
    let welcomeSecret = try GroupError.wrap {
      try schedule.welcomeSecret(joinerSecret: joinerSecret, pskSecret: pskSecret)
    }
    let keyAndNonce = try GroupError.wrap {
      try schedule.welcomeKeyAndNonce(welcomeSecret: welcomeSecret)
    }
    let encodedInfo: [UInt8]
    do {
      encodedInfo = try provider.open(
        key: keyAndNonce.key, nonce: keyAndNonce.nonce, aad: [],
        ciphertext: welcome.encryptedGroupInfo)
    } catch {
      throw .invalidWelcome(.groupInfoDecryptionFailed)
    }
    let groupInfo: GroupInfo
    do {
      groupInfo = try GroupInfo(tlsSerialized: encodedInfo)
    } catch {
      throw .malformed("GroupInfo")
    }
    guard groupInfo.groupContext.cipherSuite == keyPackage.cipherSuite else {
      throw .invalidWelcome(.cipherSuiteMismatch)
    }
    return DecryptedWelcome(
      groupInfo: groupInfo, psks: secrets.psks, joinerSecret: joinerSecret,
      pathSecret: secrets.pathSecret.map { SecretBytes($0.pathSecret) }, pskSecret: pskSecret,
      provider: provider)
  }

  /// Joins a group from a Welcome. RFC 9420 §12.4.3.1.
  ///
  /// Checks, in order: the GroupInfo signature (signer's leaf in the tree), the tree's
  /// integrity (tree hash, parent hashes, unmerged leaves, unique keys, leaf signatures) and
  /// every leaf against §7.3, that the KeyPackage's leaf is in the tree, the path secret's keys,
  /// and the confirmation tag.
  ///
  /// - Parameter ratchetTree: the tree, when the GroupInfo carries no `ratchet_tree` extension.
  public static func join(
    welcome: Welcome, keyPackage: KeyPackage, initPrivateKey: SecretBytes,
    encryptionPrivateKey: SecretBytes, signaturePrivateKey: SecretBytes,
    ratchetTree: RatchetTree? = nil, psks: PSKStore = PSKStore(),
    options: GroupOptions = GroupOptions()
  ) throws(GroupError) -> GroupState {
    let opened = try decryptWelcome(
      welcome, keyPackage: keyPackage, initPrivateKey: initPrivateKey, psks: psks)
    return try join(
      opened: opened, keyPackage: keyPackage, encryptionPrivateKey: encryptionPrivateKey,
      signaturePrivateKey: signaturePrivateKey, ratchetTree: ratchetTree, psks: psks,
      options: options)
  }

  /// `join` from a Welcome already opened with `decryptWelcome` (a ReInit or branch join reads
  /// the PSKs first; opening again would repeat the HPKE decryption and the GroupInfo's).
  static func join(
    opened: DecryptedWelcome, keyPackage: KeyPackage, encryptionPrivateKey: SecretBytes,
    signaturePrivateKey: SecretBytes, ratchetTree: RatchetTree?, psks: PSKStore,
    options: GroupOptions
  ) throws(GroupError) -> GroupState {
    let info = opened.groupInfo
    let provider = opened.provider
    let wireTree: RatchetTree
    if let fromInfo = try? info.extensions.payload(RatchetTree.self) {
      wireTree = fromInfo
    } else if let ratchetTree {
      wireTree = ratchetTree
    } else {
      throw .invalidWelcome(.missingRatchetTree)
    }
    try options.limits.checkTree(nodeCount: wireTree.nodes.count)
    var tree = try GroupError.wrap { try PublicRatchetTree(wireTree) }
    guard tree.math.contains(info.signer), let signer = tree.leafNode(at: info.signer) else {
      throw .invalidWelcome(.signerNotInTree)
    }
    let context = info.groupContext
    // The GroupInfo signature is checked first, on the core that then checks the tree's
    // structure while the others verify the leaves; its failure still wins.
    let signerKey = signer.signatureKey
    let groupInfoCheck: @Sendable () -> GroupError? = {
      do throws(GroupError) {
        try opened.verifyGroupInfoSignature(publicKey: signerKey)
        return nil
      } catch {
        return error
      }
    }
    let earlierFailure: GroupError?
    do {
      earlierFailure = try tree.validate(
        groupID: context.groupID, expectedTreeHash: context.treeHash, provider: provider,
        after: groupInfoCheck)
    } catch {
      throw .invalidWelcome(.invalidTree(error))
    }
    if let earlierFailure { throw earlierFailure }
    // Only a leaf with the KeyPackage's encryption key can equal its leaf; comparing keys first
    // spares copying every leaf out of the tree.
    let ownKey = keyPackage.leafNode.encryptionKey
    guard
      let ownLeaf = tree.occupiedLeaves.first(where: {
        tree.leafEncryptionKey(at: $0) == ownKey && tree.leafNode(at: $0) == keyPackage.leafNode
      })
    else { throw .invalidWelcome(.ownLeafNotFound) }
    var privateTree = TreeKEMPrivateState(leaf: ownLeaf, leafPrivateKey: encryptionPrivateKey)
    if let pathSecret = opened.pathSecret {
      let ancestor = tree.math.commonAncestor(ownLeaf.nodeIndex, info.signer.nodeIndex)
      do {
        _ = try privateTree.installPathSecret(
          pathSecret, at: ancestor, tree: tree, provider: provider)
      } catch {
        throw .invalidWelcome(.pathSecretMismatch)
      }
    }
    do {
      try privateTree.verifyConsistent(with: tree, provider: provider)
    } catch {
      throw .invalidWelcome(.privateKeyMismatch)
    }
    let secrets = try opened.epochSecrets()
    var state = try GroupState(
      joining: info, provider: provider, options: options, tree: tree, privateTree: privateTree,
      signaturePrivateKey: signaturePrivateKey, epochSecrets: secrets)
    state.psks = psks
    state.recordResumptionPSK()
    return state
  }

  /// Every leaf of a joined tree against §7.3.
  ///
  /// One validation context serves all leaves, answered from the tree's key index (built with
  /// the tree), so a tree of n leaves costs O(n), not O(n²), and no key set is built again. The leaves'
  /// signatures are not verified again: the caller validated the tree first
  /// (`PublicRatchetTree.validate`, which checks every leaf signature on both cores). The other
  /// rules (credential checks by the Authentication Service included) are independent per
  /// leaf, so they run in chunks on both cores; the error names the lowest failing leaf, as a
  /// sequential check would.
  ///
  /// No key is "in use" by another leaf here: the caller's `validate` proved every encryption
  /// and signature key of the tree unique (what §7.3 asks of each leaf), so the key index is
  /// not asked again per leaf. Each leaf is read from the tree in the parallel part.
  func validateJoinedLeaves() throws(GroupError) {
    let tree = tree
    let leaves = tree.occupiedLeaves
    // The tree's key index already counts every credential type and capability set.
    let keyIndex = tree.keyIndex
    let inUse = Set(keyIndex.credentialTypes.keys)
    var supportedByAll: Set<CredentialType>?
    for supported in keyIndex.supportedCredentialSets.keys {
      supportedByAll = supportedByAll.map { $0.intersection(supported) } ?? supported
    }
    let required: RequiredCapabilities?
    do {
      required = try groupContext.extensions.payload(RequiredCapabilities.self)
    } catch {
      throw .malformed("required_capabilities")
    }
    let allSupport = supportedByAll ?? []
    let context = LeafNodeValidationContext(
      version: groupContext.version, cipherSuite: groupContext.cipherSuite,
      groupID: groupContext.groupID, requiredCapabilities: required, credentialTypesInUse: inUse,
      allMembersSupportCredentialType: { allSupport.contains($0) },
      isSignatureKeyInUse: { _ in false }, isEncryptionKeyInUse: { _ in false })
    let validator = leafValidator
    let failure = Parallel.firstFailure(count: leaves.count) {
      (position: Int) -> LeafNodeValidationError? in
      let index = leaves[position]
      guard let leaf = tree.leafNode(at: index) else { return nil }
      do throws(LeafNodeValidationError) {
        _ = try validator.validate(
          leaf, as: .inTree(leafIndex: index), in: context, signature: .verified(valid: true))
        return nil
      } catch {
        return error
      }
    }
    if let (position, error) = failure {
      throw .invalidWelcome(.invalidTreeLeaf(leaves[position].rawValue, error))
    }
  }
}

extension GroupState {
  /// The state a joiner builds from a verified GroupInfo: its context and confirmation tag, the
  /// interim transcript hash they imply (§8.2), the epoch's framing keys, and every leaf of the
  /// tree checked against §7.3. Shared by Welcome joins and external joins (§12.4.3).
  ///
  /// `tree` must have passed `PublicRatchetTree.validate` (leaf signatures included).
  init(
    joining info: GroupInfo, provider: CipherSuiteProvider, options: GroupOptions,
    tree: PublicRatchetTree, privateTree: TreeKEMPrivateState, signaturePrivateKey: SecretBytes,
    epochSecrets: EpochSecrets
  ) throws(GroupError) {
    let context = info.groupContext
    let interim = try GroupError.wrap {
      try TranscriptHashes.interim(
        provider: provider, confirmed: context.confirmedTranscriptHash,
        confirmationTag: info.confirmationTag)
    }
    let framingKeys = try GroupError.wrap {
      try FramingKeys(
        groupContext: context, epochSecrets: epochSecrets, leafCount: tree.leafCount,
        configuration: options.secretTree)
    }
    self.init(
      provider: provider, options: options, groupContext: context, tree: tree,
      privateTree: privateTree, signaturePrivateKey: signaturePrivateKey,
      epochSecrets: epochSecrets, framingKeys: framingKeys, interimTranscriptHash: interim,
      confirmationTag: info.confirmationTag)
    try validateJoinedLeaves()
  }
}
