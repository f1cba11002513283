import MLS
import MLSCodec
import MLSCrypto

/// Persistence of handles, identities and pending KeyPackages, sealed with `EncryptedStateFile`
/// (Argon2id 64 MiB / 3 / 4, AES-256-GCM). Each kind of file is bound to its own associated
/// data, so a file of one kind never opens as another.
///
///     struct {
///       uint16 format = 1;
///       opaque group_state<V>;            // GroupState.serializedState(): tree, private keys,
///                                         // epoch secrets, secret tree, proposals, PSKs
///       StoredIdentity identity;
///       optional<struct { opaque psk_id<V>; opaque secret<V>; }> application_psk;
///       opaque replay_digests<V>;         // 32-byte SHA-256 digests, oldest first
///       uint64 counters[9];
///       uint64 last_self_update;          // seconds since the Unix epoch
///     } StoredHandle;
extension MLSHandle {
  static let storedFormat: UInt16 = 1
  static let handleLabel: [UInt8] = Array("spacepanda-handle-v1".utf8)
  static let identityLabel: [UInt8] = Array("spacepanda-identity-v1".utf8)
  static let keyPackageLabel: [UInt8] = Array("spacepanda-keypackage-v1".utf8)

  /// The complete state as bytes (unencrypted: seal them before they leave memory).
  public func serializedState() throws(MLSError) -> [UInt8] {
    let state = read { $0 }
    let group = try HandleCodec.group { () throws(GroupError) in
      try state.group.serializedState()
    }
    var writer = TLSWriter(reservingCapacity: group.count + 4096)
    do {
      writer.write(Self.storedFormat)
      try writer.writeOpaque(group)
      try writer.writeOpaque(try state.identity.serialized())
      if let app = state.appPSK {
        writer.write(UInt8(1))
        try writer.writeOpaque(app.pskID)
        try writer.writeOpaque(app.secret.revealed())
      } else {
        writer.write(UInt8(0))
      }
      try writer.writeOpaque(state.digestsOldestFirst.flatMap { $0 })
      for value in state.counters.stored { writer.write(UInt64(clamping: value)) }
      let seconds = state.monitor.lastSelfUpdate.sinceUnixEpoch.components.seconds
      writer.write(UInt64(bitPattern: seconds))
    } catch {
      throw MLSError(wrapping: error)
    }
    return writer.bytes
  }

  /// Restores a handle from `serializedState()`. Damaged input fails with `corruptedState`.
  public static func restore(
    serializedState bytes: [UInt8], config: MLSConfig = .default,
    authorizationPolicy: (any AuthorizationPolicy)? = nil,
    clock: any MLSClock = SystemClock()
  ) throws(MLSError) -> MLSHandle {
    try config.validate()
    var reader = TLSReader(bytes)
    do {
      guard try reader.readUInt16() == storedFormat else {
        throw MLSError.corruptedState("unknown handle state format")
      }
      let groupBytes = try reader.readOpaque()
      let group = try GroupState(
        serializedState: groupBytes, options: groupOptions(config, clock: clock))
      let identity = try Identity(serialized: try reader.readOpaque())
      guard identity.cipherSuite == group.cipherSuite,
        group.tree.leafNode(at: group.ownLeafIndex)?.signatureKey == identity.signaturePublicKey
      else { throw MLSError.corruptedState("identity does not match the group state") }
      var appPSK: ApplicationPSK?
      switch try reader.readUInt8() {
      case 0: appPSK = nil
      case 1:
        appPSK = ApplicationPSK(
          pskID: try reader.readOpaque(), secret: SecretBytes(try reader.readOpaque()))
      default: throw MLSError.corruptedState("application PSK flag")
      }
      let digests = try reader.readOpaque()
      guard digests.count % 32 == 0 else { throw MLSError.corruptedState("replay digests") }
      var counters: [Int] = []
      for _ in 0..<MLSCounters.storedCount {
        counters.append(Int(clamping: try reader.readUInt64()))
      }
      let lastUpdate = Int64(bitPattern: try reader.readUInt64())
      try reader.finish()
      var state = try HandleState(group: group, identity: identity, appPSK: appPSK, config: config)
      state.monitor = ActivityMonitor(
        config: config, clock: clock, lastSelfUpdate: .seconds(lastUpdate))
      state.counters = MLSCounters(stored: counters)
      for start in stride(from: 0, to: digests.count, by: 32) {
        try state.remember(Array(digests[start..<(start + 32)]))
      }
      return MLSHandle(
        config: config, policy: authorizationPolicy ?? config.authorizationPolicy, state: state)
    } catch let error as MLSError {
      throw Self.storedError(error)
    } catch let error as GroupError {
      throw Self.storedError(MLSError(error))
    } catch {
      throw .corruptedState("handle state: \(MLSError(wrapping: error))")
    }
  }

  /// Any failure while decoding stored bytes means the state is damaged.
  static func storedError(_ error: MLSError) -> MLSError {
    if case .corruptedState = error { return error }
    return .corruptedState(error.description)
  }

  /// Seals the complete state under `passphrase` and atomically replaces the file at `path`
  /// (mode 0600). `weakPassphrase` when the configured policy refuses the passphrase.
  public func save(to path: String, passphrase: String) throws(MLSError) {
    let file = EncryptedStateFile(passphrasePolicy: config.passphrasePolicy)
    try file.save(
      try serializedState(), to: path, passphrase: passphrase, associatedData: Self.handleLabel)
  }

  /// Loads a handle saved with `save(to:passphrase:)`. `wrongPassphrase` when the passphrase
  /// does not open it, `corruptedState` when the file is damaged, `groupNotFound` when absent.
  public static func load(
    from path: String, passphrase: String, config: MLSConfig = .default,
    authorizationPolicy: (any AuthorizationPolicy)? = nil,
    clock: any MLSClock = SystemClock()
  ) throws(MLSError) -> MLSHandle {
    let file = EncryptedStateFile(passphrasePolicy: config.passphrasePolicy)
    let bytes = try file.load(from: path, passphrase: passphrase, associatedData: handleLabel)
    return try restore(
      serializedState: bytes, config: config, authorizationPolicy: authorizationPolicy,
      clock: clock)
  }
}

extension MLSHandle.Identity {
  /// `struct { opaque name<V>; CipherSuite suite; opaque public<V>; opaque private<V>; }`
  public func serialized() throws(MLSError) -> [UInt8] {
    var writer = TLSWriter()
    do {
      try writer.writeOpaque(Array(name.utf8))
      writer.write(cipherSuite.rawValue)
      try writer.writeOpaque(signaturePublicKey)
      try writer.writeOpaque(signaturePrivateKey.revealed())
    } catch {
      throw MLSError(wrapping: error)
    }
    return writer.bytes
  }

  /// Decodes `serialized()`, checking that the key pair matches.
  public init(serialized bytes: [UInt8]) throws(MLSError) {
    var reader = TLSReader(bytes)
    do {
      let name = try reader.readOpaque()
      let suite = CipherSuite(rawValue: try reader.readUInt16())
      let publicKey = try reader.readOpaque()
      let privateKey = SecretBytes(try reader.readOpaque())
      try reader.finish()
      guard let text = String(validating: name, as: UTF8.self), !text.isEmpty else {
        throw MLSError.corruptedState("identity name")
      }
      let provider = try CipherSuiteProvider(suite)
      guard try provider.signaturePublicKey(for: privateKey) == publicKey else {
        throw MLSError.corruptedState("identity key pair does not match")
      }
      self.init(
        name: text, cipherSuite: suite, signaturePublicKey: publicKey,
        signaturePrivateKey: privateKey)
    } catch {
      throw MLSHandle.storedError(MLSError(wrapping: error))
    }
  }

}

extension MLSHandle.PendingKeyPackage {
  /// `struct { KeyPackage key_package; opaque init_private<V>; opaque leaf_private<V>; }`
  public func serialized() throws(MLSError) -> [UInt8] {
    var writer = TLSWriter()
    do {
      try writer.write(keyPackage)
      try writer.writeOpaque(initPrivateKey.revealed())
      try writer.writeOpaque(encryptionPrivateKey.revealed())
    } catch {
      throw MLSError(wrapping: error)
    }
    return writer.bytes
  }

  /// Decodes `serialized()`, checking both private keys against the KeyPackage.
  public init(serialized bytes: [UInt8]) throws(MLSError) {
    var reader = TLSReader(bytes)
    do {
      let keyPackage: KeyPackage = try reader.read()
      let initKey = SecretBytes(try reader.readOpaque())
      let leafKey = SecretBytes(try reader.readOpaque())
      try reader.finish()
      let provider = try CipherSuiteProvider(keyPackage.cipherSuite)
      guard try provider.kemPublicKey(for: initKey) == keyPackage.initKey,
        try provider.kemPublicKey(for: leafKey) == keyPackage.leafNode.encryptionKey
      else { throw MLSError.corruptedState("KeyPackage private keys do not match") }
      let reference = try keyPackage.reference(provider: provider)
      try self.init(
        keyPackage: keyPackage, reference: reference, initPrivateKey: initKey,
        encryptionPrivateKey: leafKey)
    } catch {
      throw MLSHandle.storedError(MLSError(wrapping: error))
    }
  }

}

extension MLSCounters {
  static let storedCount = 9

  var stored: [Int] {
    [
      messagesSent, messagesReceived, replays, decryptionFailures, epochs, unauthorized,
      membersAdded, membersRemoved, unusualActivity,
    ]
  }

  init(stored: [Int]) {
    self.init()
    guard stored.count == Self.storedCount else { return }
    messagesSent = stored[0]
    messagesReceived = stored[1]
    replays = stored[2]
    decryptionFailures = stored[3]
    epochs = stored[4]
    unauthorized = stored[5]
    membersAdded = stored[6]
    membersRemoved = stored[7]
    unusualActivity = stored[8]
  }
}

/// A value kept in its own sealed file: an identity or a pending KeyPackage, each bound to its
/// own label as associated data so one kind never opens as another.
public protocol SealedRecord {
  /// The associated data binding a file to its kind.
  static var sealLabel: [UInt8] { get }
  func serialized() throws(MLSError) -> [UInt8]
  init(serialized bytes: [UInt8]) throws(MLSError)
}

extension SealedRecord {
  /// Seals the value (its private keys included) into the file at `path`.
  public func save(
    to path: String, passphrase: String, policy: PassphrasePolicy = PassphrasePolicy()
  ) throws(MLSError) {
    try EncryptedStateFile(passphrasePolicy: policy).save(
      try serialized(), to: path, passphrase: passphrase, associatedData: Self.sealLabel)
  }

  /// Opens a file written by `save(to:passphrase:policy:)`.
  public static func load(from path: String, passphrase: String) throws(MLSError) -> Self {
    let bytes = try EncryptedStateFile().load(
      from: path, passphrase: passphrase, associatedData: Self.sealLabel)
    return try Self(serialized: bytes)
  }
}

extension MLSHandle.Identity: SealedRecord {
  public static var sealLabel: [UInt8] { MLSHandle.identityLabel }
}

extension MLSHandle.PendingKeyPackage: SealedRecord {
  public static var sealLabel: [UInt8] { MLSHandle.keyPackageLabel }
}
