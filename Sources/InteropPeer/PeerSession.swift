import MLS
import MLSCodec
import MLSCrypto

/// What the caller does after a request: write the reply line, or exit.
public enum PeerOutcome: Sendable, Equatable {
  case reply(PeerReply)
  /// `{"op":"quit"}`: no reply, exit with status 0 (PROTOCOL.md §4).
  case quit
}

/// One interop peer: one MLS client (one signature key, one identity), member of at most one
/// group at a time, driven by JSON request lines (interop PROTOCOL.md).
///
/// Pure and in memory: `handle(line:)` maps a request to a reply. Every operation works on
/// copies and stores them only on success, so an error reply leaves the session exactly as it was.
public struct PeerSession: Sendable {
  /// The only suite the reference peers share (PROTOCOL.md §5).
  public static let cipherSuite = CipherSuite.x25519Aes128Sha256Ed25519
  /// The longest KeyPackage lifetime accepted. RFC 9420 §7.2 asks for a limit; the reference
  /// peers send up to one year (mls-rs), so the peer takes up to two.
  public static let maximumAcceptedLifetime: UInt64 = 2 * 366 * 24 * 3600

  public let configuration: PeerConfiguration
  let provider: CipherSuiteProvider
  let signaturePrivateKey: SecretBytes
  /// KeyPackages handed out and not yet used by a Welcome, with their private keys.
  var keyPackages: [KeyPackageBundle] = []
  /// The current group, if any (possibly inactive after this member was removed).
  public private(set) var group: GroupState?

  /// A session with a fresh signature key pair.
  public init(configuration: PeerConfiguration) throws(PeerError) {
    self.configuration = configuration
    do {
      provider = try CipherSuiteProvider(Self.cipherSuite)
      signaturePrivateKey = try provider.generateSignatureKeyPair().privateKey
    } catch {
      throw .crypto(error)
    }
  }

  /// The local policy of every group this peer creates or joins (PROTOCOL.md §5).
  var groupOptions: GroupOptions {
    GroupOptions(
      maximumLifetime: Self.maximumAcceptedLifetime,
      encryptHandshakeMessages: configuration.handshake == .private,
      ratchetTreeInWelcome: configuration.ratchetTree == .extension)
  }

  /// Handles one request line. Never throws: failures become `{"ok":false,...}` replies.
  public mutating func handle(line: String) -> PeerOutcome {
    do throws(PeerError) {
      let request = try PeerRequest.parse(line)
      guard let op = request.op else { throw PeerError.missingField("op") }
      if op == "quit" { return .quit }
      return .reply(try perform(op, request))
    } catch {
      return .reply(.failure(error))
    }
  }

  private mutating func perform(_ op: String, _ request: PeerRequest) throws(PeerError)
    -> PeerReply
  {
    switch op {
    case "whoami": return PeerReply(ok: true, fields: [("identity", .string(configuration.name))])
    case "key_package": return try keyPackage()
    case "create_group": return try createGroup(request)
    case "add": return try add(request)
    case "join": return try join(request)
    case "protect": return try protect(request)
    case "process": return try process(request)
    case "update": return try update()
    case "remove": return try remove(request)
    case "export": return try export(request)
    case "epoch":
      guard let group, group.isActive else {
        return PeerReply(ok: true, fields: [("epoch", .null)])
      }
      return PeerReply(ok: true, fields: [("epoch", .integer(Int64(group.epoch)))])
    default: throw .unknownOperation(op)
    }
  }

  // MARK: - Operations

  /// A fresh KeyPackage: basic credential = name, lifetime from an hour ago for twelve weeks,
  /// no GREASE (the reference stacks differ in how they treat unknown values). RFC 9420 §10.
  mutating func keyPackage() throws(PeerError) -> PeerReply {
    let bundle = try makeBundle()
    let message = MLSMessage(version: .mls10, body: .keyPackage(bundle.keyPackage))
    keyPackages.append(bundle)
    return PeerReply(ok: true, fields: [("key_package", .string(try encode(message)))])
  }

  func makeBundle() throws(PeerError) -> KeyPackageBundle {
    do {
      return try KeyPackageBuilder(
        cipherSuite: Self.cipherSuite, credential: .basic(identity: Array(configuration.name.utf8)),
        signaturePrivateKey: signaturePrivateKey,
        capabilities: KeyPackageBuilder.defaultCapabilities(grease: false)
      ).build()
    } catch {
      throw .keyPackage(error)
    }
  }

  /// A one-member group in epoch 0 with the given id and no GroupContext extensions.
  /// RFC 9420 §11.
  mutating func createGroup(_ request: PeerRequest) throws(PeerError) -> PeerReply {
    let groupID: [UInt8]
    if let text = request.groupID {
      groupID = try Base64.decode(text, field: "group_id")
    } else {
      do {
        groupID = try SecureRandom.bytes(16)
      } catch {
        throw .crypto(error)
      }
    }
    let bundle = try makeBundle()
    let created = try wrap {
      try GroupState.create(
        groupID: groupID, cipherSuite: Self.cipherSuite, leafNode: bundle.keyPackage.leafNode,
        encryptionPrivateKey: bundle.encryptionPrivateKey,
        signaturePrivateKey: signaturePrivateKey, extensions: [], options: groupOptions)
    }
    group = created
    return PeerReply(ok: true)
  }

  /// Commits one Add by value (no UpdatePath: RFC 9420 §12.4 does not require one) and merges
  /// it; the Welcome carries the tree unless it goes out of band. RFC 9420 §12.1.1, §12.4.3.
  mutating func add(_ request: PeerRequest) throws(PeerError) -> PeerReply {
    var state = try activeGroup()
    let message = try decodeMessage(request.keyPackage, field: "key_package")
    guard case .keyPackage(let keyPackage) = message.body else {
      throw .invalidField("key_package", "not an mls_key_package MLSMessage")
    }
    guard keyPackage.version == message.version else {
      throw .invalidField("key_package", "KeyPackage version differs from the MLSMessage's")
    }
    let output = try wrap { try state.commit(proposals: [.add(Add(keyPackage: keyPackage))]) }
    try wrap { try state.mergePendingCommit() }
    guard let welcome = output.welcome else { throw .encoding("Welcome") }
    var tree = PeerJSONValue.null
    if configuration.ratchetTree == .outOfBand {
      tree = .string(try encode(state.tree.wireForm))
    }
    let commit = try encode(output.commit)
    let welcomeText = try encode(welcome)
    group = state
    return PeerReply(
      ok: true,
      fields: [
        ("commit", .string(commit)), ("welcome", .string(welcomeText)), ("ratchet_tree", tree),
      ])
  }

  /// Joins from a Welcome with the KeyPackage it names; the tree comes from the request or the
  /// GroupInfo, and every check of RFC 9420 §12.4.3.1 applies.
  mutating func join(_ request: PeerRequest) throws(PeerError) -> PeerReply {
    let message = try decodeMessage(request.welcome, field: "welcome")
    guard case .welcome(let welcome) = message.body else {
      throw .invalidField("welcome", "not an mls_welcome MLSMessage")
    }
    var ratchetTree: RatchetTree?
    if let text = request.ratchetTree {
      let bytes = try Base64.decode(text, field: "ratchet_tree")
      do {
        ratchetTree = try RatchetTree(tlsSerialized: bytes)
      } catch {
        throw .invalidField("ratchet_tree", "not a TLS-encoded ratchet tree")
      }
    }
    let references = Set(welcome.secrets.map(\.newMember))
    guard let position = keyPackages.firstIndex(where: { references.contains($0.reference) })
    else { throw .noMatchingKeyPackage }
    let bundle = keyPackages[position]
    let joined = try wrap {
      try GroupState.join(
        welcome: welcome, keyPackage: bundle.keyPackage, initPrivateKey: bundle.initPrivateKey,
        encryptionPrivateKey: bundle.encryptionPrivateKey,
        signaturePrivateKey: signaturePrivateKey, ratchetTree: ratchetTree, options: groupOptions)
    }
    keyPackages.remove(at: position)
    group = joined
    return PeerReply(ok: true, fields: [("epoch", .integer(Int64(joined.epoch)))])
  }

  /// Application data as a PrivateMessage with empty authenticated_data. RFC 9420 §6.3.
  mutating func protect(_ request: PeerRequest) throws(PeerError) -> PeerReply {
    var state = try activeGroup()
    guard let text = request.data else { throw .missingField("data") }
    let data = try Base64.decode(text, field: "data")
    let message = try wrap { try state.encrypt(application: data) }
    let encoded = try encode(message)
    group = state
    return PeerReply(ok: true, fields: [("message", .string(encoded))])
  }

  /// Processes another member's message in either framing; a commit is merged at once.
  /// RFC 9420 §6, §12.4.2.
  mutating func process(_ request: PeerRequest) throws(PeerError) -> PeerReply {
    var state = try activeGroup()
    let message = try decodeMessage(request.message, field: "message")
    let processed = try wrap { try state.process(message) }
    let reply: PeerReply
    switch processed.content {
    case .application(let data):
      reply = PeerReply(
        ok: true,
        fields: [("kind", .string("application")), ("data", .string(Base64.encode(data)))])
    case .proposal:
      reply = PeerReply(ok: true, fields: [("kind", .string("proposal"))])
    case .commit(let staged):
      try wrap { try state.merge(staged) }
      reply = PeerReply(
        ok: true, fields: [("kind", .string("commit")), ("removed", .bool(staged.removesSelf))])
    }
    group = state
    return reply
  }

  /// A commit of the cached proposals with an UpdatePath: a fresh leaf (source commit) and new
  /// path secrets. RFC 9420 §12.4.1.
  mutating func update() throws(PeerError) -> PeerReply {
    var state = try activeGroup()
    let output = try wrap { try state.commit(forcePath: true) }
    try wrap { try state.mergePendingCommit() }
    let commit = try encode(output.commit)
    group = state
    return PeerReply(ok: true, fields: [("commit", .string(commit))])
  }

  /// Commits a Remove of the member at `leaf_index`, with an UpdatePath (RFC 9420 §12.4
  /// requires one for a Remove). `sender_of` is ignored.
  mutating func remove(_ request: PeerRequest) throws(PeerError) -> PeerReply {
    var state = try activeGroup()
    guard let raw = request.leafIndex else { throw .missingField("leaf_index") }
    guard let value = UInt32(exactly: raw) else {
      throw .invalidField("leaf_index", "out of range")
    }
    let leaf = LeafIndex(value)
    guard state.tree.leafNode(at: leaf) != nil else { throw .noMemberAtLeaf(value) }
    guard leaf != state.ownLeafIndex else { throw .cannotRemoveSelf }
    let output = try wrap {
      try state.commit(proposals: [.remove(Remove(removed: leaf))], forcePath: true)
    }
    try wrap { try state.mergePendingCommit() }
    let commit = try encode(output.commit)
    group = state
    return PeerReply(ok: true, fields: [("commit", .string(commit))])
  }

  /// `MLS-Exporter(label, context, length)` of the current epoch. RFC 9420 §8.5.
  func export(_ request: PeerRequest) throws(PeerError) -> PeerReply {
    let state = try activeGroup()
    guard let labelText = request.label else { throw .missingField("label") }
    guard let contextText = request.context else { throw .missingField("context") }
    guard let rawLength = request.length else { throw .missingField("length") }
    let labelBytes = try Base64.decode(labelText, field: "label")
    let context = try Base64.decode(contextText, field: "context")
    // The MLS layer takes the label as a string: only UTF-8 labels can be passed unchanged.
    guard let label = String(validating: labelBytes, as: UTF8.self) else {
      throw .invalidField("label", "not UTF-8")
    }
    guard let length = Int(exactly: rawLength), (0...0xFFFF).contains(length) else {
      throw .invalidField("length", "must be 0...65535")
    }
    let secret = try wrap { try state.exporter(label: label, context: context, length: length) }
    return PeerReply(ok: true, fields: [("secret", .string(Base64.encode(secret.revealed())))])
  }

  // MARK: - Helpers

  /// The group, when this peer is an active member of one.
  func activeGroup() throws(PeerError) -> GroupState {
    guard let group, group.isActive else { throw .noGroup }
    return group
  }

  func decodeMessage(_ text: String?, field: String) throws(PeerError) -> MLSMessage {
    guard let text else { throw .missingField(field) }
    let bytes = try Base64.decode(text, field: field)
    do {
      return try MLSMessage(tlsSerialized: bytes)
    } catch {
      throw .invalidField(field, "not a TLS-encoded MLSMessage")
    }
  }

  func encode(_ value: some TLSEncodable) throws(PeerError) -> String {
    do {
      return Base64.encode(try value.tlsSerialized())
    } catch {
      throw .encoding("\(type(of: value))")
    }
  }

  /// Runs a GroupState operation, mapping its `GroupError` into a reply error. The body is
  /// untyped because closures infer `any Error`; only `GroupError` is expected from it.
  func wrap<T>(_ body: () throws -> T) throws(PeerError) -> T {
    do {
      return try body()
    } catch let error as GroupError {
      throw .group(error)
    } catch let error as PeerError {
      throw error
    } catch {
      throw .group(.malformed(String(describing: type(of: error))))
    }
  }
}
