import MLS
import MLSCodec
import Testing

@testable import SpacePanda

@Suite("MLSHandle persistence: complete state, sealed")
struct HandlePersistenceTests {
  static let passphrase = "correct horse battery staple"

  @Test("Save and load: the loaded handle decrypts the next message, commits, refuses replays")
  func roundTrip() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.path + "/bob.spmls"
    let group = try HandleTestGroup()
    // State worth keeping: a consumed message (replay cache), a cached proposal, a skipped key.
    let seen = try group.alice.encrypt([1])
    let skipped = try group.alice.encrypt([2])
    let next = try group.alice.encrypt([3])
    #expect(try group.bob.decrypt(seen) == [1])
    let proposal = try group.alice.proposeRemove(memberIndex: 0)
    _ = proposal
    try group.bob.save(to: path, passphrase: Self.passphrase)
    let loaded = try MLSHandle.load(from: path, passphrase: Self.passphrase)
    #expect(loaded.epoch == group.bob.epoch)
    #expect(loaded.members == group.bob.members)
    #expect(loaded.epochAuthenticator == group.bob.epochAuthenticator)
    #expect(loaded.counters == group.bob.counters)
    #expect(try loaded.decrypt(next) == [3])
    #expect(try loaded.decrypt(skipped) == [2])
    #expect(throws: MLSError.replayDetected) { try loaded.decrypt(seen) }
    let commit = try loaded.update()
    #expect(
      try group.alice.process(commit.commit) == .commit(sender: 1, epoch: 2, added: [], removed: [])
    )
    let reply = try group.alice.encrypt(Array("after reload".utf8))
    #expect(try loaded.decrypt(reply) == Array("after reload".utf8))
    #expect(
      try loaded.exportSecret(label: "l", context: [], length: 16)
        == (try group.alice.exportSecret(label: "l", context: [], length: 16)))
  }

  @Test("Wrong passphrase, weak passphrase, missing file")
  func passphrases() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.path + "/alice.spmls"
    let group = try HandleTestGroup()
    #expect(throws: MLSError.weakPassphrase(minimumLength: 12)) {
      try group.alice.save(to: path, passphrase: "short")
    }
    try group.alice.save(to: path, passphrase: Self.passphrase)
    #expect(throws: MLSError.wrongPassphrase) {
      try MLSHandle.load(from: path, passphrase: "not the right passphrase")
    }
    #expect(throws: MLSError.groupNotFound) {
      try MLSHandle.load(from: directory.path + "/absent", passphrase: Self.passphrase)
    }
  }

  @Test("The pending commit state and a cached proposal survive; the group state round-trips")
  func serializedStateIsStable() throws {
    let group = try HandleTestGroup(carol: true)
    _ = try group.bob.proposeUpdate()
    let bytes = try group.bob.serializedState()
    let restored = try MLSHandle.restore(serializedState: bytes)
    #expect(try restored.serializedState() == bytes)
  }

  @Test("Garbage, truncated and altered state never crash: corruptedState")
  func garbage() throws {
    let group = try HandleTestGroup()
    let bytes = try group.bob.serializedState()
    var failures = 0
    for length in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 97)) {
      #expect(
        corruptionReason { _ = try MLSHandle.restore(serializedState: Array(bytes.prefix(length))) }
          != nil)
      failures += 1
    }
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<64 {
      var altered = bytes
      let position = Int.random(in: 0..<altered.count, using: &generator)
      altered[position] ^= UInt8.random(in: 1...255, using: &generator)
      // An altered byte either still decodes to a consistent state or is refused cleanly.
      do {
        _ = try MLSHandle.restore(serializedState: altered)
      } catch {
        guard case .corruptedState = error else {
          Issue.record("unexpected error \(error)")
          continue
        }
      }
    }
    #expect(failures > 90)
    #expect(corruptionReason { _ = try MLSHandle.restore(serializedState: bytes + [0]) } != nil)
  }

  @Test("Identity and pending KeyPackage: save, load, join with the loaded KeyPackage")
  func identityAndKeyPackage() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let identity = try MLSHandle.Identity.generate(name: "dave")
    let keyPackage = try MLSHandle.generateKeyPackage(identity: identity)
    try identity.save(to: directory.path + "/id", passphrase: Self.passphrase)
    try keyPackage.save(to: directory.path + "/kp", passphrase: Self.passphrase)
    let loadedID = try MLSHandle.Identity.load(
      from: directory.path + "/id", passphrase: Self.passphrase)
    let loadedKP = try MLSHandle.PendingKeyPackage.load(
      from: directory.path + "/kp", passphrase: Self.passphrase)
    #expect(loadedID.signaturePublicKey == identity.signaturePublicKey)
    #expect(loadedKP.message == keyPackage.message)
    #expect(loadedKP.reference == keyPackage.reference)
    // The two kinds of file are bound to their kind.
    #expect(
      corruptionReason {
        _ = try MLSHandle.Identity.load(from: directory.path + "/kp", passphrase: Self.passphrase)
      } != nil)
    let group = try HandleTestGroup()
    let output = try group.alice.add(keyPackage: loadedKP.message)
    let dave = try MLSHandle.join(
      welcome: try #require(output.welcome), ratchetTree: nil, keyPackage: loadedKP,
      identity: loadedID, applicationSecret: handleTestSecret)
    #expect(dave.members.count == 3)
    #expect(corruptionReason { _ = try MLSHandle.Identity(serialized: [0, 1, 2]) } != nil)
  }
}
