import Foundation
import MLS
import MLSCodec
import SpacePanda

extension Demo {
  /// Guide §1: only members can read; the server sees ciphertext only.
  func showEndToEndEncryption() throws(MLSError) {
    narrator.section("1. End-to-end encryption")
    let text = "Launch moved to Friday 09:00, tell no one outside the team."
    let plaintext = Array(text.utf8)
    let message = try alice.encrypt(plaintext)
    lastAliceMessage = message
    narrator.say("alice sends \"\(text)\"")
    narrator.say("the server relays \(message.count) bytes: \(Self.preview(message))")
    let windows = (0...(plaintext.count - 6)).map { Array(plaintext[$0..<($0 + 6)]) }
    narrator.check(
      "the relayed bytes contain neither the text nor any 6-byte piece of it",
      !windows.contains { Self.contains(message, $0) })
    var readers = 0
    for member in members.dropFirst() {
      if try member.handle.decrypt(message) == plaintext { readers += 1 }
    }
    narrator.check(
      "all \(members.count - 1) other members decrypt exactly that text",
      readers == members.count - 1)
  }

  /// Guide §5 and "Replay Attacks": a message is accepted once.
  func showReplayProtection() throws(MLSError) {
    narrator.section("2. Replay protection")
    narrator.say("the attacker sends alice's message to bob a second time")
    narrator.refuses(
      "bob refuses the duplicate", expected: .replayDetected
    ) { () throws(MLSError) in _ = try bob.decrypt(lastAliceMessage) }
    narrator.check(
      "the replay shows in bob's counters (replays = \(bob.counters.replays))",
      bob.counters.replays >= 1)
  }

  /// "Bit-Flip Attacks": AEAD detects tampering.
  func showBitFlips() throws(MLSError) {
    narrator.section("3. Bit flips")
    let message = try alice.encrypt(Array("Budget: 42 000".utf8))
    for (what, index) in [
      ("last byte (AEAD tag)", message.count - 1), ("ciphertext", message.count - 24),
    ] {
      let flipped = Self.flipping(message, at: index)
      narrator.refuses(
        "one bit flipped in the \(what) is rejected", expected: .cryptoError
      ) { () throws(MLSError) in _ = try bob.decrypt(flipped) }
    }
    let intact = try bob.decrypt(message)
    narrator.check(
      "the rejections changed nothing: the intact message still decrypts",
      intact == Array("Budget: 42 000".utf8))
  }

  /// Guide §4 and the threat model's active attackers: forged messages are rejected.
  func showAuthentication() throws(MLSError) {
    narrator.section("4. Authentication")
    let genuine = try rogue.handle.proposeUpdate()
    guard case .publicMessage(var body) = try Self.decode(genuine).body else {
      throw .internalError("expected a PublicMessage")
    }
    body.content.sender = .member(LeafIndex(alice.ownIndex))
    let forged = try Self.encode(MLSMessage(body: .publicMessage(body)))
    narrator.say(
      "\(rogue.name) takes a signed proposal of its own and rewrites its sender to alice")
    narrator.refuses(
      "bob rejects the proposal claiming to come from alice", expected: .unauthorized
    ) { () throws(MLSError) in _ = try bob.process(forged) }

    narrator.say("mallory, an outsider, builds her own group with the same ID and epoch")
    let mallory = try MLSHandle.Identity.generate(name: "mallory-outsider")
    let fake = try MLSHandle.createGroup(
      name: Self.groupName, identity: mallory, applicationSecret: nil, config: config)
    while fake.epoch < alice.epoch { _ = try fake.update() }
    let injected = try fake.encrypt(Array("alice says: send me the keys".utf8))
    narrator.refuses(
      "bob rejects mallory's injected message", expected: .cryptoError
    ) { () throws(MLSError) in _ = try bob.decrypt(injected) }
  }

  /// "Unauthorized Operations": every honest client enforces the access rule.
  func showUnauthorizedOperations() throws(MLSError) {
    narrator.section("5. Unauthorized operations (only alice may add or remove)")
    let epoch = bob.epoch
    narrator.refuses(
      "bob's own client refuses to remove alice", expected: .unauthorized
    ) { () throws(MLSError) in _ = try bob.remove(memberIndex: alice.ownIndex) }
    narrator.check("bob's group did not change (epoch \(bob.epoch))", bob.epoch == epoch)
    let proposal = try rogue.handle.proposeRemove(memberIndex: alice.ownIndex)
    narrator.say("\(rogue.name)'s modified client sends a proposal to remove alice anyway")
    for position in 0..<(members.count - 1) {
      let member = members[position]
      narrator.refuses(
        "\(member.name) rejects it", expected: .unauthorized
      ) { () throws(MLSError) in _ = try member.handle.process(proposal) }
    }
  }

  /// Guide §2: used keys and past epochs' secrets are deleted.
  func showForwardSecrecy() throws(MLSError) {
    narrator.section("6. Forward secrecy")
    let stolenBob = try steal(bob)
    narrator.say("an attacker copies bob's whole device state after he read alice's message")
    narrator.refuses(
      "the copy cannot decrypt that message again: its key was deleted after use",
      expected: .replayDetected
    ) { () throws(MLSError) in _ = try stolenBob.decrypt(lastAliceMessage) }

    let lateText = Array("Door code is 7291".utf8)
    let late = try alice.encrypt(lateText)
    let carol = members[2]
    narrator.say("alice sends a message in epoch \(alice.epoch); \(carol.name) is offline")
    let from = alice.epoch
    let update = try alice.update()
    try deliver(update.commit, skipping: [0])
    narrator.say("alice rotates her keys: epoch \(from) → \(alice.epoch), every member follows")
    let stolenCarol = try steal(carol.handle)
    narrator.say(
      "an attacker now copies \(carol.name)'s device and replays the epoch-\(from) message")
    narrator.refuses(
      "the copy cannot read it: the epoch \(from) secrets are gone",
      expected: .epochMismatch
    ) { () throws(MLSError) in _ = try stolenCarol.decrypt(late) }
    lateMessage = (late, from)
  }

  /// "Epoch Confusion": a message of another epoch is refused.
  func showEpochConfusion() {
    narrator.section("7. Epoch confusion")
    let (message, epoch) = lateMessage
    narrator.say("the attacker delivers alice's epoch-\(epoch) message after the epoch changed")
    narrator.refuses(
      "bob, now in epoch \(bob.epoch), refuses a message of epoch \(epoch)",
      expected: .epochMismatch
    ) { () throws(MLSError) in _ = try bob.decrypt(message) }
  }

  /// Guide §3: a self-update heals a compromised member.
  func showPostCompromiseSecurity() throws(MLSError) {
    narrator.section("8. Post-compromise security")
    let stolen = try steal(bob)
    narrator.say("an attacker steals bob's complete state in epoch \(bob.epoch)")
    let probe = Array("Meeting room B".utf8)
    let before = try alice.encrypt(probe)
    narrator.check(
      "the compromise is real: the stolen copy reads the current epoch",
      try stolen.decrypt(before) == probe)
    _ = try bob.decrypt(before)
    let healing = try bob.update()
    try deliver(healing.commit, skipping: [1])
    narrator.say("bob updates his keys (a commit with a fresh path): epoch \(bob.epoch)")
    let secretText = Array("New plan: Saturday".utf8)
    let after = try alice.encrypt(secretText)
    narrator.check("bob reads alice's next message", try bob.decrypt(after) == secretText)
    narrator.refuses(
      "the stolen copy cannot read it", expected: .epochMismatch
    ) { () throws(MLSError) in _ = try stolen.decrypt(after) }
    narrator.refuses(
      "the stolen copy cannot follow bob's update commit either", expected: .anyError
    ) { () throws(MLSError) in _ = try stolen.process(healing.commit) }
  }
}
