import MLSCodec
import MLSCrypto

/// The leaf_node_source a LeafNode must have where it appears. RFC 9420 §7.3.
enum ExpectedLeafSource: Sendable {
  case keyPackage
  case update
  case commit
}

/// Extension types defined by RFC 9420 that a leaf need not list in its capabilities (§7.2).
let defaultExtensionTypes: Set<UInt16> = [1, 2, 3, 4, 5]

extension GroupState {
  /// Validates a LeafNode against the group. RFC 9420 §7.3.
  ///
  /// - Parameters:
  ///   - leafIndex: where the leaf sits (update and commit sources sign it with group id and
  ///     index); nil for KeyPackage leaves.
  ///   - replacing: the leaf this node replaces (its own old keys do not count as duplicates).
  ///   - tree: the tree the leaf is checked against (members' capabilities, unique keys).
  ///   - extensions: the GroupContext extensions in force (required capabilities).
  func validateLeafNode(
    _ leaf: LeafNode, source: ExpectedLeafSource, leafIndex: LeafIndex?, replacing: LeafIndex?,
    tree: PublicRatchetTree, extensions: [Extension]
  ) throws(LeafNodeRule) {
    // Source first: the signature input depends on it.
    switch (source, leaf.source) {
    case (.keyPackage, .keyPackage), (.update, .update), (.commit, .commit): break
    default: throw .source
    }
    do {
      if source == .keyPackage {
        try leaf.verifySignature(groupID: [], leafIndex: LeafIndex(0), provider: provider)
      } else {
        try leaf.verifySignature(
          groupID: groupContext.groupID, leafIndex: leafIndex ?? LeafIndex(0),
          provider: provider)
      }
    } catch {
      throw .signature
    }
    if options.checkLifetimes, let lifetime = leaf.source.lifetime {
      let now = options.clock.now
      guard lifetime.notBefore <= now, now <= lifetime.notAfter else { throw .lifetime }
    }
    try checkCapabilities(leaf, extensions: extensions)
    try checkCredentialSupport(leaf, tree: tree, replacing: replacing)
    try checkUniqueKeys(leaf, tree: tree, replacing: replacing)
  }

  private func checkCapabilities(_ leaf: LeafNode, extensions: [Extension]) throws(LeafNodeRule) {
    let capabilities = leaf.capabilities
    if options.requireGroupSuiteInCapabilities {
      guard capabilities.cipherSuites.contains(groupContext.cipherSuite),
        capabilities.versions.contains(groupContext.version)
      else { throw .suiteOrVersionNotInCapabilities }
    }
    for ext in leaf.extensions where !defaultExtensionTypes.contains(ext.extensionType.rawValue) {
      guard capabilities.extensions.contains(ext.extensionType) else {
        throw .extensionNotInCapabilities
      }
    }
    guard let required = try? extensions.payload(RequiredCapabilities.self) else { return }
    guard Self.supports(capabilities, required) else { throw .requiredCapabilities }
  }

  /// Whether capabilities cover required capabilities; default types count as supported.
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

  private func checkCredentialSupport(
    _ leaf: LeafNode, tree: PublicRatchetTree, replacing: LeafIndex?
  ) throws(LeafNodeRule) {
    let type = leaf.credential.credentialType
    for index in tree.occupiedLeaves where index != replacing {
      guard let member = tree.leafNode(at: index) else { continue }
      guard member.capabilities.credentials.contains(type) else {
        throw .credentialUnsupportedByMembers
      }
      guard leaf.capabilities.credentials.contains(member.credential.credentialType) else {
        throw .memberCredentialUnsupported
      }
    }
  }

  private func checkUniqueKeys(
    _ leaf: LeafNode, tree: PublicRatchetTree, replacing: LeafIndex?
  ) throws(LeafNodeRule) {
    for (offset, node) in tree.nodes.enumerated() {
      guard let node else { continue }
      let index = NodeIndex(UInt32(offset))
      if let replacing, index == replacing.nodeIndex { continue }
      if node.encryptionKey == leaf.encryptionKey { throw .encryptionKeyNotUnique }
      if let member = node.leafNode, member.signatureKey == leaf.signatureKey {
        throw .signatureKeyNotUnique
      }
    }
  }

  /// Validates a KeyPackage for this group. RFC 9420 §10.1.
  func validateKeyPackage(
    _ keyPackage: KeyPackage, tree: PublicRatchetTree, extensions: [Extension]
  ) throws(KeyPackageRule) {
    guard keyPackage.version == groupContext.version else { throw .version }
    guard keyPackage.cipherSuite == groupContext.cipherSuite else { throw .cipherSuite }
    let tbs: [UInt8]
    do {
      tbs = try keyPackage.toBeSigned.tlsSerialized()
    } catch {
      throw .signature
    }
    do {
      try provider.verifyWithLabel(
        publicKey: keyPackage.leafNode.signatureKey, label: "KeyPackageTBS", content: tbs,
        signature: keyPackage.signature)
    } catch {
      throw .signature
    }
    guard keyPackage.initKey != keyPackage.leafNode.encryptionKey else {
      throw .initKeyEqualsEncryptionKey
    }
    do {
      try validateLeafNode(
        keyPackage.leafNode, source: .keyPackage, leafIndex: nil, replacing: nil, tree: tree,
        extensions: extensions)
    } catch {
      throw .leafNode(error)
    }
  }
}
