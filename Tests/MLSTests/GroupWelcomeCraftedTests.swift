import MLSCodec
import MLSCrypto
import Testing

@testable import MLS

/// §12.4.3.1 rules that need a Welcome built by hand: the test plays a committer that lies.
@Suite("Crafted Welcomes (RFC 9420 §12.4.3.1)")
struct GroupWelcomeCraftedTests {
  let alice: GroupState
  let aliceClient: GroupClient
  let dave: GroupClient
  let provider: CipherSuiteProvider

  /// alice alone in epoch 1 after adding dave; the honest GroupInfo of that epoch.
  init() throws {
    let aliceClient = try GroupClient("alice")
    self.aliceClient = aliceClient
    dave = try GroupClient("dave")
    var group = try aliceClient.createGroup()
    _ = try group.commit(proposals: [.add(Add(keyPackage: dave.keyPackage))])
    try group.mergePendingCommit()
    alice = group
    provider = aliceClient.provider
  }

  /// A Welcome to `client` carrying `info` under the keys of `joinerSecret`.
  func craft(
    _ info: GroupInfo, to client: GroupClient, joinerSecret: [UInt8], pathSecret: [UInt8]? = nil,
    psks: [PreSharedKeyID] = [], encryptedInfo override: [UInt8]? = nil
  ) throws -> Welcome {
    let schedule = KeySchedule(provider: provider)
    let welcomeSecret = try schedule.welcomeSecret(
      joinerSecret: SecretBytes(joinerSecret), pskSecret: nil)
    let keyAndNonce = try schedule.welcomeKeyAndNonce(welcomeSecret: welcomeSecret)
    let encryptedInfo =
      try override
      ?? provider.seal(
        key: keyAndNonce.key, nonce: keyAndNonce.nonce, aad: [], plaintext: info.tlsSerialized())
    let secrets = GroupSecrets(
      joinerSecret: joinerSecret, pathSecret: pathSecret.map { PathSecret(pathSecret: $0) },
      psks: psks)
    let sealed = try provider.encryptWithLabel(
      publicKey: client.keyPackage.initKey, label: "Welcome", context: encryptedInfo,
      plaintext: try secrets.tlsSerialized())
    let entry = EncryptedGroupSecrets(
      newMember: try client.keyPackage.reference(provider: provider),
      encryptedGroupSecrets: HPKECiphertext(
        kemOutput: sealed.kemOutput, ciphertext: sealed.ciphertext))
    return Welcome(
      cipherSuite: provider.suite, secrets: [entry], encryptedGroupInfo: encryptedInfo)
  }

  func join(_ welcome: Welcome, as client: GroupClient? = nil) throws(GroupError) -> GroupState {
    let joiner = client ?? dave
    var psks = PSKStore()
    psks.addResumption(groupID: [1], epoch: 1, psk: SecretBytes(Array(repeating: 1, count: 32)))
    psks.addResumption(groupID: [2], epoch: 1, psk: SecretBytes(Array(repeating: 2, count: 32)))
    return try GroupState.join(
      welcome: welcome, keyPackage: joiner.keyPackage, initPrivateKey: joiner.bundle.initPrivateKey,
      encryptionPrivateKey: joiner.bundle.encryptionPrivateKey,
      signaturePrivateKey: joiner.signaturePrivateKey, psks: psks)
  }

  var randomSecret: [UInt8] { Array(repeating: 0x5A, count: 32) }

  @Test("a wrong joiner secret: the confirmation tag does not match")
  func confirmationTag() throws {
    let welcome = try craft(try alice.groupInfo(), to: dave, joinerSecret: randomSecret)
    #expect(throws: GroupError.invalidWelcome(.confirmationTagMismatch)) { _ = try join(welcome) }
  }

  @Test("the encrypted GroupInfo does not decrypt")
  func groupInfoDecryption() throws {
    let welcome = try craft(
      try alice.groupInfo(), to: dave, joinerSecret: randomSecret,
      encryptedInfo: Array(repeating: 7, count: 64))
    #expect(throws: GroupError.invalidWelcome(.groupInfoDecryptionFailed)) {
      _ = try join(welcome)
    }
  }

  @Test("the GroupInfo's signer is not in the tree")
  func signerNotInTree() throws {
    var info = try alice.groupInfo()
    info.signer = LeafIndex(9)
    let welcome = try craft(info, to: dave, joinerSecret: randomSecret)
    #expect(throws: GroupError.invalidWelcome(.signerNotInTree)) { _ = try join(welcome) }
  }

  @Test("the GroupInfo's signature does not verify")
  func badSignature() throws {
    var info = try alice.groupInfo()
    info.signature[0] ^= 1
    let welcome = try craft(info, to: dave, joinerSecret: randomSecret)
    #expect(throws: GroupError.invalidWelcome(.invalidGroupInfoSignature)) {
      _ = try join(welcome)
    }
  }

  /// The GroupInfo signature is checked alongside the tree (on another core than most leaf
  /// signatures) but still wins over the tree's own faults, as when it was checked first.
  @Test("a bad GroupInfo signature is reported before a bad tree")
  func badSignatureBeforeBadTree() throws {
    var info = try alice.groupInfo()
    info.groupContext.treeHash[0] ^= 1
    let signed = try provider.signWithLabel(
      privateKey: aliceClient.signaturePrivateKey, label: "GroupInfoTBS",
      content: try info.toBeSigned.tlsSerialized())
    info.signature = signed
    let resigned = try craft(info, to: dave, joinerSecret: randomSecret)
    #expect(throws: GroupError.invalidWelcome(.invalidTree(.treeHashMismatch))) {
      _ = try join(resigned)
    }
    info.signature[0] ^= 1
    let forged = try craft(info, to: dave, joinerSecret: randomSecret)
    #expect(throws: GroupError.invalidWelcome(.invalidGroupInfoSignature)) {
      _ = try join(forged)
    }
  }

  @Test("the joiner's leaf is not in the tree")
  func ownLeafNotFound() throws {
    let erin = try GroupClient("erin")
    let welcome = try craft(try alice.groupInfo(), to: erin, joinerSecret: randomSecret)
    #expect(throws: GroupError.invalidWelcome(.ownLeafNotFound)) {
      _ = try join(welcome, as: erin)
    }
  }

  @Test("a path secret whose keys are not the tree's")
  func pathSecretMismatch() throws {
    var group = alice
    _ = try group.commit(forcePath: true)
    try group.mergePendingCommit()
    let welcome = try craft(
      try group.groupInfo(), to: dave, joinerSecret: randomSecret, pathSecret: randomSecret)
    #expect(throws: GroupError.invalidWelcome(.pathSecretMismatch)) { _ = try join(welcome) }
  }

  @Test("two resumption PSKs of usage reinit or branch")
  func twoReinitPSKs() throws {
    let nonce = Array(repeating: UInt8(3), count: 32)
    let psks = [
      PreSharedKeyID(
        key: .resumption(usage: .reinit, pskGroupID: [1], pskEpoch: 1), pskNonce: nonce),
      PreSharedKeyID(
        key: .resumption(usage: .branch, pskGroupID: [2], pskEpoch: 1), pskNonce: nonce),
    ]
    let welcome = try craft(try alice.groupInfo(), to: dave, joinerSecret: randomSecret, psks: psks)
    #expect(throws: GroupError.invalidWelcome(.multipleReinitOrBranchPSKs)) {
      _ = try join(welcome)
    }
  }
}
