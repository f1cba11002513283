import MLSCodec
import MLSCrypto

/// A rule of RFC 9420 §7.3 (leaf node validation) that a LeafNode broke. One case per rule.
public enum LeafNodeValidationError: Error, Equatable, Sendable {
  /// `leaf_node_source` is not the one its context requires (codes: 1 key_package, 2 update,
  /// 3 commit).
  case wrongSource(expected: UInt8, actual: UInt8)
  /// The signature over LeafNodeTBS does not verify with `signature_key`.
  case signatureInvalid
  /// The group's cipher suite is unknown to this implementation.
  case unsupportedCipherSuite(CipherSuite)
  /// The leaf's own credential type is missing from its capabilities (§7.2).
  case credentialTypeNotInCapabilities(CredentialType)
  /// The group's cipher suite is missing from the leaf's capabilities (§7.2, §11).
  case cipherSuiteNotInCapabilities(CipherSuite)
  /// The group's protocol version is missing from the leaf's capabilities (§7.2, §11).
  case versionNotInCapabilities(ProtocolVersion)
  /// An extension type the group's required_capabilities lists is not supported (§11.1).
  case missingRequiredExtension(ExtensionType)
  /// A proposal type the group's required_capabilities lists is not supported (§11.1).
  case missingRequiredProposal(ProposalType)
  /// A credential type the group's required_capabilities lists is not supported (§11.1).
  case missingRequiredCredential(CredentialType)
  /// Some member does not list the leaf's credential type in its capabilities.
  case credentialTypeUnsupportedByMembers(CredentialType)
  /// A credential type in use by a member is not in the leaf's capabilities.
  case memberCredentialTypeUnsupported(CredentialType)
  /// A non-default extension in the leaf is not listed in its capabilities.
  case extensionNotInCapabilities(ExtensionType)
  /// The leaf's extensions list the same type twice (§13).
  case duplicateExtension(ExtensionType)
  /// The clock is before not_before.
  case lifetimeNotYetValid(notBefore: UInt64, now: UInt64)
  /// The clock is after not_after.
  case lifetimeExpired(notAfter: UInt64, now: UInt64)
  /// not_after - not_before exceeds the application's maximum (§7.2 requires one), or
  /// not_after precedes not_before.
  case lifetimeTooLong(UInt64)
  /// An Update leaf kept the encryption key of the leaf it replaces.
  case encryptionKeyNotUpdated
  /// Another member already uses this signature key.
  case duplicateSignatureKey
  /// Another member already uses this encryption key.
  case duplicateEncryptionKey
  /// The Authentication Service refused the credential (§5.3.1).
  case credentialRejected(CredentialValidationError)
}

/// Where a LeafNode appears, which fixes the source it must have and its signature context.
/// RFC 9420 §7.3.
public enum LeafNodeRole: Sendable {
  /// In a KeyPackage: source key_package, lifetime checked, signed without group context.
  case keyPackage
  /// In an Update proposal from the member at `leafIndex`, replacing `replacing`.
  case update(leafIndex: LeafIndex, replacing: LeafNode)
  /// In a Commit's UpdatePath from `leafIndex`; `replacing` is the committer's previous leaf,
  /// nil for a new member's external commit.
  case commit(leafIndex: LeafIndex, replacing: LeafNode?)
  /// Already in a ratchet tree at `leafIndex` (joining, §12.4.3.1): any source.
  case inTree(leafIndex: LeafIndex)
}

/// Switches for rules that old recorded data or peers cannot meet.
public struct LeafNodeValidationOptions: Hashable, Sendable {
  /// Check lifetimes against the clock. On by default; off only for replays of recorded data
  /// whose KeyPackages have since expired.
  public var checksLifetime: Bool
  /// Also check lifetimes of key_package leaves already in a tree (`.inTree`). Off by default:
  /// a member added long ago who never updated keeps its KeyPackage lifetime, and rejecting the
  /// whole tree for it would lock joiners out (§7.3 only recommends the check on receipt).
  public var checksLifetimeInTree: Bool
  /// The longest not_after - not_before accepted (§7.2: applications MUST define one). nil
  /// accepts any length.
  public var maximumLifetime: UInt64?
  /// Require the group's suite and version in the leaf's capabilities (§7.2: a client lists
  /// every suite it supports). On by default.
  public var requiresGroupParametersInCapabilities: Bool

  /// Thirteen weeks: our own twelve-week KeyPackages plus room for peers' skew.
  public static let defaultMaximumLifetime: UInt64 = 13 * 7 * 24 * 3600

  public init(
    checksLifetime: Bool = true, maximumLifetime: UInt64? = Self.defaultMaximumLifetime,
    requiresGroupParametersInCapabilities: Bool = true, checksLifetimeInTree: Bool = false
  ) {
    self.checksLifetime = checksLifetime
    self.checksLifetimeInTree = checksLifetimeInTree
    self.maximumLifetime = maximumLifetime
    self.requiresGroupParametersInCapabilities = requiresGroupParametersInCapabilities
  }
}

/// What a leaf is validated against: the group's parameters and its current members.
/// RFC 9420 §7.3.
///
/// Membership questions are closures so the group layer can answer from its own indexes.
public struct LeafNodeValidationContext: Sendable {
  public var version: ProtocolVersion
  public var cipherSuite: CipherSuite
  public var groupID: [UInt8]
  /// The group's required_capabilities extension, if any (§11.1).
  public var requiredCapabilities: RequiredCapabilities?
  /// The credential types members currently use; the leaf must support each.
  public var credentialTypesInUse: Set<CredentialType>
  /// True when every current member lists the credential type in its capabilities.
  public var allMembersSupportCredentialType: @Sendable (CredentialType) -> Bool
  /// True when a current member has this signature key.
  public var isSignatureKeyInUse: @Sendable ([UInt8]) -> Bool
  /// True when a current member has this encryption key.
  public var isEncryptionKeyInUse: @Sendable ([UInt8]) -> Bool

  public init(
    version: ProtocolVersion = .mls10, cipherSuite: CipherSuite, groupID: [UInt8],
    requiredCapabilities: RequiredCapabilities? = nil,
    credentialTypesInUse: Set<CredentialType> = [],
    allMembersSupportCredentialType: @escaping @Sendable (CredentialType) -> Bool = { _ in true },
    isSignatureKeyInUse: @escaping @Sendable ([UInt8]) -> Bool = { _ in false },
    isEncryptionKeyInUse: @escaping @Sendable ([UInt8]) -> Bool = { _ in false }
  ) {
    self.version = version
    self.cipherSuite = cipherSuite
    self.groupID = groupID
    self.requiredCapabilities = requiredCapabilities
    self.credentialTypesInUse = credentialTypesInUse
    self.allMembersSupportCredentialType = allMembersSupportCredentialType
    self.isSignatureKeyInUse = isSignatureKeyInUse
    self.isEncryptionKeyInUse = isEncryptionKeyInUse
  }

  /// The context of a group given its GroupContext and its members' leaves. Pass the members
  /// other than a leaf being replaced. Throws when the required_capabilities extension is
  /// malformed.
  public init(groupContext: GroupContext, members: [LeafNode]) throws(TLSDecodingError) {
    let required: RequiredCapabilities?
    do {
      required = try groupContext.extensions.payload(RequiredCapabilities.self)
    } catch let error as TLSDecodingError {
      throw error
    } catch {
      throw .invalidValue("required_capabilities")
    }
    let inUse = Set(members.map(\.credential.credentialType))
    // Distinct capability sets only: members mostly share one, and the check runs per Add.
    let supportedSets = Array(Set(members.map { Set($0.capabilities.credentials) }))
    let signatureKeys = Set(members.map(\.signatureKey))
    let encryptionKeys = Set(members.map(\.encryptionKey))
    self.init(
      version: groupContext.version, cipherSuite: groupContext.cipherSuite,
      groupID: groupContext.groupID, requiredCapabilities: required,
      credentialTypesInUse: inUse,
      allMembersSupportCredentialType: { type in supportedSets.allSatisfy { $0.contains(type) } },
      isSignatureKeyInUse: { signatureKeys.contains($0) },
      isEncryptionKeyInUse: { encryptionKeys.contains($0) })
  }
}

/// A LeafNode that passed every rule of RFC 9420 §7.3. Only the validators create one, so group
/// state can demand this type and unchecked leaves cannot reach it.
public struct ValidatedLeafNode: Hashable, Sendable {
  public let leafNode: LeafNode
  /// What the Authentication Service accepted.
  public let identity: AuthenticatedIdentity

  init(leafNode: LeafNode, identity: AuthenticatedIdentity) {
    self.leafNode = leafNode
    self.identity = identity
  }
}

/// Constants shared by generation and validation.
enum LeafNodeRules {
  /// The extension types every client supports without listing them. RFC 9420 §7.2.
  static let defaultExtensionTypes: Set<ExtensionType> = [
    .applicationID, .ratchetTree, .requiredCapabilities, .externalPub, .externalSenders,
  ]

  static func isDefault(_ type: ExtensionType) -> Bool { defaultExtensionTypes.contains(type) }
  static func isDefault(_ type: ProposalType) -> Bool { ProposalType.defaults.contains(type) }

  /// Non-default extensions must be listed in the capabilities; no type may appear twice.
  static func checkExtensions(_ extensions: [Extension], listedIn capabilities: Capabilities)
    -> (duplicate: ExtensionType?, unlisted: ExtensionType?)
  {
    var seen = Set<ExtensionType>()
    for item in extensions {
      guard seen.insert(item.extensionType).inserted else { return (item.extensionType, nil) }
      if !isDefault(item.extensionType), !capabilities.extensions.contains(item.extensionType) {
        return (nil, item.extensionType)
      }
    }
    return (nil, nil)
  }
}

/// Validates LeafNodes against a group. RFC 9420 §7.3.
public struct LeafNodeValidator: Sendable {
  public var authenticationService: any AuthenticationService
  public var clock: any MLSClock
  public var options: LeafNodeValidationOptions

  public init(
    authenticationService: any AuthenticationService, clock: any MLSClock = SystemClock(),
    options: LeafNodeValidationOptions = LeafNodeValidationOptions()
  ) {
    self.authenticationService = authenticationService
    self.clock = clock
    self.options = options
  }

  /// Checks every §7.3 rule for `leaf` in `role`, cheapest first, and returns the validated leaf.
  public func validate(
    _ leaf: LeafNode, as role: LeafNodeRole, in context: LeafNodeValidationContext
  ) throws(LeafNodeValidationError) -> ValidatedLeafNode {
    try validate(leaf, as: role, in: context, signature: .verify)
  }

  /// How `validate` treats the leaf's signature.
  enum SignatureCheck: Sendable {
    /// Verify it in turn.
    case verify
    /// Already verified with this outcome: callers that verify many leaves at once on both
    /// cores (a joiner's tree, §12.4.3.1; a commit's Adds, §12.2) do not pay twice, and an
    /// invalid signature is still reported at its place among the rules.
    case verified(valid: Bool)
  }

  /// Every §7.3 rule, in the order of `validate(_:as:in:)`, the signature as `signature` says.
  func validate(
    _ leaf: LeafNode, as role: LeafNodeRole, in context: LeafNodeValidationContext,
    signature: SignatureCheck
  ) throws(LeafNodeValidationError) -> ValidatedLeafNode {
    try checkSource(leaf, role)
    try checkCapabilities(leaf, context)
    try checkExtensions(leaf)
    if case .inTree = role {
      if options.checksLifetimeInTree { try checkLifetime(leaf) }
    } else {
      try checkLifetime(leaf)
    }
    try checkKeys(leaf, role, context)
    switch signature {
    case .verify: try checkSignature(leaf, role, context)
    case .verified(let valid): guard valid else { throw .signatureInvalid }
    }
    return ValidatedLeafNode(leafNode: leaf, identity: try authenticate(leaf, role))
  }

  /// §7.3: the source matches where the leaf appears.
  private func checkSource(_ leaf: LeafNode, _ role: LeafNodeRole)
    throws(LeafNodeValidationError)
  {
    let expected: UInt8
    switch role {
    case .keyPackage: expected = 1
    case .update: expected = 2
    case .commit: expected = 3
    case .inTree: return
    }
    guard leaf.source.code == expected else {
      throw .wrongSource(expected: expected, actual: leaf.source.code)
    }
  }

  /// §7.2, §7.3, §11.1: the capabilities cover the leaf's credential, the group's parameters,
  /// the required capabilities and the credential types members use.
  private func checkCapabilities(_ leaf: LeafNode, _ context: LeafNodeValidationContext)
    throws(LeafNodeValidationError)
  {
    let capabilities = leaf.capabilities
    let credentialType = leaf.credential.credentialType
    guard capabilities.credentials.contains(credentialType) else {
      throw .credentialTypeNotInCapabilities(credentialType)
    }
    if options.requiresGroupParametersInCapabilities {
      guard capabilities.cipherSuites.contains(context.cipherSuite) else {
        throw .cipherSuiteNotInCapabilities(context.cipherSuite)
      }
      guard capabilities.versions.contains(context.version) else {
        throw .versionNotInCapabilities(context.version)
      }
    }
    if let required = context.requiredCapabilities {
      // Default types are supported by everyone, listed or not (§7.2).
      for type in required.extensionTypes
      where !LeafNodeRules.isDefault(type) && !capabilities.extensions.contains(type) {
        throw .missingRequiredExtension(type)
      }
      for type in required.proposalTypes
      where !LeafNodeRules.isDefault(type) && !capabilities.proposals.contains(type) {
        throw .missingRequiredProposal(type)
      }
      for type in required.credentialTypes where !capabilities.credentials.contains(type) {
        throw .missingRequiredCredential(type)
      }
    }
    guard context.allMembersSupportCredentialType(credentialType) else {
      throw .credentialTypeUnsupportedByMembers(credentialType)
    }
    for type in context.credentialTypesInUse where !capabilities.credentials.contains(type) {
      throw .memberCredentialTypeUnsupported(type)
    }
  }

  /// §7.3, §13: each extension appears once and non-default ones are listed.
  private func checkExtensions(_ leaf: LeafNode) throws(LeafNodeValidationError) {
    let result = LeafNodeRules.checkExtensions(leaf.extensions, listedIn: leaf.capabilities)
    if let duplicate = result.duplicate { throw .duplicateExtension(duplicate) }
    if let unlisted = result.unlisted { throw .extensionNotInCapabilities(unlisted) }
  }

  /// §7.2, §7.3: a KeyPackage leaf's lifetime covers now and is not longer than allowed.
  private func checkLifetime(_ leaf: LeafNode) throws(LeafNodeValidationError) {
    guard options.checksLifetime, let lifetime = leaf.source.lifetime else { return }
    guard lifetime.notAfter >= lifetime.notBefore else { throw .lifetimeTooLong(UInt64.max) }
    let length = lifetime.notAfter - lifetime.notBefore
    if let maximum = options.maximumLifetime, length > maximum { throw .lifetimeTooLong(length) }
    let now = clock.now
    guard now >= lifetime.notBefore else {
      throw .lifetimeNotYetValid(notBefore: lifetime.notBefore, now: now)
    }
    guard now <= lifetime.notAfter else {
      throw .lifetimeExpired(notAfter: lifetime.notAfter, now: now)
    }
  }

  /// §7.3: keys are unique among members; an Update brings a new encryption key. A member's
  /// own replaced leaf does not count as a duplicate of its signature key.
  private func checkKeys(
    _ leaf: LeafNode, _ role: LeafNodeRole, _ context: LeafNodeValidationContext
  ) throws(LeafNodeValidationError) {
    var ownSignatureKey: [UInt8]?
    switch role {
    case .update(_, let replacing):
      guard leaf.encryptionKey != replacing.encryptionKey else { throw .encryptionKeyNotUpdated }
      ownSignatureKey = replacing.signatureKey
    case .commit(_, let replacing):
      ownSignatureKey = replacing?.signatureKey
    case .keyPackage, .inTree:
      break
    }
    if leaf.signatureKey != ownSignatureKey, context.isSignatureKeyInUse(leaf.signatureKey) {
      throw .duplicateSignatureKey
    }
    guard !context.isEncryptionKeyInUse(leaf.encryptionKey) else {
      throw .duplicateEncryptionKey
    }
  }

  /// §7.2: whether the signature over LeafNodeTBS verifies, for leaves pre-verified in bulk.
  static func signatureIsValid(
    _ leaf: LeafNode, as role: LeafNodeRole, groupID: [UInt8], provider: CipherSuiteProvider
  ) -> Bool {
    var leafIndex: LeafIndex?
    switch role {
    case .keyPackage: leafIndex = nil
    case .update(let index, _), .commit(let index, _), .inTree(let index): leafIndex = index
    }
    do {
      try leaf.verifyLeafSignature(provider: provider, groupID: groupID, leafIndex: leafIndex)
      return true
    } catch {
      return false
    }
  }

  /// §7.2: the signature over LeafNodeTBS, with group context for update and commit sources.
  private func checkSignature(
    _ leaf: LeafNode, _ role: LeafNodeRole, _ context: LeafNodeValidationContext
  ) throws(LeafNodeValidationError) {
    let provider: CipherSuiteProvider
    do {
      provider = try CipherSuiteProvider(context.cipherSuite)
    } catch {
      throw .unsupportedCipherSuite(context.cipherSuite)
    }
    var leafIndex: LeafIndex?
    switch role {
    case .keyPackage: leafIndex = nil
    case .update(let index, _), .commit(let index, _), .inTree(let index): leafIndex = index
    }
    do {
      try leaf.verifyLeafSignature(
        provider: provider, groupID: context.groupID, leafIndex: leafIndex)
    } catch {
      throw .signatureInvalid
    }
  }

  /// §5.3.1: the Authentication Service accepts the credential, and a replacement credential
  /// as the successor of the old one.
  private func authenticate(_ leaf: LeafNode, _ role: LeafNodeRole)
    throws(LeafNodeValidationError) -> AuthenticatedIdentity
  {
    do {
      let identity = try authenticationService.validate(
        credential: leaf.credential, signatureKey: leaf.signatureKey)
      var previous: LeafNode?
      switch role {
      case .update(_, let replacing): previous = replacing
      case .commit(_, let replacing): previous = replacing
      case .keyPackage, .inTree: previous = nil
      }
      if let previous, previous.credential != leaf.credential {
        try authenticationService.validateSuccessor(identity, replacing: previous.credential)
      }
      return identity
    } catch {
      throw .credentialRejected(error)
    }
  }
}
