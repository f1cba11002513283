import MLS
import MLSCodec
import MLSCrypto
import Synchronization
import Testing

@testable import SpacePanda

@Suite("MLSHandle: the product API")
struct HandleTests {
  @Test("Create, join, messages both ways, exporter and authenticator agree")
  func roundTrip() throws {
    let group = try HandleTestGroup(carol: true)
    let carol = try #require(group.carol)
    #expect(group.alice.epoch == 2)
    #expect(group.bob.epoch == 2)
    #expect(carol.epoch == 2)
    #expect(group.alice.members.map(\.name) == ["alice", "bob", "carol"])
    #expect(carol.ownIndex == 2)
    #expect(group.alice.groupID == Array("team".utf8))
    let hello = try group.alice.encrypt(Array("hello".utf8))
    #expect(try group.bob.decrypt(hello) == Array("hello".utf8))
    #expect(try carol.decrypt(hello) == Array("hello".utf8))
    let reply = try group.bob.encrypt(Array("hi alice".utf8))
    #expect(
      try group.alice.process(reply) == .application(sender: 1, plaintext: Array("hi alice".utf8)))
    let secrets = try [group.alice, group.bob, carol].map {
      try $0.exportSecret(label: "files", context: [1, 2], length: 32)
    }
    #expect(Set(secrets).count == 1)
    #expect(secrets[0].count == 32)
    #expect(group.alice.epochAuthenticator == carol.epochAuthenticator)
    #expect(group.alice.counters.messagesSent == 1)
    #expect(group.alice.counters.messagesReceived == 1)
  }

  @Test("Proposals by reference, update, remove: every member follows; removed member is out")
  func proposeCommitRemove() throws {
    let group = try HandleTestGroup(carol: true)
    let carol = try #require(group.carol)
    let update = try group.bob.proposeUpdate()
    guard case .proposal(sender: 1, proposal: .update) = try group.alice.process(update) else {
      Issue.record("expected bob's update proposal")
      return
    }
    _ = try carol.process(update)
    let updateCommit = try group.alice.commit()
    #expect(
      try carol.process(updateCommit.commit) == .commit(sender: 0, epoch: 3, added: [], removed: [])
    )
    _ = try group.bob.process(updateCommit.commit)
    let removal = try carol.proposeRemove(memberIndex: 1)
    _ = try group.alice.process(removal)
    _ = try group.bob.process(removal)
    let commit = try group.alice.commit()
    #expect(commit.welcome == nil)
    #expect(
      try carol.process(commit.commit) == .commit(sender: 0, epoch: 4, added: [], removed: [1]))
    #expect(try group.bob.process(commit.commit) == .removedFromGroup(by: 0))
    #expect(!group.bob.isActive)
    #expect(throws: MLSError.notAMember) { try group.bob.encrypt([1]) }
    let after = try group.alice.encrypt(Array("bob is gone".utf8))
    #expect(throws: MLSError.notAMember) { try group.bob.decrypt(after) }
    #expect(try carol.decrypt(after) == Array("bob is gone".utf8))
    let selfUpdate = try carol.update()
    _ = try group.alice.process(selfUpdate.commit)
    #expect(group.alice.epoch == 5)
    #expect(group.alice.members.map(\.index) == [0, 2])
  }

  @Test("A replayed message is refused, counted and reported; the state is unchanged")
  func replay() throws {
    let group = try HandleTestGroup()
    let observer = RecordingObserver()
    group.bob.addObserver(observer)
    let first = try group.alice.encrypt([1])
    let second = try group.alice.encrypt([2])
    #expect(try group.bob.decrypt(first) == [1])
    #expect(throws: MLSError.replayDetected) { try group.bob.decrypt(first) }
    #expect(throws: MLSError.replayDetected) { try group.bob.process(first) }
    #expect(group.bob.counters.replays == 2)
    #expect(group.bob.replayStatistics.replaysDetected == 2)
    #expect(observer.kinds.filter { $0 == .replayDetected }.count == 2)
    #expect(try group.bob.decrypt(second) == [2])
    #expect(group.bob.counters.messagesReceived == 2)
  }

  @Test("A message over maximumMessageSize: messageTooLarge before decoding; state unchanged")
  func oversizedMessage() throws {
    var config = MLSConfig.default
    config.maximumMessageSize = 4096
    let group = try HandleTestGroup(config: config)
    let before = try group.bob.serializedState()
    let oversized = [UInt8](repeating: 0, count: 4097)
    #expect(throws: MLSError.messageTooLarge(size: 4097, limit: 4096)) {
      try group.bob.decrypt(oversized)
    }
    #expect(throws: MLSError.messageTooLarge(size: 4097, limit: 4096)) {
      try group.bob.process(oversized)
    }
    // At the cap the same bytes reach the decoder, which refuses them for what they are.
    #expect(throws: MLSError.malformedMessage("unknown WireFormat value 0")) {
      try group.bob.decrypt(Array(oversized.prefix(4096)))
    }
    #expect(try group.bob.serializedState() == before)
    #expect(try group.bob.decrypt(try group.alice.encrypt([7])) == [7])
  }

  @Test("A message of an earlier epoch: epochMismatch")
  func earlierEpoch() throws {
    let group = try HandleTestGroup()
    let old = try group.alice.encrypt([1])
    let commit = try group.alice.update()
    _ = try group.bob.process(commit.commit)
    #expect(throws: MLSError.epochMismatch(expected: 2, received: 1)) {
      try group.bob.decrypt(old)
    }
  }

  @Test("pastEpochRetention: a late message of the previous epoch is read, once")
  func pastEpochRetention() throws {
    var config = MLSConfig.default
    config.pastEpochRetention = 1
    let group = try HandleTestGroup(config: config)
    let old = try group.alice.encrypt([1, 2, 3])
    let commit = try group.alice.update()
    _ = try group.bob.process(commit.commit)
    #expect(try group.bob.decrypt(old) == [1, 2, 3])
    #expect(throws: MLSError.replayDetected) { try group.bob.decrypt(old) }
  }

  @Test("MLSConfig.authorizationPolicy is the policy a handle enforces by default")
  func policyFromConfig() throws {
    let admins = try Extension(AdminList(identities: [Array("alice".utf8)]))
    var config = MLSConfig.default
    config.authorizationPolicy = AdminPolicy()
    let group = try HandleTestGroup(config: config, extensions: [admins])
    #expect(group.bob.authorizationPolicy is AdminPolicy)
    #expect(throws: MLSError.unauthorized("remove is reserved to admins")) {
      try group.bob.remove(memberIndex: 0)
    }
    #expect(group.bob.epoch == 1)
  }

  @Test("A flipped ciphertext bit: cryptoError, reported; the original still decrypts")
  func bitFlip() throws {
    let group = try HandleTestGroup()
    let observer = RecordingObserver()
    group.bob.addObserver(observer)
    let message = try group.alice.encrypt(Array("payload".utf8))
    #expect(throws: MLSError.cryptoError("message decryption failed")) {
      try group.bob.decrypt(flippingBit(message, fromEnd: 1))
    }
    #expect(group.bob.counters.decryptionFailures == 1)
    #expect(observer.kinds == [.decryptionFailed(reason: "message decryption failed")])
    #expect(try group.bob.decrypt(message) == Array("payload".utf8))
  }

  @Test("Without the application secret a Welcome cannot be used")
  func applicationSecret() throws {
    let alice = try MLSHandle.createGroup(
      name: nil, identity: try .generate(name: "alice"), applicationSecret: handleTestSecret)
    let mallory = try MLSHandle.Identity.generate(name: "mallory")
    let keyPackage = try MLSHandle.generateKeyPackage(identity: mallory)
    let output = try alice.add(keyPackage: keyPackage.message)
    let welcome = try #require(output.welcome)
    #expect(
      throws: MLSError.unauthorized("the Welcome needs a pre-shared key this client does not hold")
    ) {
      try MLSHandle.join(
        welcome: welcome, ratchetTree: nil, keyPackage: keyPackage, identity: mallory,
        applicationSecret: nil)
    }
    #expect(
      throws: MLSError.unauthorized("the Welcome needs a pre-shared key this client does not hold")
    ) {
      try MLSHandle.join(
        welcome: welcome, ratchetTree: nil, keyPackage: keyPackage, identity: mallory,
        applicationSecret: Array(repeating: 0x11, count: 32))
    }
    // A group without the secret: a client of the application refuses its Welcome.
    let open = try MLSHandle.createGroup(
      name: "open", identity: try .generate(name: "eve"), applicationSecret: nil)
    let bob = try MLSHandle.Identity.generate(name: "bob")
    let bobPackage = try MLSHandle.generateKeyPackage(identity: bob)
    let openWelcome = try #require(try open.add(keyPackage: bobPackage.message).welcome)
    #expect(throws: MLSError.unauthorized("the Welcome does not use this application's secret")) {
      try MLSHandle.join(
        welcome: openWelcome, ratchetTree: nil, keyPackage: bobPackage, identity: bob,
        applicationSecret: handleTestSecret)
    }
    #expect(throws: MLSError.invalidConfiguration("application secret must have at least 16 bytes"))
    {
      try MLSHandle.createGroup(name: nil, identity: bob, applicationSecret: [1, 2, 3])
    }
  }

  @Test("Every receiver enforces the policy on proposals and commits; refusal changes nothing")
  func unauthorized() throws {
    let admins = try Extension(AdminList(identities: [Array("alice".utf8)]))
    // bob runs a permissive client, so his forbidden operations reach alice.
    let group = try HandleTestGroup(
      policy: AdminPolicy(), bobPolicy: DefaultPolicy(), extensions: [admins])
    let observer = RecordingObserver()
    group.alice.addObserver(observer)
    let proposal = try group.bob.proposeRemove(memberIndex: 0)
    #expect(throws: MLSError.unauthorized("remove is reserved to admins")) {
      try group.alice.process(proposal)
    }
    // The same by value in a commit (a second group, so bob's cache holds no proposal).
    let second = try HandleTestGroup(
      policy: AdminPolicy(), bobPolicy: DefaultPolicy(), extensions: [admins])
    second.alice.addObserver(observer)
    let commit = try second.bob.remove(memberIndex: 0)
    #expect(throws: MLSError.unauthorized("remove is reserved to admins")) {
      try second.alice.process(commit.commit)
    }
    #expect(second.alice.epoch == 1)
    #expect(second.alice.counters.unauthorized == 1)
    #expect(group.alice.epoch == 1)
    #expect(group.alice.counters.unauthorized == 1)
    #expect(
      observer.kinds == [
        .unauthorizedAttempt(operation: "remove is reserved to admins"),
        .unauthorizedAttempt(operation: "remove is reserved to admins"),
      ])
    #expect(throws: Never.self) { try group.alice.encrypt([1]) }
    // A client under AdminPolicy refuses its own forbidden operation before sending.
    let strictBob = try HandleTestGroup(policy: AdminPolicy(), extensions: [admins]).bob
    #expect(throws: MLSError.unauthorized("add is reserved to admins")) {
      try strictBob.proposeAdd(
        keyPackage: try MLSHandle.generateKeyPackage(identity: try .generate(name: "dave")).message)
    }
  }

  @Test("A handshake message from a leaf that is not a member: unauthorized")
  func nonMember() throws {
    var config = MLSConfig.default
    config.handshakeFraming = .publicMessage
    let group = try HandleTestGroup(config: config)
    var message = try MLSMessage(tlsSerialized: try group.bob.proposeUpdate())
    guard case .publicMessage(var body) = message.body else {
      Issue.record("expected a PublicMessage")
      return
    }
    body.content.sender = .member(LeafIndex(5))
    message.body = .publicMessage(body)
    let forged = try message.tlsSerialized()
    #expect {
      try group.alice.process(forged)
    } throws: { error in
      if case .unauthorized = error as? MLSError { return true }
      return false
    }
    #expect(group.alice.counters.unauthorized == 1)
  }

  @Test("Events: created, added, removed, epochs, self-update, alerts, rotation due")
  func events() throws {
    let clock = ManualClock(.now(SystemClock()))
    var config = MLSConfig.default
    config.replayAlert = AlertThreshold(count: 2, window: .seconds(60))
    config.keyRotationInterval = .seconds(3600)
    let aliceEvents = RecordingObserver()
    let identity = try MLSHandle.Identity.generate(name: "alice")
    let alice = try MLSHandle.createGroup(
      name: "g", identity: identity, applicationSecret: nil, config: config, clock: clock,
      observers: [aliceEvents])
    let bobID = try MLSHandle.Identity.generate(name: "bob")
    let bobPackage = try MLSHandle.generateKeyPackage(identity: bobID, config: config)
    let added = try alice.add(keyPackage: bobPackage.message)
    let bob = try MLSHandle.join(
      welcome: try #require(added.welcome), ratchetTree: try alice.ratchetTree(),
      keyPackage: bobPackage, identity: bobID, applicationSecret: nil, config: config)
    _ = try alice.update()
    _ = try alice.remove(memberIndex: 1)
    let me = MemberReference(leafIndex: 0, identity: Array("alice".utf8))
    let bobRef = MemberReference(leafIndex: 1, identity: Array("bob".utf8))
    #expect(
      aliceEvents.received.map { [$0.kind: $0.member] } == [
        [.groupCreated: me], [.memberAdded(by: me): bobRef], [.epochAdvanced(from: 0): nil],
        [.epochAdvanced(from: 1): nil], [.selfUpdated: me],
        [.memberRemoved(by: me): bobRef], [.epochAdvanced(from: 2): nil], [.selfUpdated: me],
      ])
    #expect(alice.counters.membersAdded == 1)
    #expect(alice.counters.membersRemoved == 1)
    #expect(alice.counters.epochs == 3)
    // Two replays within the window raise an unusual-activity alert.
    let message = try alice.encrypt([7])
    _ = bob
    _ = try? alice.process(message)
    clock.advance(.seconds(3600))
    #expect(throws: MLSError.self) {
      try alice.exportSecret(label: "x", context: [], length: 300_000)
    }
    _ = try alice.encrypt([8])
    #expect(aliceEvents.kinds.contains { if case .keyRotationDue = $0 { true } else { false } })
    #expect(alice.counters.unusualActivity == 0)
  }

  @Test("Replays in a burst raise unusualActivity")
  func replayBurst() throws {
    var config = MLSConfig.default
    config.replayAlert = AlertThreshold(count: 2, window: .seconds(60))
    let group = try HandleTestGroup(config: config)
    let observer = RecordingObserver()
    group.bob.addObserver(observer)
    let message = try group.alice.encrypt([1])
    _ = try group.bob.decrypt(message)
    for _ in 0..<2 { _ = try? group.bob.decrypt(message) }
    #expect(group.bob.counters.unusualActivity == 1)
    #expect(observer.kinds.contains(.unusualActivity(reason: "2 replays within 60 seconds")))
  }

  @Test("Many tasks on one handle: no crash, every operation counted once")
  func concurrency() async throws {
    let group = try HandleTestGroup()
    let alice = group.alice
    let bob = group.bob
    let messages = try await withThrowingTaskGroup(of: [UInt8].self) { tasks in
      for index in 0..<40 {
        tasks.addTask { try alice.encrypt([UInt8(index)]) }
      }
      var all: [[UInt8]] = []
      for try await message in tasks { all.append(message) }
      return all
    }
    let plaintexts = try await withThrowingTaskGroup(of: UInt8.self) { tasks in
      for message in messages { tasks.addTask { try bob.decrypt(message)[0] } }
      var all: [UInt8] = []
      for try await plaintext in tasks { all.append(plaintext) }
      return all
    }
    #expect(plaintexts.sorted() == (0..<40).map { UInt8($0) })
    #expect(bob.counters.messagesReceived == 40)
    // Encryptions and self-updates interleaved on one handle: each update one epoch.
    let epochs = try await withThrowingTaskGroup(of: Int.self) { tasks in
      for index in 0..<24 {
        tasks.addTask {
          if index % 4 == 0 {
            _ = try alice.update()
            return 1
          }
          _ = try alice.encrypt([1])
          return 0
        }
      }
      var total = 0
      for try await count in tasks { total += count }
      return total
    }
    #expect(epochs == 6)
    #expect(alice.epoch == 1 + 6)
    #expect(alice.counters.messagesSent == 40 + 18)
  }
}
