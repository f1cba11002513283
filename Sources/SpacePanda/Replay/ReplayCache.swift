/// Duplicate and replay detection for received messages, as the product's guide requires
/// ("per-sender sequence tracking", "replay cache prevents duplicate processing", default size
/// 1000).
///
/// Two independent checks:
/// - per sender ratchet (epoch, leaf, content kind), the generations already seen, so a
///   PrivateMessage cannot be delivered twice even under a new outer encoding (RFC 9420 §9.2
///   requires each key be used once);
/// - an LRU set of identifiers of processed messages (a digest of the bytes), so exact
///   duplicates of any message, PublicMessages included, are refused cheaply.
///
/// Call the `accepts` checks before the expensive decryption if useful, and `record` only after
/// the message authenticated: recording unauthenticated input would let a forger poison the
/// window with generations the real sender has not used yet.
public struct ReplayCache: Sendable {
  /// How many replays were refused, messages recorded, and identifiers evicted.
  public struct Statistics: Sendable, Hashable {
    public var replaysDetected = 0
    public var messagesRecorded = 0
    public var evictions = 0
  }

  private var identifiers: LRUSet<MessageIdentifier>
  private var windows: [SenderStream: GenerationWindow] = [:]
  public private(set) var statistics = Statistics()

  /// A cache remembering up to `capacity` message identifiers (at least 1).
  public init(capacity: Int) throws(MLSError) {
    guard capacity >= 1 else {
      throw .invalidConfiguration("replayCacheSize must be at least 1")
    }
    identifiers = LRUSet(capacity: capacity)
  }

  /// A cache sized by `config.replayCacheSize`.
  public init(config: MLSConfig) throws(MLSError) {
    try self.init(capacity: config.replayCacheSize)
  }

  public var capacity: Int { identifiers.capacity }
  /// Identifiers currently remembered.
  public var count: Int { identifiers.count }
  /// Identifiers from most to least recently used.
  public var identifiersByRecency: [MessageIdentifier] { identifiers.keysByRecency }

  /// Whether `identifier` was already recorded (does not change recency).
  public func contains(_ identifier: MessageIdentifier) -> Bool {
    identifiers.contains(identifier)
  }

  /// Whether `generation` in `stream` has not been seen and is not older than the window.
  public func accepts(generation: UInt32, in stream: SenderStream) -> Bool {
    windows[stream]?.accepts(generation) ?? true
  }

  /// Records an authenticated message by identifier; a duplicate is refreshed (it stays
  /// remembered), counted, and refused with `.replayDetected`.
  public mutating func record(_ identifier: MessageIdentifier) throws(MLSError) {
    switch identifiers.insertOrTouch(identifier) {
    case .touched:
      statistics.replaysDetected += 1
      throw .replayDetected
    case .inserted(let evicted):
      if evicted != nil { statistics.evictions += 1 }
      statistics.messagesRecorded += 1
    }
  }

  /// Records an authenticated PrivateMessage: its generation in its stream, then its
  /// identifier. A seen or too old generation is counted and refused with `.replayDetected`,
  /// and nothing is recorded.
  public mutating func record(
    _ identifier: MessageIdentifier, generation: UInt32, in stream: SenderStream
  ) throws(MLSError) {
    guard accepts(generation: generation, in: stream) else {
      statistics.replaysDetected += 1
      throw .replayDetected
    }
    try record(identifier)
    if windows[stream] == nil {
      windows[stream] = GenerationWindow(first: generation)
    } else {
      windows[stream]?.mark(generation)
    }
  }

  /// Drops the generation windows of epochs before `epoch`: their secret trees are deleted, so
  /// their messages fail to decrypt anyway, and the map must not grow without bound.
  public mutating func forgetEpochs(before epoch: UInt64) {
    windows = windows.filter { $0.key.epoch >= epoch }
  }

  /// Sender streams currently tracked.
  public var trackedStreamCount: Int { windows.count }
}
