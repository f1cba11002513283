import MLS
import MLSCodec
import MLSCrypto
import Testing

/// Update and commit leaves (RFC 9420 §7.2, §7.3, §12.1.2), made by the helpers the group layer
/// calls, and the role-specific rules of the leaf validator.
@Suite("Leaf nodes for Update and Commit (RFC 9420 §7.3)")
struct KeyPackageLeafNodeTests {
  let fixture: KeyPackageFixture
  let validator = LeafNodeValidator(
    authenticationService: BasicCredentialAuthenticator(), clock: FixedClock(kpNow))
  let index = LeafIndex(5)

  init() throws { fixture = try KeyPackageFixture() }

  var current: LeafNode { fixture.keyPackage.leafNode }

  func rejection(_ body: () throws -> Void) -> LeafNodeValidationError? {
    do {
      try body()
    } catch let error as LeafNodeValidationError {
      return error
    } catch {
      Issue.record("unexpected error \(error)")
      return nil
    }
    Issue.record("expected a LeafNodeValidationError")
    return nil
  }

  @Test func updateLeafIsFreshBoundAndValid() throws {
    let (leaf, privateKey) = try LeafNode.updateLeaf(
      replacing: current, signaturePrivateKey: fixture.signaturePrivateKey,
      provider: fixture.provider, groupID: kpGroupID, leafIndex: index)
    #expect(leaf.source == .update)
    #expect(leaf.encryptionKey != current.encryptionKey)
    #expect(try fixture.provider.kemPublicKey(for: privateKey) == leaf.encryptionKey)
    #expect(leaf.signatureKey == current.signatureKey)
    #expect(leaf.credential == current.credential)
    #expect(leaf.capabilities == current.capabilities)
    // The group treats its own leaf's signature key as in use: the replaced leaf is exempt.
    let key = current.signatureKey
    let context = kpContext { $0.isSignatureKeyInUse = { $0 == key } }
    let validated = try validator.validate(
      leaf, as: .update(leafIndex: index, replacing: current), in: context)
    #expect(validated.leafNode == leaf)
    // The signature binds the group and the position (§7.2).
    try leaf.verifyLeafSignature(provider: fixture.provider, groupID: kpGroupID, leafIndex: index)
    #expect(throws: CryptoError.invalidSignature) {
      try leaf.verifyLeafSignature(
        provider: fixture.provider, groupID: kpGroupID, leafIndex: LeafIndex(6))
    }
    #expect(throws: CryptoError.invalidSignature) {
      try leaf.verifyLeafSignature(provider: fixture.provider, groupID: [0], leafIndex: index)
    }
    #expect(
      rejection {
        _ = try validator.validate(
          leaf, as: .update(leafIndex: LeafIndex(4), replacing: current), in: context)
      } == .signatureInvalid)
  }

  @Test func updateLeafMissingGroupContextCannotBeSignedOrVerified() throws {
    var leaf = current
    leaf.source = .update
    #expect(throws: CryptoError.self) {
      try leaf.signLeaf(privateKey: fixture.signaturePrivateKey, provider: fixture.provider)
    }
    #expect(throws: CryptoError.self) {
      try leaf.verifyLeafSignature(provider: fixture.provider)
    }
  }

  @Test func updateKeepingTheEncryptionKeyIsRejected() throws {
    var leaf = current
    leaf.source = .update
    try leaf.signLeaf(
      privateKey: fixture.signaturePrivateKey, provider: fixture.provider, groupID: kpGroupID,
      leafIndex: index)
    #expect(
      rejection {
        _ = try validator.validate(
          leaf, as: .update(leafIndex: index, replacing: current), in: kpContext())
      } == .encryptionKeyNotUpdated)
  }

  @Test func updateWithAnotherMembersSignatureKeyIsRejected() throws {
    let mallory = try fixture.provider.generateSignatureKeyPair()
    let (leaf, _) = try LeafNode.updateLeaf(
      replacing: current, signaturePrivateKey: mallory.privateKey, provider: fixture.provider,
      groupID: kpGroupID, leafIndex: index)
    let context = kpContext { $0.isSignatureKeyInUse = { $0 == mallory.publicKey } }
    #expect(
      rejection {
        _ = try validator.validate(
          leaf, as: .update(leafIndex: index, replacing: current), in: context)
      } == .duplicateSignatureKey)
  }

  @Test func updateChangingTheIdentityIsNotAValidSuccessor() throws {
    let (leaf, _) = try LeafNode.updateLeaf(
      replacing: current, signaturePrivateKey: fixture.signaturePrivateKey,
      provider: fixture.provider, groupID: kpGroupID, leafIndex: index,
      credential: .basic(identity: Array("eve".utf8)))
    #expect(
      rejection {
        _ = try validator.validate(
          leaf, as: .update(leafIndex: index, replacing: current), in: kpContext())
      } == .credentialRejected(.notValidSuccessor))
    // The same identity in a new credential value is a valid successor; a new key is fine.
    let newKey = try fixture.provider.generateSignatureKeyPair()
    let (rekeyed, _) = try LeafNode.updateLeaf(
      replacing: current, signaturePrivateKey: newKey.privateKey, provider: fixture.provider,
      groupID: kpGroupID, leafIndex: index)
    #expect(rekeyed.signatureKey == newKey.publicKey)
    _ = try validator.validate(
      rekeyed, as: .update(leafIndex: index, replacing: current), in: kpContext())
  }

  @Test func commitLeafCarriesTheParentHashAndValidates() throws {
    let encryption = try fixture.provider.generateKEMKeyPair()
    let parentHash = [UInt8](repeating: 0xAB, count: 32)
    let leaf = try LeafNode.commitLeaf(
      replacing: current, encryptionKey: encryption.publicKey, parentHash: parentHash,
      signaturePrivateKey: fixture.signaturePrivateKey, provider: fixture.provider,
      groupID: kpGroupID, leafIndex: index)
    #expect(leaf.source == .commit(parentHash: parentHash))
    #expect(leaf.encryptionKey == encryption.publicKey)
    _ = try validator.validate(
      leaf, as: .commit(leafIndex: index, replacing: current), in: kpContext())
    _ = try validator.validate(leaf, as: .commit(leafIndex: index, replacing: nil), in: kpContext())
    _ = try validator.validate(leaf, as: .inTree(leafIndex: index), in: kpContext())
    // Wrong role for this source.
    #expect(
      rejection {
        _ = try validator.validate(
          leaf, as: .update(leafIndex: index, replacing: current), in: kpContext())
      } == .wrongSource(expected: 2, actual: 3))
    #expect(
      rejection { _ = try validator.validate(leaf, as: .keyPackage, in: kpContext()) }
        == .wrongSource(expected: 1, actual: 3))
    // An external joiner's commit leaf may not reuse a member's encryption key.
    let key = encryption.publicKey
    let taken = kpContext { $0.isEncryptionKeyInUse = { $0 == key } }
    #expect(
      rejection {
        _ = try validator.validate(leaf, as: .commit(leafIndex: index, replacing: nil), in: taken)
      } == .duplicateEncryptionKey)
  }

  @Test func treeLeavesCheckTheirKeyPackageLifetimeOnlyWhenAsked() throws {
    let lifetime = try #require(current.source.lifetime)
    _ = try validator.validate(current, as: .inTree(leafIndex: index), in: kpContext())
    let lateClock = FixedClock(lifetime.notAfter + 1)
    // By default an old member's expired KeyPackage lifetime does not reject the tree.
    let lenient = LeafNodeValidator(
      authenticationService: BasicCredentialAuthenticator(), clock: lateClock)
    _ = try lenient.validate(current, as: .inTree(leafIndex: index), in: kpContext())
    let strict = LeafNodeValidator(
      authenticationService: BasicCredentialAuthenticator(), clock: lateClock,
      options: LeafNodeValidationOptions(checksLifetimeInTree: true))
    #expect(
      rejection { _ = try strict.validate(current, as: .inTree(leafIndex: index), in: kpContext()) }
        == .lifetimeExpired(notAfter: lifetime.notAfter, now: lifetime.notAfter + 1))
  }

  @Test func unknownGroupSuiteIsATypedError() {
    let grease = CipherSuite(rawValue: 0x1A1A)
    let context = kpContext(grease) { $0.isSignatureKeyInUse = { _ in false } }
    let relaxed = LeafNodeValidator(
      authenticationService: BasicCredentialAuthenticator(), clock: FixedClock(kpNow),
      options: LeafNodeValidationOptions(requiresGroupParametersInCapabilities: false))
    #expect(
      rejection { _ = try relaxed.validate(current, as: .keyPackage, in: context) }
        == .unsupportedCipherSuite(grease))
  }
}
