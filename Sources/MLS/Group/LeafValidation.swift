import MLSCodec
import MLSCrypto

extension GroupState {
  /// The §7.3 validator configured from the group's options (clock, authentication service,
  /// lifetime and capability switches).
  var leafValidator: LeafNodeValidator {
    LeafNodeValidator(
      authenticationService: options.authenticationService, clock: options.clock,
      options: LeafNodeValidationOptions(
        checksLifetime: options.checkLifetimes, maximumLifetime: options.maximumLifetime,
        requiresGroupParametersInCapabilities: options.requireGroupSuiteInCapabilities,
        checksLifetimeInTree: options.checkLifetimes && options.checkLifetimesInTree))
  }

  /// What a leaf is checked against: this group's parameters with `extensions` (the new ones
  /// when a GroupContextExtensions proposal is in the same commit, §12.3) and the members of
  /// `tree` other than `excluding` (the leaf being replaced). RFC 9420 §7.3.
  ///
  /// Answered from the tree's key index (`TreeKeyIndex`) minus the excluded leaf, in time
  /// independent of the group size: building sets from every member made each commit O(N).
  /// The context holds the index; let it go before mutating the tree, or the mutation copies
  /// the index.
  func validationContext(
    tree: PublicRatchetTree, extensions: [Extension], excluding: LeafIndex?
  ) throws(GroupError) -> LeafNodeValidationContext {
    let required: RequiredCapabilities?
    do {
      required = try extensions.payload(RequiredCapabilities.self)
    } catch {
      throw .invalidProposalList(.unsupportedGroupContextExtensions)
    }
    let excluded = excluding.flatMap { tree.leafNode(at: $0) }
    let index = tree.keyIndex
    let excludedType = excluded?.credential.credentialType
    let inUse = Set(
      index.credentialTypes.compactMap { type, count in
        count - (type == excludedType ? 1 : 0) > 0 ? type : nil
      })
    let excludedSet = excluded.map { Set($0.capabilities.credentials) }
    let supportedSets = index.supportedCredentialSets.compactMap { set, count in
      count - (set == excludedSet ? 1 : 0) > 0 ? set : nil
    }
    let excludedSignatureKey = excluded?.signatureKey
    let excludedEncryptionKey = excluded?.encryptionKey
    return LeafNodeValidationContext(
      version: groupContext.version, cipherSuite: groupContext.cipherSuite,
      groupID: groupContext.groupID, requiredCapabilities: required,
      credentialTypesInUse: inUse,
      allMembersSupportCredentialType: { type in supportedSets.allSatisfy { $0.contains(type) } },
      isSignatureKeyInUse: { key in
        index.leafCount(signatureKey: key) - (key == excludedSignatureKey ? 1 : 0) > 0
      },
      isEncryptionKeyInUse: { key in
        index.leafCount(encryptionKey: key) - (key == excludedEncryptionKey ? 1 : 0) > 0
      })
  }

  /// Validates a LeafNode in `role` against `tree` (§7.3), with the RFC's own error per rule.
  func validateLeafNode(
    _ leaf: LeafNode, role: LeafNodeRole, tree: PublicRatchetTree, extensions: [Extension]
  ) throws(GroupError) -> Result<ValidatedLeafNode, LeafNodeValidationError> {
    var excluding: LeafIndex?
    switch role {
    case .update(let index, _), .commit(let index, _), .inTree(let index): excluding = index
    case .keyPackage: excluding = nil
    }
    let context = try validationContext(tree: tree, extensions: extensions, excluding: excluding)
    do {
      return .success(try leafValidator.validate(leaf, as: role, in: context))
    } catch {
      return .failure(error)
    }
  }

  /// Validates a KeyPackage for this group (§10.1); the result is the only form an Add's
  /// KeyPackage takes into the tree. `precheck`, when given, holds its signatures' outcomes and
  /// reference, computed for this group beforehand (see `KeyPackageValidator.Precheck`).
  func validateKeyPackage(
    _ keyPackage: KeyPackage, tree: PublicRatchetTree, extensions: [Extension],
    precheck: KeyPackageValidator.Precheck? = nil
  ) throws(GroupError) -> ValidatedKeyPackage {
    let context = try validationContext(tree: tree, extensions: extensions, excluding: nil)
    do {
      return try KeyPackageValidator(
        authenticationService: options.authenticationService, clock: options.clock,
        options: leafValidator.options
      ).validate(keyPackage, in: context, precheck: precheck)
    } catch {
      throw .invalidProposalList(.invalidKeyPackage(error))
    }
  }

  /// Whether capabilities cover required capabilities; default types count as supported
  /// (§7.2, §11.1).
  static func supports(_ capabilities: Capabilities, _ required: RequiredCapabilities) -> Bool {
    let extensionsOK = required.extensionTypes.allSatisfy {
      defaultExtensionTypes.contains($0.rawValue) || capabilities.extensions.contains($0)
    }
    let proposalsOK = required.proposalTypes.allSatisfy {
      ProposalType.defaults.contains($0) || capabilities.proposals.contains($0)
    }
    let credentialsOK = required.credentialTypes.allSatisfy {
      capabilities.credentials.contains($0)
    }
    return extensionsOK && proposalsOK && credentialsOK
  }
}

/// Extension types defined by RFC 9420 that a leaf need not list in its capabilities (§7.2).
let defaultExtensionTypes: Set<UInt16> = [1, 2, 3, 4, 5]
