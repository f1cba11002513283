import MLSCrypto

/// Everything a member needs to protect and unprotect messages in one epoch. RFC 9420 §6.1-§6.3.
///
/// Built by the group from the epoch's `EpochSecrets`. The secret tree is mutated as keys are
/// used, so a value of this type is the live per-epoch state, not a snapshot to copy around.
public struct FramingKeys: Sendable {
  /// The context that member signatures and membership tags cover (§6.1, §6.2).
  public var groupContext: GroupContext
  /// Keys the membership tag of members' PublicMessages (§6.2). Unused for other senders.
  public var membershipKey: SecretBytes
  /// Keys the encryption of PrivateMessage sender data (§6.3.2).
  public var senderDataSecret: SecretBytes {
    didSet { senderDataKey = Self.keyed(senderDataSecret, groupContext) }
  }
  /// `senderDataSecret` keyed for HMAC once per epoch: every message expands it twice (§6.3.2).
  /// Nil only if OpenSSL failed to key it; the sender-data keys are then derived from the secret.
  private(set) var senderDataKey: HMACKey?
  /// Per-sender ratchets of content keys (§9); keys are consumed as they are used.
  public var secretTree: SecretTree

  public init(
    groupContext: GroupContext, membershipKey: SecretBytes, senderDataSecret: SecretBytes,
    secretTree: SecretTree
  ) {
    self.groupContext = groupContext
    self.membershipKey = membershipKey
    self.senderDataSecret = senderDataSecret
    self.secretTree = secretTree
    self.senderDataKey = Self.keyed(senderDataSecret, groupContext)
  }

  private static func keyed(_ secret: SecretBytes, _ context: GroupContext) -> HMACKey? {
    try? CipherSuiteProvider(context.cipherSuite).hmacKey(for: secret)
  }

  /// The keys of an epoch, with a fresh secret tree over `leafCount` leaves. RFC 9420 §8, §9.
  public init(
    groupContext: GroupContext, epochSecrets: EpochSecrets, leafCount: UInt32,
    configuration: SecretTreeConfiguration = .init()
  ) throws(SecretTreeError) {
    self.init(
      groupContext: groupContext, membershipKey: epochSecrets.membershipKey,
      senderDataSecret: epochSecrets.senderDataSecret,
      secretTree: try epochSecrets.secretTree(leafCount: leafCount, configuration: configuration))
  }
}

/// How much zero padding a sender appends to a PrivateMessage's content. RFC 9420 §6.3.1.
///
/// Padding hides the exact length of the content from observers. The default is `.none`: the
/// RFC leaves the amount to the application, and only the application knows which lengths
/// would be revealing. Choose `.multiple(of:)` to round every plaintext up to a block size.
public struct PaddingPolicy: Hashable, Sendable {
  /// The plaintext (content, auth data and padding) length is rounded up to a multiple of this.
  public let blockSize: Int

  private init(blockSize: Int) {
    self.blockSize = blockSize
  }

  /// No padding.
  public static let none = PaddingPolicy(blockSize: 1)

  /// Pads the plaintext to a multiple of `blockSize` bytes; values below 1 mean no padding.
  public static func multiple(of blockSize: Int) -> PaddingPolicy {
    PaddingPolicy(blockSize: max(1, blockSize))
  }

  /// The number of zero bytes to append to a plaintext of `length` bytes.
  public func paddingLength(forPlaintextLength length: Int) -> Int {
    let remainder = length % blockSize
    return remainder == 0 ? 0 : blockSize - remainder
  }
}
