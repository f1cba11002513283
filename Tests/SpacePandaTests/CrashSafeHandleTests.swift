import Foundation
import MLS
import MLSCodec
import Testing

@testable import SpacePanda

/// Crash safety of MLSHandle files: the file system a crash can leave behind at every step of
/// `AtomicFileWriter` (temporary file partly written, written but not renamed, renamed but the
/// folder not synced) and damage at every offset. Loading gives the previous complete state,
/// the new complete state, or a typed error; never a mix and never a crash.
@Suite("Crash-safe MLSHandle files")
struct CrashSafeHandleTests {
  static let passphrase = "correct horse battery staple"
  /// Files sealed with the cheap Argon2id cost; `load` reads the cost from the file.
  static let file = EncryptedStateFile(parameters: cheapArgon2)

  static func seal(_ handle: MLSHandle) throws -> [UInt8] {
    try file.seal(
      handle.serializedState(), passphrase: passphrase, associatedData: MLSHandle.handleLabel)
  }

  static func write(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
  }

  /// The epoch a loaded handle is in, or nil when loading failed with a typed MLSError.
  static func loadedEpoch(_ path: String) throws -> UInt64? {
    do {
      return try MLSHandle.load(from: path, passphrase: passphrase).epoch
    } catch {
      return nil
    }
  }

  @Test("A crash at any step of a save leaves the old or the new complete state")
  func crashAtEveryStep() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let path = folder.path + "/bob.spmls"
    let group = try HandleTestGroup()
    let old = try Self.seal(group.bob)
    let oldEpoch = group.bob.epoch
    try Self.write(old, to: path)
    _ = try group.alice.process(try group.bob.update().commit)
    let new = try Self.seal(group.bob)
    #expect(group.bob.epoch == oldEpoch + 1)
    let temporary = folder.path + "/.spmls-0011223344556677.tmp"
    // Crash while writing the temporary file (every length, sampled), or after writing it
    // before the rename: the target still holds the old state.
    for length in stride(from: 0, through: new.count, by: max(1, new.count / 61)) {
      try Self.write(Array(new.prefix(length)), to: temporary)
      #expect(try Self.loadedEpoch(path) == oldEpoch)
    }
    try Self.write(new, to: temporary)
    #expect(try Self.loadedEpoch(path) == oldEpoch)
    // Renamed, folder not synced: after the crash the entry names either file, both complete.
    #expect(rename(temporary, path) == 0)
    #expect(try Self.loadedEpoch(path) == oldEpoch + 1)
    try Self.write(old, to: path)
    #expect(try Self.loadedEpoch(path) == oldEpoch)
  }

  @Test("A torn in-place write (new prefix, old suffix) is corruptedState, never a mix")
  func tornWrite() throws {
    let group = try HandleTestGroup()
    let old = try Self.seal(group.bob)
    _ = try group.alice.process(try group.bob.update().commit)
    let new = try Self.seal(group.bob)
    let length = min(old.count, new.count)
    for cut in stride(from: 1, to: length, by: max(1, length / 97)) {
      let torn = Array(new.prefix(cut)) + Array(old.dropFirst(cut))
      // While the cut is inside the common prefix (magic, version, cost) the torn file is
      // the old one, byte for byte, and opens as the old complete state.
      if torn == old { continue }
      #expect(
        corruptionReason {
          _ = try Self.file.open(
            torn, passphrase: Self.passphrase, associatedData: MLSHandle.handleLabel)
        } != nil, "cut \(cut)")
    }
  }

  @Test("Every damaged byte and every truncation of a handle file fails with corruptedState")
  func damageAtEveryOffset() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let path = folder.path + "/bob.spmls"
    let group = try HandleTestGroup()
    let sealed = try Self.seal(group.bob)
    for offset in sealed.indices {
      var damaged = sealed
      damaged[offset] ^= 0x80
      try Self.write(damaged, to: path)
      #expect(
        corruptionReason { _ = try MLSHandle.load(from: path, passphrase: Self.passphrase) }
          != nil, "offset \(offset)")
    }
    for length in 0..<sealed.count {
      #expect(
        corruptionReason {
          _ = try Self.file.open(
            Array(sealed.prefix(length)), passphrase: Self.passphrase,
            associatedData: MLSHandle.handleLabel)
        } != nil, "length \(length)")
    }
    try Self.write(sealed, to: path)
    #expect(try MLSHandle.load(from: path, passphrase: Self.passphrase).epoch == group.bob.epoch)
  }

  @Test("RFC 9420 §6: a Welcome framed with another protocol version is refused")
  func welcomeVersion() throws {
    let alice = try HandleTestGroup().alice
    let identity = try MLSHandle.Identity.generate(name: "dave")
    let keyPackage = try MLSHandle.generateKeyPackage(identity: identity)
    let welcome = try #require(try alice.add(keyPackage: keyPackage.message).welcome)
    var altered = welcome
    altered[1] ^= 0x02
    #expect(throws: MLSError.malformedMessage("unsupported protocol version 3")) {
      try MLSHandle.join(
        welcome: altered, ratchetTree: nil, keyPackage: keyPackage, identity: identity,
        applicationSecret: handleTestSecret)
    }
    let joined = try MLSHandle.join(
      welcome: welcome, ratchetTree: nil, keyPackage: keyPackage, identity: identity,
      applicationSecret: handleTestSecret)
    #expect(joined.epoch == alice.epoch)
  }
}
