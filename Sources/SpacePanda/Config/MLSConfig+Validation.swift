import MLSCrypto

extension MLSConfig {
  /// Upper bounds that keep a configuration from turning into a resource problem.
  public enum Limits {
    /// Replay cache entries (each costs about 60 bytes).
    public static let maximumReplayCacheSize = 1 << 22
    /// Padding block; larger blocks only waste bandwidth.
    public static let maximumPaddingBlockSize = 1 << 16
    /// Past epochs kept (each holds a secret tree).
    public static let maximumPastEpochRetention = 64
    /// Skipped keys kept per sender ratchet.
    public static let maximumSkippedKeys = 10_000
    /// Smallest useful message limit: a commit with a path for a small group fits.
    public static let minimumMessageSize = 1024
    /// Largest message limit (the RFC's varint lengths stop at 2^30 - 1).
    public static let maximumMessageSize = (1 << 30) - 1
  }

  /// Refuses settings that are meaningless or unsafe, naming the field and the rule broken.
  public func validate() throws(MLSError) {
    guard CipherSuite.all.contains(cipherSuite) else {
      throw .unsupportedCipherSuite(cipherSuite.rawValue)
    }
    try check(
      (1...Limits.maximumReplayCacheSize).contains(replayCacheSize),
      "replayCacheSize must be 1...\(Limits.maximumReplayCacheSize)")
    try check(
      (0...Limits.maximumPaddingBlockSize).contains(paddingBlockSize),
      "paddingBlockSize must be 0...\(Limits.maximumPaddingBlockSize)")
    try validateWindow()
    try check(
      (0...Limits.maximumPastEpochRetention).contains(pastEpochRetention),
      "pastEpochRetention must be 0...\(Limits.maximumPastEpochRetention)")
    try check(keyPackageLifetime > .zero, "keyPackageLifetime must be positive")
    try check(keyRotationInterval > .zero, "keyRotationInterval must be positive")
    try check(
      keyRotationInterval <= keyPackageLifetime,
      "keyRotationInterval must not exceed keyPackageLifetime")
    try check(removalAlert.count >= 1, "removalAlert.count must be at least 1")
    try check(removalAlert.window > .zero, "removalAlert.window must be positive")
    try check(replayAlert.count >= 1, "replayAlert.count must be at least 1")
    try check(replayAlert.window > .zero, "replayAlert.window must be positive")
    try check(
      (Limits.minimumMessageSize...Limits.maximumMessageSize).contains(maximumMessageSize),
      "maximumMessageSize must be \(Limits.minimumMessageSize)...\(Limits.maximumMessageSize)")
    try check(
      paddingBlockSize < maximumMessageSize, "paddingBlockSize must be below maximumMessageSize")
    try check(passphrasePolicy.minimumLength >= 12, "passphrasePolicy.minimumLength must be >= 12")
  }

  /// RFC 9420 §9.2: keeping more skipped keys than the forward distance allows is meaningless
  /// (no jump can skip that many), and a zero distance would refuse every out-of-order message.
  private func validateWindow() throws(MLSError) {
    let window = outOfOrderWindow
    try check(
      window.maximumSkippedKeys <= Limits.maximumSkippedKeys,
      "outOfOrderWindow.maximumSkippedKeys must be at most \(Limits.maximumSkippedKeys)")
    try check(
      window.maximumForwardDistance >= 1, "outOfOrderWindow.maximumForwardDistance must be >= 1")
    try check(
      window.maximumSkippedKeys <= Int(window.maximumForwardDistance),
      "outOfOrderWindow.maximumSkippedKeys must not exceed maximumForwardDistance")
  }

  private func check(_ condition: Bool, _ rule: String) throws(MLSError) {
    guard condition else { throw .invalidConfiguration(rule) }
  }
}
