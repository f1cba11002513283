import MLSCodec
import MLSCrypto
import Testing

@testable import MLS

/// Past-epoch key retention (RFC 9420 §9.2): off by default, bounded when on, application
/// messages only, each key still used once.
@Suite("Past-epoch retention (RFC 9420 §9.2)")
struct GroupRetentionTests {
  /// alice (0) writes in epoch 1, then carol (2) commits: bob (1) reads the message late.
  private func lateMessage(
    retention: Int
  ) throws -> (states: [GroupState], late: MLSMessage) {
    var options = GroupOptions()
    options.pastEpochRetention = retention
    var (_, states) = try threeMemberGroup(options: options)
    let late = try states[0].encrypt(application: Array("sent in epoch 1".utf8))
    let commit = try states[2].commit()
    try deliver(commit.commit, to: &states, except: 2)
    #expect(states[1].epoch == 2)
    return (states, late)
  }

  @Test("Default: strict epochs, a late message is refused and nothing is kept")
  func strictByDefault() throws {
    var (states, late) = try lateMessage(retention: 0)
    #expect(states[1].retainedEpochNumbers.isEmpty)
    #expect(throws: GroupError.framing(.wrongEpoch(expected: 2, received: 1))) {
      _ = try states[1].process(late)
    }
  }

  @Test("Retained: a late application message is read once, then refused")
  func lateMessageReadOnce() throws {
    var (states, late) = try lateMessage(retention: 2)
    #expect(states[1].retainedEpochNumbers == [1])
    let processed = try states[1].process(late)
    guard case .application(let data) = processed.content else {
      Issue.record("expected application data")
      return
    }
    #expect(data == Array("sent in epoch 1".utf8))
    #expect(processed.sender == .member(LeafIndex(0)))
    // The key was deleted after use: the same message cannot be read again.
    #expect(throws: GroupError.self) { _ = try states[1].process(late) }
  }

  @Test("Retained: handshake messages of a past epoch are still refused")
  func pastHandshakeRefused() throws {
    var options = GroupOptions(encryptHandshakeMessages: true)
    options.pastEpochRetention = 2
    var (_, states) = try threeMemberGroup(options: options)
    let staleProposal = try states[0].proposeUpdate()
    let commit = try states[2].commit()
    try deliver(commit.commit, to: &states, except: 2)
    #expect(states[1].retainedEpochNumbers == [1])
    #expect(throws: GroupError.wrongEpoch(expected: 2, received: 1)) {
      _ = try states[1].process(staleProposal)
    }
  }

  @Test("Retained: the bound drops the oldest epoch")
  func boundDropsOldest() throws {
    var (states, late) = try lateMessage(retention: 2)
    for committer in [0, 2] {
      let commit = try states[committer].commit()
      try deliver(commit.commit, to: &states, except: committer)
    }
    #expect(states[1].epoch == 4)
    #expect(states[1].retainedEpochNumbers == [2, 3])
    #expect(throws: GroupError.framing(.wrongEpoch(expected: 4, received: 1))) {
      _ = try states[1].process(late)
    }
  }

  @Test("Retained: a forged late message is refused and changes nothing")
  func forgedLateMessage() throws {
    var (states, late) = try lateMessage(retention: 1)
    guard case .privateMessage(var body) = late.body else {
      Issue.record("expected a PrivateMessage")
      return
    }
    body.ciphertext[body.ciphertext.count - 1] ^= 1
    let forged = MLSMessage(version: late.version, body: .privateMessage(body))
    #expect(throws: GroupError.self) { _ = try states[1].process(forged) }
    // The honest message still decrypts: the forgery consumed no key.
    _ = try states[1].process(late)
  }
}
