import MLS
import MLSCrypto

/// The settings of one group handle. Defaults follow the product's security guide: a replay
/// cache of 1000 entries, weekly key rotation, 12-character passphrases.
public struct MLSConfig: Sendable {
  /// The cipher suite of new groups. RFC 9420 §5.1; 0x0001 is the mandatory-to-implement suite.
  public var cipherSuite: CipherSuite
  /// Processed message identifiers remembered for duplicate detection (product default 1000).
  public var replayCacheSize: Int
  /// PrivateMessage padding: content is padded to a multiple of this many bytes so lengths leak
  /// less (RFC 9420 §6.3.1). 0 disables padding.
  public var paddingBlockSize: Int
  /// How many skipped keys a receiver keeps and how far a generation may jump (RFC 9420 §9.2).
  public var outOfOrderWindow: SecretTreeConfiguration
  /// How many past epochs keep their secrets for late messages. 0 (the default) deletes them at
  /// once, the strongest forward secrecy (RFC 9420 §14 discusses the trade-off).
  public var pastEpochRetention: Int
  /// How proposals and commits are framed (RFC 9420 §6).
  public var handshakeFraming: HandshakeFraming
  /// How long a new KeyPackage's leaf node stays valid (RFC 9420 §7.2 `Lifetime`).
  public var keyPackageLifetime: Duration
  /// How often this client should send an Update; the product suggests weekly.
  public var keyRotationInterval: Duration
  /// When removals count as unusual activity.
  public var removalAlert: AlertThreshold
  /// When refused replays count as unusual activity.
  public var replayAlert: AlertThreshold
  /// The largest serialized message accepted or produced, so a peer cannot make us parse and
  /// buffer arbitrarily large input.
  public var maximumMessageSize: Int
  /// The rule for passphrases protecting stored state.
  public var passphrasePolicy: PassphrasePolicy
  /// Who may add, remove, update and send: enforced by this member on its own operations and on
  /// every proposal and commit it receives. `DefaultPolicy` lets every member do everything;
  /// `AdminPolicy` restricts adds and removes to the admins listed in the group context.
  public var authorizationPolicy: any AuthorizationPolicy

  public init(
    cipherSuite: CipherSuite = .x25519Aes128Sha256Ed25519,
    replayCacheSize: Int = 1000,
    paddingBlockSize: Int = 0,
    outOfOrderWindow: SecretTreeConfiguration = SecretTreeConfiguration(),
    pastEpochRetention: Int = 0,
    handshakeFraming: HandshakeFraming = .privateMessage,
    keyPackageLifetime: Duration = .seconds(12 * 7 * 86_400),
    keyRotationInterval: Duration = .seconds(7 * 86_400),
    removalAlert: AlertThreshold = .removals,
    replayAlert: AlertThreshold = .replays,
    maximumMessageSize: Int = 1 << 20,
    passphrasePolicy: PassphrasePolicy = PassphrasePolicy(),
    authorizationPolicy: any AuthorizationPolicy = DefaultPolicy()
  ) {
    self.cipherSuite = cipherSuite
    self.replayCacheSize = replayCacheSize
    self.paddingBlockSize = paddingBlockSize
    self.outOfOrderWindow = outOfOrderWindow
    self.pastEpochRetention = pastEpochRetention
    self.handshakeFraming = handshakeFraming
    self.keyPackageLifetime = keyPackageLifetime
    self.keyRotationInterval = keyRotationInterval
    self.removalAlert = removalAlert
    self.replayAlert = replayAlert
    self.maximumMessageSize = maximumMessageSize
    self.passphrasePolicy = passphrasePolicy
    self.authorizationPolicy = authorizationPolicy
  }

  /// The product defaults.
  public static let `default` = MLSConfig()

  /// The defaults with suite 0x0007 (MLS_256_DHKEMP384_AES256GCM_SHA384_P384), for deployments
  /// that want the guide's "AES-256-GCM for all application messages".
  public static let aes256 = MLSConfig(cipherSuite: .p384Aes256Sha384P384)
}
