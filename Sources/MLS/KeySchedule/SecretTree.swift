import MLSCrypto

/// The secret tree of an epoch: per-sender hash ratchets derived from `encryption_secret`.
/// RFC 9420 §9.
///
/// Node secrets are derived lazily, only along the path to a leaf that is used. When a parent's
/// children are derived the parent's secret is deleted, and when a leaf's two ratchets are
/// seeded the leaf secret is deleted (§9.2), so the tree only ever holds the frontier of unused
/// subtrees plus the ratchets in use.
public struct SecretTree: Sendable {
  public let leafCount: UInt32
  let provider: CipherSuiteProvider
  let configuration: SecretTreeConfiguration
  let math: TreeMath
  /// Secrets of nodes not yet split into their children.
  var nodeSecrets: [NodeIndex: SecretBytes]
  var handshakeRatchets: [LeafIndex: HashRatchet] = [:]
  var applicationRatchets: [LeafIndex: HashRatchet] = [:]

  public init(
    provider: CipherSuiteProvider, encryptionSecret: SecretBytes, leafCount: UInt32,
    configuration: SecretTreeConfiguration = .init()
  ) throws(SecretTreeError) {
    guard leafCount > 0 else { throw .emptyTree }
    self.leafCount = leafCount
    self.provider = provider
    self.configuration = configuration
    // Ratchet trees are full (a power of two leaves, RFC 9420 §7.8); round up so the node
    // arithmetic below is that of a full tree whatever count a caller passes.
    let width = UInt64(1) << UInt64(64 - (UInt64(leafCount) - 1).leadingZeroBitCount)
    self.math = TreeMath(leafCount: UInt32(clamping: leafCount == 1 ? 1 : width))
    self.nodeSecrets = [math.root: encryptionSecret]
  }

  /// The number of node secrets still held (for tests of the deletion schedule).
  public var heldNodeSecretCount: Int { nodeSecrets.count }

  /// The key and nonce a member receiving from `leaf` needs for `generation`. RFC 9420 §9.1.
  ///
  /// Each key is returned once: a later request for the same generation fails with
  /// `.generationUnavailable`. The key is consumed even if the caller then fails to use it;
  /// to decrypt untrusted messages use `withKey(for:kind:generation:_:)`.
  public mutating func key(
    for leaf: LeafIndex, kind: RatchetKind, generation: UInt32
  ) throws(SecretTreeError) -> RatchetKey {
    try withRatchet(leaf, kind) { (ratchet) throws(SecretTreeError) -> RatchetKey in
      try ratchet.key(for: generation)
    }
  }

  /// Runs `body` with the key and nonce of `leaf`'s `generation`, consuming the key only if
  /// `body` succeeds. RFC 9420 §9.2.
  ///
  /// Receivers decrypt inside `body`: a message that fails to authenticate leaves the key (and
  /// the ratchet position) as it was, so a forgery cannot deny the honest message its key.
  /// Ratchet errors (leaf out of range, generation used or too far ahead) are thrown; `body`'s
  /// error is returned as `.failure`.
  public mutating func withKey<T, E: Error>(
    for leaf: LeafIndex, kind: RatchetKind, generation: UInt32,
    _ body: (RatchetKey) throws(E) -> T
  ) throws(SecretTreeError) -> Result<T, E> {
    guard handshakeRatchets[leaf] != nil else {
      // First message from this leaf in the epoch: derive its subtree on a trial copy, kept
      // only if `body` succeeds, so a refused message leaves the tree exactly as it was.
      // Later messages work in place (no copy of the ratchet dictionaries per message).
      var trial = self
      let result = try trial.withRatchet(leaf, kind) {
        (ratchet) throws(SecretTreeError) -> Result<T, E> in
        try ratchet.withKey(for: generation, body)
      }
      if case .success = result { self = trial }
      return result
    }
    return try withRatchet(leaf, kind) { (ratchet) throws(SecretTreeError) -> Result<T, E> in
      try ratchet.withKey(for: generation, body)
    }
  }

  /// The next key and nonce for `leaf` to send with; the generation goes into the message.
  public mutating func nextKey(
    for leaf: LeafIndex, kind: RatchetKind
  ) throws(SecretTreeError) -> RatchetKey {
    try withRatchet(leaf, kind) { (ratchet) throws(SecretTreeError) -> RatchetKey in
      try ratchet.next()
    }
  }

  private mutating func withRatchet<T>(
    _ leaf: LeafIndex, _ kind: RatchetKind,
    _ body: (inout HashRatchet) throws(SecretTreeError) -> T
  ) throws(SecretTreeError) -> T {
    try seedRatchetsIfNeeded(leaf)
    switch kind {
    case .handshake:
      guard var ratchet = handshakeRatchets.removeValue(forKey: leaf) else {
        throw .leafOutOfRange(leaf: leaf.rawValue, leafCount: leafCount)
      }
      defer { handshakeRatchets[leaf] = ratchet }
      return try body(&ratchet)
    case .application:
      guard var ratchet = applicationRatchets.removeValue(forKey: leaf) else {
        throw .leafOutOfRange(leaf: leaf.rawValue, leafCount: leafCount)
      }
      defer { applicationRatchets[leaf] = ratchet }
      return try body(&ratchet)
    }
  }

  /// Derives the path from the nearest held ancestor down to `leaf`, then both of the leaf's
  /// ratchets, deleting each secret once its children exist (§9.2).
  private mutating func seedRatchetsIfNeeded(_ leaf: LeafIndex) throws(SecretTreeError) {
    guard leaf.rawValue < leafCount else {
      throw .leafOutOfRange(leaf: leaf.rawValue, leafCount: leafCount)
    }
    if handshakeRatchets[leaf] != nil { return }
    let target = leaf.nodeIndex
    // Walk up until a node whose secret is still held; below it nothing on the path exists yet.
    var path: [NodeIndex] = [target]
    var top = target
    while nodeSecrets[top] == nil {
      guard let parent = math.parent(top) else {
        // Unreachable for a leaf in range: the root is held until split. Fail closed anyway.
        throw .leafOutOfRange(leaf: leaf.rawValue, leafCount: leafCount)
      }
      top = parent
      path.append(parent)
    }
    // Split each node on the way down, from `top` to the leaf's parent.
    for node in path.dropFirst().reversed() {
      try split(node)
    }
    guard let leafSecret = nodeSecrets.removeValue(forKey: target) else {
      throw .leafOutOfRange(leaf: leaf.rawValue, leafCount: leafCount)
    }
    let seeds = try wrap { () throws(CryptoError) -> (SecretBytes, SecretBytes) in
      let outputs = try provider.expandWithLabels(
        secret: leafSecret,
        [
          (RatchetKind.handshake.label, [], provider.hashLength),
          (RatchetKind.application.label, [], provider.hashLength),
        ])
      guard outputs.count == 2 else { throw .library("ExpandWithLabel outputs") }
      return (outputs[0], outputs[1])
    }
    handshakeRatchets[leaf] = HashRatchet(
      provider: provider, secret: seeds.0, configuration: configuration)
    applicationRatchets[leaf] = HashRatchet(
      provider: provider, secret: seeds.1, configuration: configuration)
  }

  /// Replaces a parent's secret with its two children's. RFC 9420 §9, Figure 25.
  private mutating func split(_ node: NodeIndex) throws(SecretTreeError) {
    guard let secret = nodeSecrets[node], let left = math.left(node), let right = math.right(node)
    else { return }
    let children = try wrap { () throws(CryptoError) -> (SecretBytes, SecretBytes) in
      let outputs = try provider.expandWithLabels(
        secret: secret,
        [
          ("tree", Array("left".utf8), provider.hashLength),
          ("tree", Array("right".utf8), provider.hashLength),
        ])
      guard outputs.count == 2 else { throw .library("ExpandWithLabel outputs") }
      return (outputs[0], outputs[1])
    }
    nodeSecrets[left] = children.0
    nodeSecrets[right] = children.1
    nodeSecrets.removeValue(forKey: node)
  }
}

/// The key and nonce that protect a PrivateMessage's sender data. RFC 9420 §6.3.2.
///
/// They depend on a sample of the ciphertext so that each message's sender data is encrypted
/// under its own key, without a counter the receiver would need before decrypting.
public enum SenderDataKeys {
  /// The first `KDF.Nh` bytes of the content ciphertext, or all of it when shorter.
  public static func ciphertextSample(
    _ ciphertext: [UInt8], provider: CipherSuiteProvider
  ) -> [UInt8] {
    Array(ciphertext.prefix(provider.hashLength))
  }

  /// `derive` with the secret already keyed for HMAC (`CipherSuiteProvider.hmacKey(for:)`).
  public static func derive(
    senderDataKey: HMACKey, ciphertext: [UInt8], provider: CipherSuiteProvider
  ) throws(SecretTreeError) -> (key: SecretBytes, nonce: [UInt8]) {
    try wrap { () throws(CryptoError) -> (key: SecretBytes, nonce: [UInt8]) in
      try provider.deriveSenderDataKeys(key: senderDataKey, ciphertext: ciphertext)
    }
  }

  /// `derive` from the secret itself (one-off uses; an epoch keys it once, see `FramingKeys`).
  public static func derive(
    senderDataSecret: SecretBytes, ciphertext: [UInt8], provider: CipherSuiteProvider
  ) throws(SecretTreeError) -> (key: SecretBytes, nonce: [UInt8]) {
    let key = try wrap { () throws(CryptoError) -> HMACKey in
      try provider.hmacKey(for: senderDataSecret)
    }
    return try derive(senderDataKey: key, ciphertext: ciphertext, provider: provider)
  }
}
