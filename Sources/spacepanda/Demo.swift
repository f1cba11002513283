import Foundation
import MLS
import MLSCodec
import MLSCrypto
import SpacePanda

/// A member of the demo group: a name and its handle.
struct DemoMember {
  let name: String
  var handle: MLSHandle
}

/// The demo session. Each `show…` method tells one part of the story and checks its claims.
/// Roles: `alice` creates the group and is its admin, `bob` gets compromised and heals, the
/// last member runs a modified client (no authorization checks, PublicMessage handshakes) and
/// is removed at the end.
final class Demo {
  static let names = [
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
    "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter",
    "yolanda",
  ]
  static let groupName = "spacepanda-demo"
  static let passphrase = "correct horse battery staple"

  let narrator: Narrator
  let config = MLSConfig.default
  let policy = DemoAdminPolicy(admins: [Array("alice".utf8)])
  let applicationSecret: [UInt8]
  let folder: URL
  var members: [DemoMember] = []
  private var snapshots = 0
  /// Alice's first message, read by everyone (replayed and stolen later).
  var lastAliceMessage: [UInt8] = []
  /// A message of an earlier epoch that nobody read, and its epoch.
  var lateMessage: ([UInt8], UInt64) = ([], 0)

  var alice: MLSHandle { members[0].handle }
  var bob: MLSHandle { members[1].handle }
  var rogue: DemoMember { members[members.count - 1] }

  init(memberCount: Int, narrator: Narrator) throws(MLSError) {
    self.narrator = narrator
    do throws(CryptoError) {
      applicationSecret = try SecureRandom.bytes(32)
    } catch {
      throw MLSError(error)
    }
    folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("spacepanda-demo-\(UUID().uuidString)")
    do {
      try FileManager.default.createDirectory(
        at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } catch {
      throw .storage("cannot create a temporary folder")
    }
    try setUp(memberCount)
  }

  deinit {
    try? FileManager.default.removeItem(at: folder)
  }

  func runAll() throws(MLSError) {
    try showEndToEndEncryption()
    try showReplayProtection()
    try showBitFlips()
    try showAuthentication()
    try showUnauthorizedOperations()
    try showForwardSecrecy()
    showEpochConfusion()
    try showPostCompromiseSecurity()
    try showRemoval()
    try showEncryptedPersistence()
  }

  // MARK: - Helpers

  /// Delivers `message` to every member but the ones at `skipping`, checking each accepts it.
  func deliver(_ message: [UInt8], skipping: Set<Int>) throws(MLSError) {
    for position in members.indices where !skipping.contains(position) {
      _ = try members[position].handle.process(message)
    }
  }

  /// What an attacker holding a device gets: a full copy of its state (saved, then loaded).
  func steal(_ handle: MLSHandle) throws(MLSError) -> MLSHandle {
    snapshots += 1
    let url = folder.appendingPathComponent("stolen-\(snapshots).spmls")
    try handle.save(to: url.path, passphrase: Self.passphrase)
    return try MLSHandle.load(
      from: url.path, passphrase: Self.passphrase, config: handle.config,
      authorizationPolicy: handle.authorizationPolicy)
  }

  /// Whether `haystack` contains `needle` as a contiguous run.
  static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, haystack.count >= needle.count else { return needle.isEmpty }
    for start in 0...(haystack.count - needle.count)
    where haystack[start..<(start + needle.count)].elementsEqual(needle) {
      return true
    }
    return false
  }

  static func decode(_ bytes: [UInt8]) throws(MLSError) -> MLSMessage {
    do {
      return try MLSMessage(tlsSerialized: bytes)
    } catch {
      throw .malformedMessage("not an MLSMessage")
    }
  }

  static func encode(_ message: MLSMessage) throws(MLSError) -> [UInt8] {
    do {
      return try message.tlsSerialized()
    } catch {
      throw .encodingFailed("MLSMessage")
    }
  }

  static func flipping(_ bytes: [UInt8], at index: Int) -> [UInt8] {
    var copy = bytes
    copy[index] ^= 0x01
    return copy
  }

  static func preview(_ bytes: [UInt8]) -> String {
    Hex.encode(bytes.prefix(16)) + "…"
  }
}
