import MLS
import MLSCodec
import MLSCrypto
import Synchronization

/// The product's handle on one group membership. Safe to share between tasks.
///
/// All state (the RFC 9420 `GroupState`, the replay cache, counters, the activity monitor) sits
/// behind one `Mutex`: every operation runs to completion on a private copy and replaces the
/// state only on success, so a rejected message or a failed operation changes nothing, and
/// concurrent callers see operations in some serial order. Observers are called after the lock
/// is released, so an observer may call back into the handle.
///
/// Commits are merged at once: the handle assumes the delivery service accepts them in the
/// order sent (RFC 9420 §12.4.1 leaves this to the application). Handshake messages are framed
/// as `config.handshakeFraming` says.
public final class MLSHandle: Sendable {
  public let config: MLSConfig
  /// Who may add, remove, update, change extensions. Checked by this client for its own
  /// operations and for every proposal and commit it receives.
  public let authorizationPolicy: any AuthorizationPolicy
  let state: Mutex<HandleState>

  init(config: MLSConfig, policy: any AuthorizationPolicy, state: HandleState) {
    self.config = config
    self.authorizationPolicy = policy
    self.state = Mutex(state)
  }

  /// Creates a group with `identity` as its only member, in epoch 0. RFC 9420 §11.
  ///
  /// - Parameters:
  ///   - name: used as the group ID (UTF-8); nil picks 16 random bytes.
  ///   - applicationSecret: the application's shared secret (at least 16 bytes), registered
  ///     as a required external PSK (see `ApplicationPSK`); nil for an open group.
  ///   - extensions: initial GroupContext extensions (e.g. an `AdminList` for `AdminPolicy`).
  ///   - clock: the time for lifetimes, events and the key rotation schedule.
  ///   - observers: observers registered before the `groupCreated` event.
  public static func createGroup(
    name: String?, identity: Identity, applicationSecret: [UInt8]?,
    config: MLSConfig = .default, authorizationPolicy: (any AuthorizationPolicy)? = nil,
    extensions: [Extension] = [], clock: any MLSClock = SystemClock(),
    observers: [any MLSEventObserver] = []
  ) throws(MLSError) -> MLSHandle {
    try config.validate()
    let options = groupOptions(config, clock: clock)
    let groupID: [UInt8]
    if let name, !name.isEmpty {
      groupID = Array(name.utf8)
    } else {
      groupID = try HandleCodec.random(16)
    }
    guard identity.cipherSuite == config.cipherSuite else {
      throw .invalidConfiguration("identity's cipher suite differs from config.cipherSuite")
    }
    let pending = try generateKeyPackage(identity: identity, config: config, clock: clock)
    var group = try HandleCodec.group { () throws(GroupError) in
      try GroupState.create(
        groupID: groupID, cipherSuite: identity.cipherSuite,
        leafNode: pending.keyPackage.leafNode,
        encryptionPrivateKey: pending.encryptionPrivateKey,
        signaturePrivateKey: identity.signaturePrivateKey, extensions: extensions,
        options: options)
    }
    let appPSK = try applicationSecret.map { (secret) throws(MLSError) in
      try ApplicationPSK(secret: secret)
    }
    if let appPSK { group.psks.addExternal(pskID: appPSK.pskID, psk: appPSK.secret) }
    var state = try HandleState(group: group, identity: identity, appPSK: appPSK, config: config)
    state.observers = observers
    let handle = MLSHandle(
      config: config, policy: authorizationPolicy ?? config.authorizationPolicy, state: state)
    try handle.perform { (state, events) throws(MLSError) in
      events.append(state.event(.groupCreated, member: state.ownReference))
    }
    return handle
  }

  /// Joins a group from a Welcome addressed to `keyPackage`. RFC 9420 §12.4.3.1.
  ///
  /// With `applicationSecret`, the Welcome must inject the application PSK (otherwise the
  /// group is not one of this application's: `unauthorized`). Without it, a Welcome that needs
  /// any PSK fails (`unauthorized`).
  ///
  /// - Parameter ratchetTree: the tree (`RatchetTree` encoding) when the Welcome's GroupInfo
  ///   does not carry it.
  public static func join(
    welcome: [UInt8], ratchetTree: [UInt8]?, keyPackage: PendingKeyPackage, identity: Identity,
    applicationSecret: [UInt8]?, config: MLSConfig = .default,
    authorizationPolicy: (any AuthorizationPolicy)? = nil,
    clock: any MLSClock = SystemClock()
  ) throws(MLSError) -> MLSHandle {
    try config.validate()
    try checkSize(welcome, config)
    let message = try HandleCodec.decode(MLSMessage.self, welcome)
    // RFC 9420 §6: GroupState.join sees only the Welcome body, so the framing's version is
    // checked here (a mutation sweep found any version accepted).
    guard message.version == .mls10 else {
      throw .malformedMessage("unsupported protocol version \(message.version.rawValue)")
    }
    guard case .welcome(let body) = message.body else {
      throw .malformedMessage("not a Welcome")
    }
    let tree = try ratchetTree.map { (bytes) throws(MLSError) in
      try HandleCodec.decode(RatchetTree.self, bytes)
    }
    let appPSK = try applicationSecret.map { (secret) throws(MLSError) in
      try ApplicationPSK(secret: secret)
    }
    var psks = PSKStore()
    if let appPSK { psks.addExternal(pskID: appPSK.pskID, psk: appPSK.secret) }
    if let appPSK {
      let opened = try HandleCodec.group { () throws(GroupError) in
        try GroupState.decryptWelcome(
          body, keyPackage: keyPackage.keyPackage, initPrivateKey: keyPackage.initPrivateKey,
          psks: psks)
      }
      guard opened.psks.contains(where: appPSK.matches) else {
        throw .unauthorized("the Welcome does not use this application's secret")
      }
    }
    let options = groupOptions(config, clock: clock)
    let group = try HandleCodec.group { () throws(GroupError) in
      try GroupState.join(
        welcome: body, keyPackage: keyPackage.keyPackage,
        initPrivateKey: keyPackage.initPrivateKey,
        encryptionPrivateKey: keyPackage.encryptionPrivateKey,
        signaturePrivateKey: identity.signaturePrivateKey, ratchetTree: tree, psks: psks,
        options: options)
    }
    let state = try HandleState(group: group, identity: identity, appPSK: appPSK, config: config)
    return MLSHandle(
      config: config, policy: authorizationPolicy ?? config.authorizationPolicy, state: state)
  }

  /// The protocol options the configuration implies.
  static func groupOptions(_ config: MLSConfig, clock: any MLSClock) -> GroupOptions {
    var options = GroupOptions(
      clock: clock, secretTree: config.outOfOrderWindow,
      encryptHandshakeMessages: config.handshakeFraming == .privateMessage,
      padding: config.paddingBlockSize > 1 ? .multiple(of: config.paddingBlockSize) : .none)
    options.pastEpochRetention = config.pastEpochRetention
    return options
  }

  static func checkSize(_ bytes: [UInt8], _ config: MLSConfig) throws(MLSError) {
    guard bytes.count <= config.maximumMessageSize else {
      throw .messageTooLarge(size: bytes.count, limit: config.maximumMessageSize)
    }
  }

  // MARK: - Reading the state

  /// The current epoch (RFC 9420 §8).
  public var epoch: UInt64 { read { $0.group.epoch } }
  /// The group ID (RFC 9420 §8.1).
  public var groupID: [UInt8] { read { $0.group.groupID } }
  /// This client's leaf index.
  public var ownIndex: UInt32 { read { $0.group.ownLeafIndex.rawValue } }
  /// Whether this client is still a member (false once a commit removed it).
  public var isActive: Bool { read { $0.group.isActive } }
  /// The members, by leaf index.
  public var members: [Member] {
    read { state in state.group.members.map { Member(index: $0.index, leaf: $0.leaf) } }
  }
  /// Running totals of this handle's events and messages.
  public var counters: MLSCounters { read { $0.counters } }
  /// Replay cache statistics.
  public var replayStatistics: ReplayCache.Statistics { read { $0.replay.statistics } }
  /// `epoch_authenticator` (RFC 9420 §8.7): compare out of band to confirm a shared epoch.
  public var epochAuthenticator: [UInt8] {
    read { $0.group.epochAuthenticator.revealed() }
  }

  /// The ratchet tree (`RatchetTree` encoding), for joiners when Welcomes do not carry it.
  public func ratchetTree() throws(MLSError) -> [UInt8] {
    let tree = read { $0.group.tree.wireForm }
    return try HandleCodec.encode(tree)
  }

  /// `MLS-Exporter(label, context, length)`. RFC 9420 §8.5.
  public func exportSecret(label: String, context: [UInt8], length: Int) throws(MLSError)
    -> [UInt8]
  {
    let group = read { $0.group }
    guard group.isActive else { throw .notAMember }
    return try HandleCodec.group { () throws(GroupError) in
      try group.exporter(label: label, context: context, length: length).revealed()
    }
  }

  /// Registers an observer; it receives events from now on, after each operation completes.
  public func addObserver(_ observer: any MLSEventObserver) {
    state.withLock { $0.observers.append(observer) }
  }

  func read<T: Sendable>(_ body: (HandleState) -> T) -> T {
    state.withLock { body($0) }
  }

  /// Runs `body` under the lock. The body mutates `state` only when it succeeds (it works on
  /// copies); its events are counted, run through the activity monitor and delivered to the
  /// observers after the lock is released, also when the body failed.
  @discardableResult
  func perform<T: Sendable>(
    _ body: (inout HandleState, inout [MLSEvent]) throws(MLSError) -> T
  ) throws(MLSError) -> T {
    let (result, events, observers) = state.withLock {
      (state) -> (Result<T, MLSError>, [MLSEvent], [any MLSEventObserver]) in
      var events: [MLSEvent] = []
      let result: Result<T, MLSError>
      do throws(MLSError) {
        result = .success(try body(&state, &events))
      } catch {
        state.noteFailure(error, into: &events)
        result = .failure(error)
      }
      let delivered = state.account(events)
      return (result, delivered, state.observers)
    }
    for event in events {
      for observer in observers { observer.handle(event) }
    }
    return try result.get()
  }
}
