import MLSCrypto

/// Why a secret tree or hash ratchet refused a request. RFC 9420 §9.
///
/// Associated values are positions (leaves, generations), never key material.
public enum SecretTreeError: Error, Equatable, Sendable {
  /// A primitive of the cipher suite failed.
  case crypto(CryptoError)
  /// A secret tree needs at least one leaf.
  case emptyTree
  /// The leaf is not in the tree.
  case leafOutOfRange(leaf: UInt32, leafCount: UInt32)
  /// The key of this generation was already used, or was deleted because it fell out of the
  /// retention window (§9.2): it can never be obtained again.
  case generationUnavailable(generation: UInt32)
  /// The generation is further ahead of the ratchet than the configuration allows; deriving up to
  /// it would let one message force unbounded work.
  case generationTooFarAhead(generation: UInt32, next: UInt32, maximumDistance: UInt32)
  /// The ratchet reached the last generation a uint32 can number.
  case ratchetExhausted
}

/// How long a receiver keeps keys for out-of-order messages. RFC 9420 §9.2 ("Members MAY keep
/// unconsumed values around for some reasonable amount of time").
public struct SecretTreeConfiguration: Hashable, Sendable {
  /// Skipped keys kept per ratchet (per sender and content kind); the oldest go first.
  public var maximumSkippedKeys: Int
  /// How far past the next unused generation a request may jump.
  public var maximumForwardDistance: UInt32

  public init(maximumSkippedKeys: Int = 5, maximumForwardDistance: UInt32 = 1000) {
    self.maximumSkippedKeys = max(0, maximumSkippedKeys)
    self.maximumForwardDistance = maximumForwardDistance
  }
}

/// One single-use AEAD key and nonce of a ratchet. RFC 9420 §9.1.
public struct RatchetKey: Sendable {
  public let generation: UInt32
  public let key: SecretBytes
  public let nonce: [UInt8]
}

/// The two ratchets of a leaf: handshake messages (proposals, commits) and application messages
/// use separate key sequences. RFC 9420 §9.
public enum RatchetKind: Hashable, Sendable {
  case handshake
  case application

  /// The `ExpandWithLabel` label that seeds this ratchet from the leaf secret.
  var label: String {
    switch self {
    case .handshake: "handshake"
    case .application: "application"
    }
  }
}

/// A symmetric hash ratchet: a sequence of single-use keys and nonces. RFC 9420 §9.1.
///
/// Only the next generation's secret is kept; every step forward overwrites it, so earlier
/// generations cannot be derived again. Keys skipped on the way to a later generation are kept,
/// up to the configured number, for messages that arrive out of order, and each is removed when
/// handed out (§9.2). Receivers use `withKey(for:_:)`, which removes a key only once it has
/// opened a message.
public struct HashRatchet: Sendable {
  let provider: CipherSuiteProvider
  let configuration: SecretTreeConfiguration
  /// `ratchet_secret_[N]_[next]`; nil once the generation counter is exhausted.
  var secret: SecretBytes? {
    didSet { keyed = nil }
  }
  /// `secret` keyed for HMAC, for a sending ratchet only: made at the first `next()`, then
  /// re-keyed in place with each next secret. Copies of the ratchet share it until one of them
  /// steps, which copies it first. Receiving ratchets (one per sender heard from) key each step
  /// afresh instead: an OpenSSL HMAC context is ~1 KB, the sender's own two are enough.
  private var keyed: RatchetHMAC?
  /// The generation whose key has not been derived yet.
  public internal(set) var nextGeneration: UInt32
  var skipped: [UInt32: RatchetKey] = [:]

  init(provider: CipherSuiteProvider, secret: SecretBytes, configuration: SecretTreeConfiguration) {
    self.provider = provider
    self.configuration = configuration
    self.secret = secret
    self.nextGeneration = 0
  }

  /// The key for the next generation, for sending: each call returns a new generation.
  public mutating func next() throws(SecretTreeError) -> RatchetKey {
    try advance(sending: true)
  }

  /// The key of `generation`, for receiving; afterwards it cannot be obtained again.
  ///
  /// A generation below `nextGeneration` is served from the skipped keys if still held. A later
  /// one is reached by ratcheting forward, keeping the keys passed over.
  public mutating func key(for generation: UInt32) throws(SecretTreeError) -> RatchetKey {
    if generation < nextGeneration {
      guard let key = skipped.removeValue(forKey: generation) else {
        throw .generationUnavailable(generation: generation)
      }
      return key
    }
    let distance = generation - nextGeneration
    guard distance <= configuration.maximumForwardDistance else {
      throw .generationTooFarAhead(
        generation: generation, next: nextGeneration,
        maximumDistance: configuration.maximumForwardDistance)
    }
    while nextGeneration < generation {
      let passed = try advance(sending: false)
      retain(passed)
    }
    return try advance(sending: false)
  }

  /// Runs `body` with the key of `generation` and consumes that key only if `body` succeeds.
  /// RFC 9420 §9.2.
  ///
  /// A receiver may only delete a key once a message has proven it was sent under it (the AEAD
  /// open succeeded); otherwise a forged message naming a generation would burn the key the
  /// honest message needs. `body` runs against a trial copy of the ratchet, which replaces
  /// `self` only on success, so a failure leaves the state (skipped keys included) untouched.
  /// Errors of the ratchet itself are thrown; `body`'s error comes back as `.failure`.
  public mutating func withKey<T, E: Error>(
    for generation: UInt32, _ body: (RatchetKey) throws(E) -> T
  ) throws(SecretTreeError) -> Result<T, E> {
    if generation == nextGeneration {
      // In order (the usual case): the step is derived without moving the ratchet, and taken
      // only once `body` accepted its key, with no trial copy of the ratchet.
      let step = try peek(sending: false)
      do throws(E) {
        let value = try body(step.key)
        take(step.nextSecret, sending: false)
        return .success(value)
      } catch {
        return .failure(error)
      }
    }
    var trial = self
    let key = try trial.key(for: generation)
    do throws(E) {
      let value = try body(key)
      self = trial
      return .success(value)
    } catch {
      return .failure(error)
    }
  }

  /// Derives the key and nonce of `nextGeneration`, then replaces the secret with the next one.
  private mutating func advance(sending: Bool) throws(SecretTreeError) -> RatchetKey {
    let step = try peek(sending: sending)
    take(step.nextSecret, sending: sending)
    return step.key
  }

  /// The key, nonce and next secret of `nextGeneration`, leaving the ratchet where it is.
  private mutating func peek(sending: Bool) throws(SecretTreeError) -> (
    key: RatchetKey, nextSecret: SecretBytes
  ) {
    guard let current = secret else { throw .ratchetExhausted }
    let generation = nextGeneration
    let hmac = sending ? try exclusiveKeyed(current) : nil
    // DeriveTreeSecret(secret, label, generation, length) for the three labels: one keyed HMAC.
    let step = try wrap {
      () throws(CryptoError) -> (key: SecretBytes, nonce: [UInt8], nextSecret: SecretBytes) in
      if let hmac { return try provider.deriveRatchetStep(keyed: hmac, generation: generation) }
      return try provider.deriveRatchetStep(secret: current, generation: generation)
    }
    return (RatchetKey(generation: generation, key: step.key, nonce: step.nonce), step.nextSecret)
  }

  /// Moves past `nextGeneration` (just peeked): its secret is replaced, in the keyed context too.
  private mutating func take(_ nextSecret: SecretBytes, sending: Bool) {
    let hmac = sending ? keyed : nil
    if nextGeneration == UInt32.max {
      // No generation number is left for the following secret: drop it.
      secret = nil
      return
    }
    secret = nextSecret
    nextGeneration += 1
    guard let hmac else { return }
    // `secret`'s didSet dropped the keyed context; a sending ratchet re-keys it in place (it is
    // this ratchet's alone: `peek` made it so). On failure it is made again when next needed.
    do throws(CryptoError) {
      try hmac.rekey(nextSecret)
      keyed = hmac
    } catch {
      keyed = nil
    }
  }

  /// The keyed secret, made or copied so that this ratchet holds the only reference.
  private mutating func exclusiveKeyed(_ current: SecretBytes) throws(SecretTreeError)
    -> RatchetHMAC
  {
    if isKnownUniquelyReferenced(&keyed), let hmac = keyed { return hmac }
    let shared = keyed
    let made = try wrap { () throws(CryptoError) -> RatchetHMAC in
      if let shared { return try shared.copy() }
      return try RatchetHMAC(provider.hash, secret: current)
    }
    keyed = made
    return made
  }

  private mutating func retain(_ key: RatchetKey) {
    guard configuration.maximumSkippedKeys > 0 else { return }
    skipped[key.generation] = key
    while skipped.count > configuration.maximumSkippedKeys, let oldest = skipped.keys.min() {
      skipped.removeValue(forKey: oldest)
    }
  }
}

/// Runs a provider call, wrapping its error so secret tree functions throw one type.
@inline(__always)
func wrap<T>(_ body: () throws(CryptoError) -> T) throws(SecretTreeError) -> T {
  do throws(CryptoError) {
    return try body()
  } catch {
    throw .crypto(error)
  }
}
