import MLS
import MLSCodec
import MLSCrypto
import Testing

@Suite("Key schedule (RFC 9420 §8)")
struct KeyScheduleTests {
  let provider: CipherSuiteProvider
  let schedule: KeySchedule

  init() throws {
    provider = try CipherSuiteProvider(.x25519Aes128Sha256Ed25519)
    schedule = KeySchedule(provider: provider)
  }

  func context(epoch: UInt64 = 1, treeHash: [UInt8] = [1, 2, 3]) -> GroupContext {
    GroupContext(
      cipherSuite: .x25519Aes128Sha256Ed25519, groupID: Array("group".utf8), epoch: epoch,
      treeHash: treeHash, confirmedTranscriptHash: [4, 5, 6], extensions: [])
  }

  func secret(_ byte: UInt8) -> SecretBytes { SecretBytes(Array(repeating: byte, count: 32)) }

  @Test func followsFigure22StepByStep() throws {
    let groupContext = context()
    let material = try schedule.nextEpoch(
      initSecret: secret(1), commitSecret: secret(2), pskSecret: secret(3),
      groupContext: groupContext)
    let encoded = try groupContext.tlsSerialized()

    let joiner = try provider.expandWithLabel(
      secret: try provider.extract(salt: secret(1), ikm: secret(2)), label: "joiner",
      context: encoded, length: 32)
    #expect(material.joinerSecret == joiner)
    let member = try provider.extract(salt: joiner, ikm: secret(3))
    #expect(material.welcomeSecret == (try provider.deriveSecret(secret: member, label: "welcome")))
    let epoch = try provider.expandWithLabel(
      secret: member, label: "epoch", context: encoded, length: 32)
    let expected: [(SecretBytes, String)] = [
      (material.secrets.senderDataSecret, "sender data"),
      (material.secrets.encryptionSecret, "encryption"),
      (material.secrets.exporterSecret, "exporter"),
      (material.secrets.externalSecret, "external"),
      (material.secrets.confirmationKey, "confirm"),
      (material.secrets.membershipKey, "membership"),
      (material.secrets.resumptionPSK, "resumption"),
      (material.secrets.epochAuthenticator, "authentication"),
      (material.secrets.initSecret, "init"),
    ]
    for (actual, label) in expected {
      #expect(actual == (try provider.deriveSecret(secret: epoch, label: label)), "\(label)")
    }
  }

  @Test func joiningByWelcomeReachesTheSameEpoch() throws {
    let groupContext = context()
    let committer = try schedule.nextEpoch(
      initSecret: secret(1), commitSecret: secret(2), pskSecret: nil, groupContext: groupContext)
    let joiner = try schedule.joinEpoch(
      joinerSecret: committer.joinerSecret, pskSecret: nil, groupContext: groupContext)
    #expect(joiner.secrets.epochAuthenticator == committer.secrets.epochAuthenticator)
    #expect(joiner.secrets.initSecret == committer.secrets.initSecret)
    #expect(joiner.welcomeSecret == committer.welcomeSecret)
    let welcome = try schedule.welcomeSecret(joinerSecret: committer.joinerSecret, pskSecret: nil)
    #expect(welcome == committer.welcomeSecret)

    let keys = try schedule.welcomeKeyAndNonce(welcomeSecret: welcome)
    #expect(keys.key.count == 16)
    #expect(keys.nonce.count == 12)
    #expect(
      keys.key
        == (try provider.expandWithLabel(secret: welcome, label: "key", context: [], length: 16)))
  }

  @Test func absentPSKIsTheZeroVector() throws {
    let withNil = try schedule.nextEpoch(
      initSecret: secret(1), commitSecret: secret(2), pskSecret: nil, groupContext: context())
    let withZero = try schedule.nextEpoch(
      initSecret: secret(1), commitSecret: secret(2), pskSecret: try schedule.pskSecret([]),
      groupContext: context())
    #expect(withNil.secrets.epochAuthenticator == withZero.secrets.epochAuthenticator)
  }

  @Test func everyInputChangesTheEpoch() throws {
    let base = try schedule.nextEpoch(
      initSecret: secret(1), commitSecret: secret(2), pskSecret: nil, groupContext: context())
    let variants = [
      try schedule.nextEpoch(
        initSecret: secret(9), commitSecret: secret(2), pskSecret: nil, groupContext: context()),
      try schedule.nextEpoch(
        initSecret: secret(1), commitSecret: secret(9), pskSecret: nil, groupContext: context()),
      try schedule.nextEpoch(
        initSecret: secret(1), commitSecret: secret(2), pskSecret: secret(9),
        groupContext: context()),
      try schedule.nextEpoch(
        initSecret: secret(1), commitSecret: secret(2), pskSecret: nil,
        groupContext: context(epoch: 2)),
    ]
    for variant in variants {
      #expect(variant.secrets.epochAuthenticator != base.secrets.epochAuthenticator)
    }
  }

  @Test func wrongSecretLengthsAreRejected() throws {
    let short = SecretBytes(Array(repeating: 1, count: 31))
    #expect(throws: KeyScheduleError.invalidSecretLength("init_secret", expected: 32, actual: 31)) {
      try schedule.nextEpoch(
        initSecret: short, commitSecret: secret(2), pskSecret: nil, groupContext: context())
    }
    #expect(
      throws: KeyScheduleError.invalidSecretLength("commit_secret", expected: 32, actual: 31)
    ) {
      try schedule.nextEpoch(
        initSecret: secret(1), commitSecret: short, pskSecret: nil, groupContext: context())
    }
    #expect(throws: KeyScheduleError.invalidSecretLength("psk_secret", expected: 32, actual: 31)) {
      try schedule.joinEpoch(joinerSecret: secret(1), pskSecret: short, groupContext: context())
    }
    #expect(
      throws: KeyScheduleError.invalidSecretLength("joiner_secret", expected: 32, actual: 31)
    ) {
      try schedule.welcomeSecret(joinerSecret: short, pskSecret: nil)
    }
    #expect(throws: KeyScheduleError.invalidSecretLength("epoch_secret", expected: 32, actual: 31))
    {
      try schedule.epochSecrets(epochSecret: short)
    }
  }

  @Test func exporterFollowsSection8_5() throws {
    let secrets = try schedule.epochSecrets(epochSecret: secret(7))
    let exported = try secrets.exporter(label: "test label", context: [1, 2], length: 20)
    let derived = try provider.deriveSecret(secret: secrets.exporterSecret, label: "test label")
    let expected = try provider.expandWithLabel(
      secret: derived, label: "exported", context: try provider.hash([1, 2]), length: 20)
    #expect(exported == expected)
    #expect(exported.count == 20)
    #expect(exported != (try secrets.exporter(label: "other label", context: [1, 2], length: 20)))
    #expect(exported != (try secrets.exporter(label: "test label", context: [1, 3], length: 20)))
  }

  @Test func secretTreeStartsFromTheEncryptionSecret() throws {
    let secrets = try schedule.epochSecrets(epochSecret: secret(7))
    var fromEpoch = try secrets.secretTree(leafCount: 2)
    var direct = try SecretTree(
      provider: provider, encryptionSecret: secrets.encryptionSecret, leafCount: 2)
    let a = try fromEpoch.key(for: LeafIndex(1), kind: .application, generation: 0)
    let b = try direct.key(for: LeafIndex(1), kind: .application, generation: 0)
    #expect(a.key == b.key)
  }
}
