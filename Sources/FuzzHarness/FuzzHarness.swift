import MLS
import MLSCodec
import MLSCrypto

/// What one fuzz input did to a decoder. RFC 9420 §2.1: every input from the wire must either
/// decode to a value whose encoding is exactly that input, or be refused with a typed error.
public enum FuzzVerdict: Equatable, Sendable {
  /// Decoding threw: the expected outcome for most random inputs.
  case rejected
  /// The input decoded and every later check ran to completion (whatever it decided).
  case accepted
  /// A property the decoders promise was broken. The fuzz targets trap on this.
  case finding(FuzzFinding)
}

/// A broken promise, named by the type involved. Never carries input bytes or key material.
public enum FuzzFinding: Error, Equatable, Sendable, CustomStringConvertible {
  /// The value decoded, but encoding it gave different bytes: two encodings of one value would
  /// let signed or hashed content be altered without changing its meaning (RFC 9420 §2.1).
  case roundTripMismatch(type: String)
  /// The value decoded, but encoding it threw: a decoded value must always be encodable.
  case reencodingFailed(type: String)

  public var description: String {
    switch self {
    case .roundTripMismatch(let type): "re-encoding \(type) did not give back the input bytes"
    case .reencodingFailed(let type): "re-encoding a decoded \(type) threw"
    }
  }
}

/// The decoders under fuzzing, one per libFuzzer executable. RFC 9420 §6, §7.8, §10, §12.4.
///
/// The raw value names the executable target (`Sources/<rawValue>`) and its seed corpus folder
/// (`Fuzz/corpus/<rawValue>`). The logic lives here, in a library every normal build compiles,
/// so the harness cannot rot between fuzzing runs and its checks can be unit-tested.
public enum FuzzTarget: String, CaseIterable, Sendable {
  case mlsMessage = "FuzzMLSMessage"
  case keyPackage = "FuzzKeyPackage"
  case ratchetTree = "FuzzRatchetTree"
  case welcome = "FuzzWelcome"
  case groupInfo = "FuzzGroupInfo"
  case publicMessage = "FuzzPublicMessage"
  case privateMessage = "FuzzPrivateMessage"

  /// Runs one input through this target's decoder and the checks that follow it.
  public func run(_ bytes: [UInt8]) -> FuzzVerdict {
    do throws(FuzzFinding) {
      switch self {
      case .mlsMessage: return try FuzzChecks.mlsMessage(bytes)
      case .keyPackage: return try FuzzChecks.keyPackage(bytes)
      case .ratchetTree: return try FuzzChecks.ratchetTree(bytes)
      case .welcome: return try FuzzChecks.welcome(bytes)
      case .groupInfo: return try FuzzChecks.groupInfo(bytes)
      case .publicMessage: return try FuzzChecks.publicMessage(bytes)
      case .privateMessage: return try FuzzChecks.privateMessage(bytes)
      }
    } catch {
      return .finding(error)
    }
  }

  /// The group ID trees are validated under in the ratchet tree target; the seed corpus signs
  /// its commit-source leaves with it so that the signature checks can pass.
  public static let treeGroupID = Array("spacepanda-fuzz".utf8)

  /// The same, over the buffer libFuzzer hands to `LLVMFuzzerTestOneInput`.
  public func run(_ data: UnsafePointer<UInt8>?, count: Int) -> FuzzVerdict {
    guard let data, count > 0 else { return run([]) }
    return run(Array(UnsafeBufferPointer(start: data, count: count)))
  }
}

/// The per-target checks. Each throws only a `FuzzFinding`; decoding errors become `.rejected`.
enum FuzzChecks {
  /// One provider per suite, built once.
  static let providers: [UInt16: CipherSuiteProvider] = {
    var result: [UInt16: CipherSuiteProvider] = [:]
    for suite in CipherSuite.all {
      if let provider = try? CipherSuiteProvider(suite) { result[suite.rawValue] = provider }
    }
    return result
  }()

  /// Decodes `bytes` as a whole `T`; nil when refused. Throws a finding when the decoded value
  /// does not re-encode to exactly `bytes`.
  static func decodeRoundTrip<T: TLSCodable>(_ type: T.Type, _ bytes: [UInt8]) throws(FuzzFinding)
    -> T?
  {
    guard let value = try? T(tlsSerialized: bytes) else { return nil }
    let encoded: [UInt8]
    do {
      encoded = try value.tlsSerialized()
    } catch {
      throw .reencodingFailed(type: String(describing: T.self))
    }
    guard encoded == bytes else { throw .roundTripMismatch(type: String(describing: T.self)) }
    return value
  }

  static func mlsMessage(_ bytes: [UInt8]) throws(FuzzFinding) -> FuzzVerdict {
    guard let message = try decodeRoundTrip(MLSMessage.self, bytes) else { return .rejected }
    switch message.body {
    case .keyPackage(let keyPackage): verifySignatures(of: keyPackage)
    case .groupInfo(let groupInfo): try inspect(groupInfo)
    case .privateMessage(let privateMessage): try inspect(privateMessage)
    case .publicMessage, .welcome: break
    }
    return .accepted
  }

  static func keyPackage(_ bytes: [UInt8]) throws(FuzzFinding) -> FuzzVerdict {
    guard let keyPackage = try decodeRoundTrip(KeyPackage.self, bytes) else { return .rejected }
    verifySignatures(of: keyPackage)
    return .accepted
  }

  /// RFC 9420 §10.1: the KeyPackage signature and its leaf's signature, both by the leaf's
  /// signature key. Any answer is fine; the point is that hostile keys and signatures of any
  /// length reach the verifiers without a crash.
  static func verifySignatures(of keyPackage: KeyPackage) {
    guard let provider = providers[keyPackage.cipherSuite.rawValue],
      let content = try? keyPackage.toBeSigned.tlsSerialized()
    else { return }
    _ = try? provider.verifyWithLabel(
      publicKey: keyPackage.leafNode.signatureKey, label: "KeyPackageTBS", content: content,
      signature: keyPackage.signature)
    _ = try? keyPackage.leafNode.verifySignature(
      groupID: [], leafIndex: LeafIndex(0), provider: provider)
  }

  static func ratchetTree(_ bytes: [UInt8]) throws(FuzzFinding) -> FuzzVerdict {
    guard let wire = try decodeRoundTrip(RatchetTree.self, bytes) else { return .rejected }
    guard let provider = providers[CipherSuite.x25519Aes128Sha256Ed25519.rawValue] else {
      return .accepted
    }
    validate(wire, groupID: FuzzTarget.treeGroupID, expectedTreeHash: nil, provider: provider)
    return .accepted
  }

  /// The joiner's checks on a received tree (RFC 9420 §12.4.3.1). With no expected hash, the
  /// tree's own hash is used, so the checks after the hash comparison run too.
  static func validate(
    _ wire: RatchetTree, groupID: [UInt8], expectedTreeHash: [UInt8]?,
    provider: CipherSuiteProvider
  ) {
    guard var tree = try? PublicRatchetTree(nodes: wire.nodes) else { return }
    let expected: [UInt8]
    if let expectedTreeHash {
      expected = expectedTreeHash
    } else {
      guard let computed = try? tree.rootTreeHash(using: provider.hash) else { return }
      expected = computed
    }
    _ = try? tree.validate(groupID: groupID, expectedTreeHash: expected, provider: provider)
  }

  static func welcome(_ bytes: [UInt8]) throws(FuzzFinding) -> FuzzVerdict {
    try decodeRoundTrip(Welcome.self, bytes) == nil ? .rejected : .accepted
  }

  static func groupInfo(_ bytes: [UInt8]) throws(FuzzFinding) -> FuzzVerdict {
    guard let groupInfo = try decodeRoundTrip(GroupInfo.self, bytes) else { return .rejected }
    try inspect(groupInfo)
    return .accepted
  }

  /// Decodes the GroupInfo's known extensions (each must round-trip within its extension data),
  /// then runs what a joiner would: tree validation against the agreed tree hash and the
  /// signer's GroupInfo signature. RFC 9420 §12.4.3.
  static func inspect(_ groupInfo: GroupInfo) throws(FuzzFinding) {
    var tree: RatchetTree?
    for item in groupInfo.extensions {
      switch item.extensionType {
      case .ratchetTree: tree = try decodeRoundTrip(RatchetTree.self, item.extensionData)
      case .externalPub: _ = try decodeRoundTrip(ExternalPub.self, item.extensionData)
      case .externalSenders: _ = try decodeRoundTrip(ExternalSenders.self, item.extensionData)
      case .applicationID: _ = try decodeRoundTrip(ApplicationID.self, item.extensionData)
      case .requiredCapabilities:
        _ = try decodeRoundTrip(RequiredCapabilities.self, item.extensionData)
      default: continue
      }
    }
    let context = groupInfo.groupContext
    guard let tree, let provider = providers[context.cipherSuite.rawValue] else { return }
    validate(
      tree, groupID: context.groupID, expectedTreeHash: context.treeHash, provider: provider)
    guard let signerNode = try? PublicRatchetTree(nodes: tree.nodes),
      let signer = signerNode.leafNode(at: groupInfo.signer),
      let content = try? groupInfo.toBeSigned.tlsSerialized()
    else { return }
    _ = try? provider.verifyWithLabel(
      publicKey: signer.signatureKey, label: "GroupInfoTBS", content: content,
      signature: groupInfo.signature)
  }

  static func publicMessage(_ bytes: [UInt8]) throws(FuzzFinding) -> FuzzVerdict {
    try decodeRoundTrip(PublicMessage.self, bytes) == nil ? .rejected : .accepted
  }

  static func privateMessage(_ bytes: [UInt8]) throws(FuzzFinding) -> FuzzVerdict {
    guard let message = try decodeRoundTrip(PrivateMessage.self, bytes) else { return .rejected }
    try inspect(message)
    return .accepted
  }

  /// Treats the ciphertext fields as if they had decrypted to themselves, so the fuzzer also
  /// reaches the parsers of decrypted content (RFC 9420 §6.3.1 with its padding, §6.3.2).
  static func inspect(_ message: PrivateMessage) throws(FuzzFinding) {
    _ = try decodeRoundTrip(SenderData.self, message.encryptedSenderData)
    guard
      let content = try? PrivateMessageContent(
        plaintext: message.ciphertext, contentType: message.contentType)
    else { return }
    let encoded: [UInt8]
    do {
      encoded = try content.tlsSerialized()
    } catch {
      throw .reencodingFailed(type: "PrivateMessageContent")
    }
    guard encoded == message.ciphertext else {
      throw .roundTripMismatch(type: "PrivateMessageContent")
    }
  }
}
