import MLSCodec
import MLSCrypto

/// A committed proposal with the sender that proposed it. RFC 9420 §12.4.
struct ResolvedProposal: Sendable {
  var proposal: Proposal
  var sender: Sender
}

/// The result of applying a proposal list to the tree and GroupContext. RFC 9420 §12.3.
struct AppliedProposals: Sendable {
  var tree: PublicRatchetTree
  var extensions: [Extension]
  /// New members in proposal order, with the leaf each received.
  var added: [(leaf: LeafIndex, keyPackage: ValidatedKeyPackage)] = []
  var pskIDs: [PreSharedKeyID] = []
  var reinit: ReInit?
  var externalInit: ExternalInit?
  /// Leaves replaced by Update proposals, with their new nodes.
  var updated: [(leaf: LeafIndex, node: LeafNode)] = []
  var removed: [LeafIndex] = []
  /// Whether §12.4 requires an UpdatePath for this list.
  var pathRequired: Bool
}

extension GroupState {
  /// Looks up every proposal of a commit: references in this epoch's cache, values attributed
  /// to the committer. RFC 9420 §12.4.
  func resolve(
    _ proposals: [ProposalOrRef], committer: Sender
  ) throws(GroupError) -> [ResolvedProposal] {
    try options.limits.checkCommit(proposals, occupiedLeaves: tree.occupiedLeaves.count)
    var resolved: [ResolvedProposal] = []
    resolved.reserveCapacity(proposals.count)
    for item in proposals {
      switch item {
      case .proposal(let proposal):
        resolved.append(ResolvedProposal(proposal: proposal, sender: committer))
      case .reference(let reference):
        guard case .member = committer else { throw .invalidCommit(.invalidSender) }
        guard let cached = proposalCache.first(where: { $0.reference == reference }) else {
          throw .invalidCommit(.unknownProposalReference)
        }
        resolved.append(ResolvedProposal(proposal: cached.proposal, sender: cached.sender))
      }
    }
    return resolved
  }

  /// The list rules of RFC 9420 §12.2 for a regular commit by `committer`, and the
  /// per-proposal rules of §12.1 that do not depend on the order of application.
  func validateProposalList(
    _ proposals: [ResolvedProposal], committer: LeafIndex
  ) throws(GroupError) {
    var touchedLeaves: Set<UInt32> = []
    var removedLeaves: Set<UInt32> = []
    var pskIDs: [PreSharedKeyID] = []
    var addedSignatureKeys: Set<[UInt8]> = []
    var groupContextExtensionsCount = 0
    var hasReInit = false
    for item in proposals {
      switch item.proposal {
      case .update:
        guard case .member(let sender) = item.sender else {
          throw .invalidProposalList(.updateFromNonMember)
        }
        guard sender != committer else { throw .invalidProposalList(.updateByCommitter) }
        guard touchedLeaves.insert(sender.rawValue).inserted else {
          throw .invalidProposalList(.duplicateUpdateOrRemove(sender.rawValue))
        }
      case .remove(let remove):
        let leaf = remove.removed
        guard tree.math.contains(leaf), tree.leafNode(at: leaf) != nil else {
          throw .invalidProposalList(.removeOfBlankLeaf(leaf.rawValue))
        }
        guard leaf != committer else { throw .invalidProposalList(.removesCommitter) }
        guard touchedLeaves.insert(leaf.rawValue).inserted else {
          throw .invalidProposalList(.duplicateUpdateOrRemove(leaf.rawValue))
        }
        removedLeaves.insert(leaf.rawValue)
      case .add(let add):
        let key = add.keyPackage.leafNode.signatureKey
        guard addedSignatureKeys.insert(key).inserted else {
          throw .invalidProposalList(.duplicateAdd)
        }
      case .preSharedKey(let psk):
        try validatePSKProposal(psk.psk)
        guard !pskIDs.contains(psk.psk) else { throw .invalidProposalList(.duplicatePSK) }
        pskIDs.append(psk.psk)
      case .groupContextExtensions:
        groupContextExtensionsCount += 1
        guard groupContextExtensionsCount == 1 else {
          throw .invalidProposalList(.multipleGroupContextExtensions)
        }
      case .reInit(let reinit):
        guard reinit.version.rawValue >= groupContext.version.rawValue else {
          throw .invalidProposalList(.reinitVersionDowngrade)
        }
        hasReInit = true
      case .externalInit:
        throw .invalidProposalList(.externalInitInRegularCommit)
      }
    }
    if hasReInit, proposals.count > 1 { throw .invalidProposalList(.reinitNotAlone) }
    // An Add of a client already in the group (same signature key) unless it is removed too;
    // counted from the key index, so a commit does not scan every member.
    for key in addedSignatureKeys {
      let inTree = tree.keyIndex.leafCount(signatureKey: key)
      guard inTree > 0 else { continue }
      let removed = removedLeaves.count { tree.leafNode(at: LeafIndex($0))?.signatureKey == key }
      if inTree > removed { throw .invalidProposalList(.addOfExistingMember) }
    }
  }

  /// §12.1.4: nonce length and usage of a PSK proposal outside reinit and branch.
  func validatePSKProposal(_ id: PreSharedKeyID) throws(GroupError) {
    guard id.hasValidNonce(for: provider) else { throw .invalidProposalList(.pskNonceLength) }
    if case .resumption(let usage, _, _) = id.key, usage != .application,
      id != initialResumptionPSK
    {
      throw .invalidProposalList(.pskUsageNotAllowed)
    }
  }

  /// Applies a validated proposal list in the order of RFC 9420 §12.3, validating each Add's
  /// KeyPackage (§10.1) and each Update's leaf (§7.3) against the tree as it then stands.
  func applyProposals(_ proposals: [ResolvedProposal]) throws(GroupError) -> AppliedProposals {
    var extensions = groupContext.extensions
    var pathRequired = proposals.isEmpty
    for item in proposals {
      switch item.proposal {
      case .update, .remove, .externalInit, .groupContextExtensions: pathRequired = true
      case .add, .preSharedKey, .reInit: break
      }
      if case .groupContextExtensions(let body) = item.proposal { extensions = body.extensions }
    }
    var result = AppliedProposals(tree: tree, extensions: extensions, pathRequired: pathRequired)
    for item in proposals {
      guard case .update(let update) = item.proposal, case .member(let sender) = item.sender
      else { continue }
      try validateUpdate(update, sender: sender, tree: result.tree, extensions: extensions)
      try GroupError.wrap { try result.tree.update(sender, with: update.leafNode) }
      result.updated.append((sender, update.leafNode))
    }
    for item in proposals {
      guard case .remove(let remove) = item.proposal else { continue }
      try GroupError.wrap { try result.tree.remove(remove.removed) }
      result.removed.append(remove.removed)
    }
    let prechecks = Self.precheckAdds(proposals, groupID: groupContext.groupID)
    var nextPrecheck = prechecks.makeIterator()
    for item in proposals {
      switch item.proposal {
      case .add(let add):
        // The context (built in O(1) from the tree's key index) is gone before the tree
        // changes, so the Add does not copy the index.
        let validated = try validateKeyPackage(
          add.keyPackage, tree: result.tree, extensions: extensions, precheck: nextPrecheck.next())
        let leaf = result.tree.add(validated.keyPackage.leafNode)
        result.added.append((leaf, validated))
      case .preSharedKey(let psk): result.pskIDs.append(psk.psk)
      case .externalInit(let body): result.externalInit = body
      case .reInit(let body): result.reinit = body
      case .update, .remove, .groupContextExtensions: continue
      }
    }
    if proposals.contains(where: {
      if case .groupContextExtensions = $0.proposal { true } else { false }
    }) {
      try checkGroupContextExtensions(extensions, tree: result.tree)
    }
    return result
  }

  /// The signatures and references of every Add's KeyPackage (§10.1), in proposal order,
  /// computed on both cores: they do not depend on the tree, and a commit creating a group of
  /// N verifies 2N signatures. The rules that do depend on the tree then run in order.
  static func precheckAdds(
    _ proposals: [ResolvedProposal], groupID: [UInt8]
  ) -> [KeyPackageValidator.Precheck] {
    let keyPackages = proposals.compactMap { item -> KeyPackage? in
      if case .add(let add) = item.proposal { add.keyPackage } else { nil }
    }
    return Parallel.map(count: keyPackages.count) { position in
      KeyPackageValidator.precheck(keyPackages[position], groupID: groupID)
    }
  }

  /// §12.1.2, §7.3: an Update's leaf, from a member, replacing that member's leaf.
  func validateUpdate(
    _ update: Update, sender: LeafIndex, tree: PublicRatchetTree, extensions: [Extension]
  ) throws(GroupError) {
    guard let current = tree.leafNode(at: sender) else {
      throw .invalidProposalList(.updateFromNonMember)
    }
    let result = try validateLeafNode(
      update.leafNode, role: .update(leafIndex: sender, replacing: current), tree: tree,
      extensions: extensions)
    if case .failure(let error) = result { throw .invalidProposalList(.invalidUpdateLeaf(error)) }
  }

  /// §12.1.7: every member of the new tree supports the new extensions and the required
  /// capabilities they state.
  func checkGroupContextExtensions(
    _ extensions: [Extension], tree: PublicRatchetTree
  ) throws(GroupError) {
    let required: RequiredCapabilities?
    do {
      required = try extensions.payload(RequiredCapabilities.self)
    } catch {
      throw .invalidProposalList(.unsupportedGroupContextExtensions)
    }
    for index in tree.occupiedLeaves {
      guard let leaf = tree.leafNode(at: index) else { continue }
      for ext in extensions where !defaultExtensionTypes.contains(ext.extensionType.rawValue) {
        guard leaf.capabilities.extensions.contains(ext.extensionType) else {
          throw .invalidProposalList(.unsupportedGroupContextExtensions)
        }
      }
      if let required, !Self.supports(leaf.capabilities, required) {
        throw .invalidProposalList(.unsupportedGroupContextExtensions)
      }
    }
  }

  /// The PSKs of a commit in order, with their secrets. RFC 9420 §8.4, §12.4.2.
  func pskInputs(_ ids: [PreSharedKeyID]) throws(GroupError) -> [PSKInput] {
    var inputs: [PSKInput] = []
    for id in ids {
      guard let psk = lookupPSK(id) else { throw .invalidCommit(.pskUnavailable) }
      inputs.append(PSKInput(id: id, psk: psk))
    }
    return inputs
  }

  /// `psk_secret`, or nil (the zero vector) without PSKs.
  func pskSecret(_ inputs: [PSKInput]) throws(GroupError) -> SecretBytes? {
    guard !inputs.isEmpty else { return nil }
    do {
      return try KeySchedule(provider: provider).pskSecret(inputs)
    } catch {
      throw .keySchedule(error)
    }
  }
}
