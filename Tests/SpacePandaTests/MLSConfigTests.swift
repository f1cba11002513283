import MLS
import MLSCrypto
import SpacePanda
import Testing

@Suite("MLSConfig")
struct MLSConfigTests {
  @Test func productDefaults() throws {
    let config = MLSConfig.default
    #expect(config.replayCacheSize == 1000)
    #expect(config.cipherSuite.rawValue == 0x0001)
    #expect(config.paddingBlockSize == 0)
    #expect(config.outOfOrderWindow.maximumSkippedKeys == 5)
    #expect(config.outOfOrderWindow.maximumForwardDistance == 1000)
    #expect(config.pastEpochRetention == 0)
    #expect(config.handshakeFraming == .privateMessage)
    #expect(config.handshakeFraming.wireFormat == .privateMessage)
    #expect(HandshakeFraming.publicMessage.wireFormat == .publicMessage)
    #expect(config.keyPackageLifetime == .seconds(7_257_600))
    #expect(config.keyRotationInterval == .seconds(604_800))
    #expect(config.removalAlert == AlertThreshold(count: 3, window: .seconds(3600)))
    #expect(config.replayAlert == AlertThreshold(count: 10, window: .seconds(600)))
    #expect(config.passphrasePolicy.minimumLength == 12)
    try config.validate()
  }

  @Test func aes256Preset() throws {
    #expect(MLSConfig.aes256.cipherSuite.rawValue == 0x0007)
    #expect(MLSConfig.aes256.replayCacheSize == 1000)
    try MLSConfig.aes256.validate()
  }

  @Test func everySupportedSuiteValidates() throws {
    for suite in CipherSuite.all {
      try MLSConfig(cipherSuite: suite).validate()
    }
  }

  @Test func refusesUnknownSuite() {
    #expect(throws: MLSError.unsupportedCipherSuite(0x0A0A)) {
      try MLSConfig(cipherSuite: CipherSuite(rawValue: 0x0A0A)).validate()
    }
  }

  static let invalid: [(String, MLSConfig)] = {
    var cases: [(String, MLSConfig)] = []
    func add(_ rule: String, _ change: (inout MLSConfig) -> Void) {
      var config = MLSConfig()
      change(&config)
      cases.append((rule, config))
    }
    add("replayCacheSize must be 1...4194304") { $0.replayCacheSize = 0 }
    add("replayCacheSize must be 1...4194304") { $0.replayCacheSize = -5 }
    add("replayCacheSize must be 1...4194304") { $0.replayCacheSize = (1 << 22) + 1 }
    add("paddingBlockSize must be 0...65536") { $0.paddingBlockSize = -1 }
    add("paddingBlockSize must be 0...65536") { $0.paddingBlockSize = 65_537 }
    add("outOfOrderWindow.maximumSkippedKeys must not exceed maximumForwardDistance") {
      $0.outOfOrderWindow = SecretTreeConfiguration(
        maximumSkippedKeys: 11, maximumForwardDistance: 10)
    }
    add("outOfOrderWindow.maximumForwardDistance must be >= 1") {
      $0.outOfOrderWindow = SecretTreeConfiguration(
        maximumSkippedKeys: 0, maximumForwardDistance: 0)
    }
    add("outOfOrderWindow.maximumSkippedKeys must be at most 10000") {
      $0.outOfOrderWindow = SecretTreeConfiguration(
        maximumSkippedKeys: 10_001, maximumForwardDistance: 20_000)
    }
    add("pastEpochRetention must be 0...64") { $0.pastEpochRetention = -1 }
    add("pastEpochRetention must be 0...64") { $0.pastEpochRetention = 65 }
    add("keyPackageLifetime must be positive") { $0.keyPackageLifetime = .zero }
    add("keyRotationInterval must be positive") { $0.keyRotationInterval = .seconds(-1) }
    add("keyRotationInterval must not exceed keyPackageLifetime") {
      $0.keyRotationInterval = .seconds(13 * 7 * 86_400)
    }
    add("removalAlert.count must be at least 1") { $0.removalAlert.count = 0 }
    add("removalAlert.window must be positive") { $0.removalAlert.window = .zero }
    add("replayAlert.count must be at least 1") { $0.replayAlert.count = -1 }
    add("replayAlert.window must be positive") { $0.replayAlert.window = .seconds(-5) }
    add("maximumMessageSize must be 1024...1073741823") { $0.maximumMessageSize = 1023 }
    add("maximumMessageSize must be 1024...1073741823") { $0.maximumMessageSize = 1 << 30 }
    add("paddingBlockSize must be below maximumMessageSize") {
      $0.maximumMessageSize = 4096
      $0.paddingBlockSize = 4096
    }
    add("passphrasePolicy.minimumLength must be >= 12") {
      $0.passphrasePolicy = PassphrasePolicy(minimumLength: 8)
    }
    return cases
  }()

  @Test func refusesNonsense() {
    for (rule, config) in Self.invalid {
      #expect(throws: MLSError.invalidConfiguration(rule)) { try config.validate() }
    }
  }

  @Test func boundaryValuesAreAccepted() throws {
    var config = MLSConfig()
    config.replayCacheSize = 1
    config.paddingBlockSize = 65_536
    config.pastEpochRetention = 64
    config.outOfOrderWindow = SecretTreeConfiguration(
      maximumSkippedKeys: 10, maximumForwardDistance: 10)
    config.keyRotationInterval = config.keyPackageLifetime
    config.maximumMessageSize = 65_537
    try config.validate()
  }
}
