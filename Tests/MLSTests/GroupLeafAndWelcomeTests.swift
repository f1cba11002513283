import MLSCodec
import MLSCrypto
import Testing

@testable import MLS

/// §7.3 leaf rules as the group applies them, and the §12.4.3.1 Welcome checks.
@Suite("Group leaf validation (RFC 9420 §7.3) and Welcome rules (§12.4.3.1)")
struct GroupLeafAndWelcomeTests {
  let clients: [GroupClient]
  let states: [GroupState]

  init() throws {
    (clients, states) = try threeMemberGroup()
  }

  /// carol's leaf as an update-source leaf with a fresh key, changed, then signed by `signer`.
  func carolUpdateLeaf(
    signer: Int = 2, _ change: (inout LeafNode) throws -> Void = { _ in }
  ) throws -> LeafNode {
    var leaf = try #require(states[0].tree.leafNode(at: LeafIndex(2)))
    leaf.source = .update
    leaf.encryptionKey = try clients[2].provider.generateKEMKeyPair().publicKey
    try change(&leaf)
    try leaf.sign(
      privateKey: clients[signer].signaturePrivateKey, groupID: states[0].groupID,
      leafIndex: LeafIndex(2), provider: clients[2].provider)
    return leaf
  }

  /// The §7.3 rule alice's group reports for carol's update leaf, nil when it passes.
  func failure(
    _ leaf: LeafNode, state: GroupState? = nil, extensions: [Extension] = []
  ) throws -> LeafNodeValidationError? {
    let group = state ?? states[0]
    let current = try #require(group.tree.leafNode(at: LeafIndex(2)))
    let result = try group.validateLeafNode(
      leaf, role: .update(leafIndex: LeafIndex(2), replacing: current), tree: group.tree,
      extensions: extensions)
    if case .failure(let error) = result { return error }
    return nil
  }

  @Test("A well-formed update leaf passes")
  func valid() throws {
    #expect(try failure(try carolUpdateLeaf()) == nil)
  }

  @Test("§7.3 the group passes its members, extensions and policy to the leaf rules")
  func leafRules() throws {
    var badSignature = try carolUpdateLeaf()
    badSignature.signature[0] ^= 1
    #expect(try failure(badSignature) == .signatureInvalid)
    #expect(
      try failure(try carolUpdateLeaf { $0.source = .commit(parentHash: []) })
        == .wrongSource(expected: 2, actual: 3))
    let custom = CredentialType(rawValue: 0x7777)
    let customLeaf = try carolUpdateLeaf {
      $0.credential = .other(type: custom, body: [])
      $0.capabilities.credentials.append(custom)
    }
    #expect(try failure(customLeaf) == .credentialTypeUnsupportedByMembers(custom))
    let x509Only = try carolUpdateLeaf {
      $0.credential = .x509(certificates: [])
      $0.capabilities.credentials = [.x509]
    }
    #expect(try failure(x509Only) == .memberCredentialTypeUnsupported(.basic))
    let unknownProposal = ProposalType(rawValue: 0x0F0F)
    let required = try Extension(
      RequiredCapabilities(
        extensionTypes: [], proposalTypes: [unknownProposal], credentialTypes: []))
    #expect(
      try failure(try carolUpdateLeaf(), extensions: [required])
        == .missingRequiredProposal(unknownProposal))
    let aliceLeaf = try #require(states[0].tree.leafNode(at: LeafIndex(0)))
    let carolLeaf = try #require(states[0].tree.leafNode(at: LeafIndex(2)))
    #expect(
      try failure(try carolUpdateLeaf { $0.encryptionKey = aliceLeaf.encryptionKey })
        == .duplicateEncryptionKey)
    #expect(
      try failure(try carolUpdateLeaf(signer: 0) { $0.signatureKey = aliceLeaf.signatureKey })
        == .duplicateSignatureKey)
    #expect(
      try failure(try carolUpdateLeaf { $0.encryptionKey = carolLeaf.encryptionKey })
        == .encryptionKeyNotUpdated)
    var strict = states[0]
    strict.options.authenticationService = BasicCredentialAuthenticator(
      allowedIdentities: [Array("alice".utf8), Array("bob".utf8)])
    #expect(
      try failure(try carolUpdateLeaf(), state: strict)
        == .credentialRejected(.identityNotAllowed))
  }

  /// alice adds dave; returns the Welcome and alice's new state.
  func addDave(
    _ dave: GroupClient, options: GroupOptions = GroupOptions(), psk: PreSharedKeyID? = nil
  ) throws -> (welcome: Welcome, alice: GroupState) {
    var alice = states[0]
    alice.options = options
    var proposals: [Proposal] = [.add(Add(keyPackage: dave.keyPackage))]
    if let psk {
      alice.psks.addExternal(pskID: [0x42], psk: SecretBytes(Array(repeating: 1, count: 32)))
      proposals.append(.preSharedKey(PreSharedKey(psk: psk)))
    }
    let output = try alice.commit(proposals: proposals)
    try alice.mergePendingCommit()
    guard case .welcome(let welcome) = try #require(output.welcome).body else {
      throw GroupTestFailure.notAWelcome
    }
    return (welcome, alice)
  }

  func join(
    _ dave: GroupClient, _ welcome: Welcome, encryptionPrivateKey: SecretBytes? = nil,
    tree: RatchetTree? = nil, psks: PSKStore = PSKStore()
  ) throws(GroupError) -> GroupState {
    try GroupState.join(
      welcome: welcome, keyPackage: dave.keyPackage, initPrivateKey: dave.bundle.initPrivateKey,
      encryptionPrivateKey: encryptionPrivateKey ?? dave.bundle.encryptionPrivateKey,
      signaturePrivateKey: dave.signaturePrivateKey, ratchetTree: tree, psks: psks)
  }

  @Test("§12.4.3.1 Welcome for another KeyPackage")
  func noSecrets() throws {
    let dave = try GroupClient("dave")
    let (welcome, _) = try addDave(dave)
    let erin = try GroupClient("erin")
    #expect(throws: GroupError.invalidWelcome(.noSecretsForKeyPackage)) {
      _ = try join(erin, welcome)
    }
  }

  @Test("§12.4.3.1 Welcome of another cipher suite")
  func suiteMismatch() throws {
    let dave = try GroupClient("dave")
    var (welcome, _) = try addDave(dave)
    welcome.cipherSuite = .p256Aes128Sha256P256
    #expect(throws: GroupError.invalidWelcome(.cipherSuiteMismatch)) {
      _ = try join(dave, welcome)
    }
  }

  @Test("§12.4.3.1 PSK named by the Welcome is unknown; known, the join succeeds")
  func pskUnavailable() throws {
    let dave = try GroupClient("dave")
    let id = PreSharedKeyID(key: .external(pskID: [0x42]), pskNonce: try SecureRandom.bytes(32))
    let (welcome, alice) = try addDave(dave, psk: id)
    #expect(throws: GroupError.invalidWelcome(.pskUnavailable)) { _ = try join(dave, welcome) }
    var psks = PSKStore()
    psks.addExternal(pskID: [0x42], psk: SecretBytes(Array(repeating: 1, count: 32)))
    let joined = try join(dave, welcome, psks: psks)
    try expectAgreement([alice, joined])
  }

  @Test("§12.4.3.1 GroupInfo signature checked with the signer's key")
  func groupInfoSignature() throws {
    let dave = try GroupClient("dave")
    let (welcome, _) = try addDave(dave)
    let opened = try GroupState.decryptWelcome(
      welcome, keyPackage: dave.keyPackage, initPrivateKey: dave.bundle.initPrivateKey)
    let aliceKey = try #require(states[0].tree.leafNode(at: LeafIndex(0))).signatureKey
    try opened.verifyGroupInfoSignature(publicKey: aliceKey)
    let bobKey = try #require(states[0].tree.leafNode(at: LeafIndex(1))).signatureKey
    #expect(throws: GroupError.invalidWelcome(.invalidGroupInfoSignature)) {
      try opened.verifyGroupInfoSignature(publicKey: bobKey)
    }
  }

  @Test("§12.4.3.1 a tree that does not match the GroupInfo's tree hash")
  func treeHashMismatch() throws {
    let dave = try GroupClient("dave")
    let (welcome, _) = try addDave(dave, options: GroupOptions(ratchetTreeInWelcome: false))
    #expect(throws: GroupError.invalidWelcome(.invalidTree(.treeHashMismatch))) {
      _ = try join(dave, welcome, tree: states[0].tree.wireForm)
    }
  }

  @Test("§12.4.3.1 joiner's private key does not match its leaf")
  func privateKeyMismatch() throws {
    let dave = try GroupClient("dave")
    let (welcome, _) = try addDave(dave)
    #expect(throws: GroupError.invalidWelcome(.privateKeyMismatch)) {
      _ = try join(dave, welcome, encryptionPrivateKey: dave.bundle.initPrivateKey)
    }
  }

  @Test("§12.4.3.1 every tree leaf is checked against §7.3 (an expired KeyPackage leaf)")
  func invalidTreeLeaf() throws {
    let dave = try GroupClient("dave")
    let (welcome, _) = try addDave(dave)
    let later = SystemClock().now + 1_000 * KeyPackageBuilder.defaultLifetime
    let aliceLeaf = try #require(states[0].tree.leafNode(at: LeafIndex(0)))
    let notAfter = try #require(aliceLeaf.source.lifetime).notAfter
    #expect(
      throws: GroupError.invalidWelcome(
        .invalidTreeLeaf(0, .lifetimeExpired(notAfter: notAfter, now: later)))
    ) {
      _ = try GroupState.join(
        welcome: welcome, keyPackage: dave.keyPackage, initPrivateKey: dave.bundle.initPrivateKey,
        encryptionPrivateKey: dave.bundle.encryptionPrivateKey,
        signaturePrivateKey: dave.signaturePrivateKey,
        options: GroupOptions(checkLifetimesInTree: true, clock: FixedClock(later)))
    }
    // By default leaves already in the tree are not held to their KeyPackage lifetime.
    let joined = try GroupState.join(
      welcome: welcome, keyPackage: dave.keyPackage, initPrivateKey: dave.bundle.initPrivateKey,
      encryptionPrivateKey: dave.bundle.encryptionPrivateKey,
      signaturePrivateKey: dave.signaturePrivateKey, options: GroupOptions(clock: FixedClock(later))
    )
    #expect(joined.epoch == states[0].epoch + 1)
  }
}
