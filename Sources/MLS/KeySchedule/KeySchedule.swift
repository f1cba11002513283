import MLSCodec
import MLSCrypto

/// The MLS key schedule of one cipher suite. RFC 9420 §8.
///
/// Each epoch's secrets come from the previous epoch's `init_secret`, the Commit's
/// `commit_secret`, the PSKs' `psk_secret` and the new `GroupContext`. Three entry points match
/// the three ways a member reaches an epoch: processing a Commit (from `init_secret`), joining by
/// Welcome (from `joiner_secret`, §12.4.3.1), and creating a group (from a random
/// `epoch_secret`, §11).
public struct KeySchedule: Sendable {
  public let provider: CipherSuiteProvider

  public init(provider: CipherSuiteProvider) {
    self.provider = provider
  }

  /// `KDF.Nh` zero bytes: the `psk_secret` without PSKs, and the PSK extraction salt. RFC 9420 §8.
  public var zeroSecret: SecretBytes { SecretBytes(zeros: provider.hashLength) }

  /// The secrets of the epoch a Commit starts. RFC 9420 §8, Figure 22.
  ///
  /// - Parameters:
  ///   - initSecret: `init_secret_[n-1]` of the previous epoch (or the external init secret).
  ///   - commitSecret: the Commit's path secret result, or `KDF.Nh` zeros without a path.
  ///   - pskSecret: `psk_secret`, or `nil` for the zero vector (no PSKs).
  ///   - groupContext: `GroupContext_[n]` of the new epoch.
  public func nextEpoch(
    initSecret: SecretBytes, commitSecret: SecretBytes, pskSecret: SecretBytes?,
    groupContext: GroupContext
  ) throws(KeyScheduleError) -> EpochKeyMaterial {
    try checkLength(initSecret, "init_secret")
    try checkLength(commitSecret, "commit_secret")
    let context = try encodedContext(groupContext)
    let joiner = try withCrypto { () throws(CryptoError) -> SecretBytes in
      let extracted = try provider.extract(salt: initSecret, ikm: commitSecret)
      return try provider.expandWithLabel(
        secret: extracted, label: "joiner", context: context, length: provider.hashLength)
    }
    return try fromJoinerSecret(joiner, pskSecret: pskSecret, encodedContext: context)
  }

  /// The secrets of the epoch a Welcome lets a new member join. RFC 9420 §8, §12.4.3.1.
  ///
  /// The joiner learns `joiner_secret` from `GroupSecrets` and the PSKs from its `psks` field.
  public func joinEpoch(
    joinerSecret: SecretBytes, pskSecret: SecretBytes?, groupContext: GroupContext
  ) throws(KeyScheduleError) -> EpochKeyMaterial {
    try checkLength(joinerSecret, "joiner_secret")
    let context = try encodedContext(groupContext)
    return try fromJoinerSecret(joinerSecret, pskSecret: pskSecret, encodedContext: context)
  }

  /// `welcome_secret` alone, for decrypting a Welcome's GroupInfo before the GroupContext is
  /// known. RFC 9420 §8, §12.4.3.1.
  public func welcomeSecret(
    joinerSecret: SecretBytes, pskSecret: SecretBytes?
  ) throws(KeyScheduleError) -> SecretBytes {
    try checkLength(joinerSecret, "joiner_secret")
    let psk = try pskOrZero(pskSecret)
    return try withCrypto { () throws(CryptoError) -> SecretBytes in
      let member = try provider.extract(salt: joinerSecret, ikm: psk)
      return try provider.deriveSecret(secret: member, label: "welcome")
    }
  }

  /// The AEAD key and nonce that protect a Welcome's GroupInfo. RFC 9420 §12.4.3.1.
  public func welcomeKeyAndNonce(
    welcomeSecret: SecretBytes
  ) throws(KeyScheduleError) -> (key: SecretBytes, nonce: [UInt8]) {
    try withCrypto { () throws(CryptoError) -> (key: SecretBytes, nonce: [UInt8]) in
      let key = try provider.expandWithLabel(
        secret: welcomeSecret, label: "key", context: [], length: provider.aeadKeyLength)
      let nonce = try provider.expandWithLabel(
        secret: welcomeSecret, label: "nonce", context: [], length: provider.aeadNonceLength)
      return (key, nonce.revealed())
    }
  }

  /// The secrets derived from an `epoch_secret`: for the first epoch, whose `epoch_secret` the
  /// creator draws at random (RFC 9420 §11), and as the last step of the other entry points.
  public func epochSecrets(epochSecret: SecretBytes) throws(KeyScheduleError) -> EpochSecrets {
    try checkLength(epochSecret, "epoch_secret")
    return try withCrypto { () throws(CryptoError) -> EpochSecrets in
      func derive(_ label: String) throws(CryptoError) -> SecretBytes {
        try provider.deriveSecret(secret: epochSecret, label: label)
      }
      return EpochSecrets(
        provider: provider,
        senderDataSecret: try derive("sender data"),
        encryptionSecret: try derive("encryption"),
        exporterSecret: try derive("exporter"),
        externalSecret: try derive("external"),
        confirmationKey: try derive("confirm"),
        membershipKey: try derive("membership"),
        resumptionPSK: try derive("resumption"),
        epochAuthenticator: try derive("authentication"),
        initSecret: try derive("init"))
    }
  }

  private func fromJoinerSecret(
    _ joinerSecret: SecretBytes, pskSecret: SecretBytes?, encodedContext: [UInt8]
  ) throws(KeyScheduleError) -> EpochKeyMaterial {
    let psk = try pskOrZero(pskSecret)
    let (welcome, epoch) = try withCrypto {
      () throws(CryptoError) -> (SecretBytes, SecretBytes) in
      // "member" secret: the extract of psk_secret keyed by joiner_secret (unnamed in §8).
      let member = try provider.extract(salt: joinerSecret, ikm: psk)
      let welcome = try provider.deriveSecret(secret: member, label: "welcome")
      let epoch = try provider.expandWithLabel(
        secret: member, label: "epoch", context: encodedContext, length: provider.hashLength)
      return (welcome, epoch)
    }
    return EpochKeyMaterial(
      joinerSecret: joinerSecret, welcomeSecret: welcome,
      secrets: try epochSecrets(epochSecret: epoch))
  }

  private func pskOrZero(_ pskSecret: SecretBytes?) throws(KeyScheduleError) -> SecretBytes {
    guard let pskSecret else { return zeroSecret }
    try checkLength(pskSecret, "psk_secret")
    return pskSecret
  }

  private func encodedContext(_ groupContext: GroupContext) throws(KeyScheduleError) -> [UInt8] {
    try encodeForKeySchedule("GroupContext") { writer in try writer.write(groupContext) }
  }

  /// Every key schedule input is `KDF.Nh` bytes (§8); a different length means a caller mixed
  /// suites or truncated a secret, which would silently fork the group's keys.
  private func checkLength(_ secret: SecretBytes, _ name: String) throws(KeyScheduleError) {
    guard secret.count == provider.hashLength else {
      throw .invalidSecretLength(name, expected: provider.hashLength, actual: secret.count)
    }
  }
}

/// What one step of the key schedule produces. RFC 9420 §8.
///
/// `joinerSecret` and `welcomeSecret` are kept only for building the Welcome of the Commit that
/// started the epoch (§12.4.3.1); callers drop them once it is sent.
public struct EpochKeyMaterial: Sendable {
  public let joinerSecret: SecretBytes
  public let welcomeSecret: SecretBytes
  public let secrets: EpochSecrets
}

/// The secrets of one epoch, derived from its `epoch_secret`. RFC 9420 §8, Table 4.
///
/// `epoch_secret` itself is not kept: everything it is needed for is derived at once, and §9.2
/// asks that consumed secrets be deleted.
public struct EpochSecrets: Sendable {
  public let provider: CipherSuiteProvider
  /// Keys the encryption of sender data in PrivateMessage (§6.3.2).
  public let senderDataSecret: SecretBytes
  /// Root of the secret tree (§9).
  public let encryptionSecret: SecretBytes
  /// Source of `MLS-Exporter` (§8.5).
  public let exporterSecret: SecretBytes
  /// Seed of the external init key pair (§8.3).
  public let externalSecret: SecretBytes
  /// Keys the confirmation tag of the Commit that started the epoch (§8.2, §6.1).
  public let confirmationKey: SecretBytes
  /// Keys the membership tag of PublicMessages from members (§6.2).
  public let membershipKey: SecretBytes
  /// The resumption PSK later epochs or groups may inject (§8.6).
  public let resumptionPSK: SecretBytes
  /// A value members can compare out of band to confirm they share the epoch (§8.7).
  public let epochAuthenticator: SecretBytes
  /// `init_secret_[n]`, the input of the next epoch's key schedule.
  public let initSecret: SecretBytes

  /// `MLS-Exporter(Label, Context, Length)`. RFC 9420 §8.5.
  ///
  /// The context is hashed first so any length of context costs one fixed-size expand.
  public func exporter(
    label: String, context: [UInt8], length: Int
  ) throws(KeyScheduleError) -> SecretBytes {
    try withCrypto { () throws(CryptoError) -> SecretBytes in
      let derived = try provider.deriveSecret(secret: exporterSecret, label: label)
      let contextHash = try provider.hash(context)
      return try provider.expandWithLabel(
        secret: derived, label: "exported", context: contextHash, length: length)
    }
  }

  /// A fresh secret tree over `leafCount` leaves rooted at `encryption_secret`. RFC 9420 §9.
  public func secretTree(
    leafCount: UInt32, configuration: SecretTreeConfiguration = .init()
  ) throws(SecretTreeError) -> SecretTree {
    try SecretTree(
      provider: provider, encryptionSecret: encryptionSecret, leafCount: leafCount,
      configuration: configuration)
  }
}
