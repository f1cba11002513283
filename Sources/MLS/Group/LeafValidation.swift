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
  func validationContext(
    tree: PublicRatchetTree, extensions: [Extension], excluding: LeafIndex?
  ) throws(GroupError) -> LeafNodeValidationContext {
    var context = groupContext
    context.extensions = extensions
    let members = tree.occupiedLeaves.compactMap { index in
      index == excluding ? nil : tree.leafNode(at: index)
    }
    do {
      return try LeafNodeValidationContext(groupContext: context, members: members)
    } catch {
      throw .invalidProposalList(.unsupportedGroupContextExtensions)
    }
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
  /// KeyPackage takes into the tree.
  func validateKeyPackage(
    _ keyPackage: KeyPackage, tree: PublicRatchetTree, extensions: [Extension]
  ) throws(GroupError) -> ValidatedKeyPackage {
    let context = try validationContext(tree: tree, extensions: extensions, excluding: nil)
    do {
      return try KeyPackageValidator(
        authenticationService: options.authenticationService, clock: options.clock,
        options: leafValidator.options
      ).validate(keyPackage, in: context)
    } catch {
      throw .invalidProposalList(.invalidKeyPackage(error))
    }
  }

  /// Validates a KeyPackage against a prepared context (see `AddValidationContext`).
  func validateKeyPackage(
    _ keyPackage: KeyPackage, context: LeafNodeValidationContext
  ) throws(GroupError) -> ValidatedKeyPackage {
    do {
      return try KeyPackageValidator(
        authenticationService: options.authenticationService, clock: options.clock,
        options: leafValidator.options
      ).validate(keyPackage, in: context)
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

/// The §7.3 context for the Adds of one commit, each validated against the tree as it stands
/// after the previous ones (§12.3). The context is built from the tree once, and the keys of
/// each added leaf join it afterwards: rebuilding it from the whole tree per Add made a batch
/// add of N members O(N^2). When an added leaf brings a credential type not yet in use, the
/// credential rules change for everyone, so the context is rebuilt from the tree.
struct AddValidationContext {
  /// The keys of leaves added since the context was built. Only read by the context's
  /// closures during the synchronous validation of one KeyPackage, and written between two.
  private final class AddedKeys: @unchecked Sendable {
    var signatureKeys: Set<[UInt8]> = []
    var encryptionKeys: Set<[UInt8]> = []
  }

  private var context: LeafNodeValidationContext?
  private var added = AddedKeys()

  /// The context for the next Add into `tree`.
  mutating func current(
    _ state: GroupState, tree: PublicRatchetTree, extensions: [Extension]
  ) throws(GroupError) -> LeafNodeValidationContext {
    if let context { return context }
    var fresh = try state.validationContext(tree: tree, extensions: extensions, excluding: nil)
    let keys = AddedKeys()
    let signatureInTree = fresh.isSignatureKeyInUse
    let encryptionInTree = fresh.isEncryptionKeyInUse
    fresh.isSignatureKeyInUse = { signatureInTree($0) || keys.signatureKeys.contains($0) }
    fresh.isEncryptionKeyInUse = { encryptionInTree($0) || keys.encryptionKeys.contains($0) }
    context = fresh
    added = keys
    return fresh
  }

  /// Records a leaf just added to the tree.
  mutating func didAdd(_ leaf: LeafNode) {
    guard let context, context.credentialTypesInUse.contains(leaf.credential.credentialType) else {
      context = nil
      return
    }
    added.signatureKeys.insert(leaf.signatureKey)
    added.encryptionKeys.insert(leaf.encryptionKey)
  }
}
