import Foundation
import Testing

/// Three users in three stores (three "shells"), driving the CLI as separate processes and
/// exchanging message files.
@Suite("CLI session", .serialized)
struct CLISessionTests {
  let folder: URL

  init() throws {
    folder = try CLIRunner.temporaryFolder()
  }

  /// Runs a command for `user` (store `./user`) and requires success.
  @discardableResult
  func ok(_ user: String, _ arguments: [String]) throws -> String {
    let result = try CLIRunner.run(arguments + ["--store", user], in: folder)
    #expect(
      result.status == 0,
      "\(user) \(arguments.joined(separator: " ")) failed: \(result.error)")
    return result.output
  }

  @Test("alice creates, adds bob and carol, they talk, carol is removed and cannot read")
  func threeMemberSession() throws {
    defer { try? FileManager.default.removeItem(at: folder) }
    for user in ["alice", "bob", "carol"] { try ok(user, ["identity", "new", user]) }
    try ok("alice", ["group", "create", "cli-team"])
    try ok("bob", ["key-package", "--out", "bob.kp"])
    try ok("carol", ["key-package", "--out", "carol.kp"])

    try ok("alice", ["group", "add", "bob.kp", "--out", "c1", "--welcome-out", "w1"])
    try ok("bob", ["group", "join", "w1"])
    try ok("alice", ["group", "add", "carol.kp", "--out", "c2", "--welcome-out", "w2"])
    let bobSeesCarol = try ok("bob", ["receive", "c2"])
    #expect(bobSeesCarol.contains("epoch 2"))
    #expect(bobSeesCarol.contains("carol#2"))
    try ok("carol", ["group", "join", "w2"])

    let members = try ok("carol", ["members"])
    #expect(members.contains("epoch 2"))
    #expect(members.contains("0  alice"))
    #expect(members.contains("1  bob"))
    #expect(members.contains("2  carol (you)"))

    try ok("alice", ["send", "hello from alice", "--out", "m1"])
    #expect(try ok("bob", ["receive", "m1"]).contains("alice#0: hello from alice"))
    #expect(try ok("carol", ["receive", "m1"]).contains("alice#0: hello from alice"))
    try ok("bob", ["send", "hi all, bob here", "--out", "m2"])
    #expect(try ok("alice", ["receive", "m2"]).contains("bob#1: hi all, bob here"))
    #expect(try ok("carol", ["receive", "m2"]).contains("bob#1: hi all, bob here"))

    // The same exported secret everywhere in the epoch.
    let secrets = try ["alice", "bob", "carol"].map { user in
      try ok(user, ["export-secret", "test", "--context", "0102", "--length", "16"])
    }
    #expect(secrets[0].count == 33)
    #expect(Set(secrets).count == 1)

    // A replayed message is refused and changes nothing.
    let replay = try CLIRunner.run(["receive", "m1", "--store", "bob"], in: folder)
    #expect(replay.status == 1)
    #expect(replay.error.contains("Replay detected"))

    // Removal: carol's copy of the state stays at the old epoch; alice's next message is
    // unreadable for her.
    try ok("alice", ["group", "remove", "2", "--out", "c3"])
    #expect(try ok("bob", ["receive", "c3"]).contains("removed carol#2"))
    try ok("alice", ["send", "carol cannot read this", "--out", "m3"])
    #expect(try ok("bob", ["receive", "m3"]).contains("alice#0: carol cannot read this"))
    let carolReads = try CLIRunner.run(["receive", "m3", "--store", "carol"], in: folder)
    #expect(carolReads.status == 1)
    #expect(carolReads.error.contains("Epoch mismatch"))
    #expect(!carolReads.output.contains("carol cannot read this"))
    let carolRemoved = try ok("carol", ["receive", "c3"])
    #expect(carolRemoved.contains("you were removed"))
    let afterRemoval = try CLIRunner.run(["receive", "m3", "--store", "carol"], in: folder)
    #expect(afterRemoval.status == 1)
    #expect(!afterRemoval.output.contains("carol cannot read this"))

    let events = try ok("alice", ["events"])
    #expect(events.contains("memberAdded"))
    #expect(events.contains("memberRemoved"))
    #expect(try ok("bob", ["events"]).contains("replayDetected"))
  }

  @Test("a wrong passphrase is refused with a message and exit status 1")
  func wrongPassphrase() throws {
    defer { try? FileManager.default.removeItem(at: folder) }
    try ok("alice", ["identity", "new", "alice"])
    let result = try CLIRunner.run(
      ["key-package", "--out", "kp", "--store", "alice"], in: folder,
      passphrase: "another long passphrase")
    #expect(result.status == 1)
    #expect(result.error.contains("Wrong passphrase"))
    let weak = try CLIRunner.run(
      ["identity", "new", "bob", "--store", "bob"], in: folder, passphrase: "short")
    #expect(weak.status == 1)
    #expect(weak.error.contains("Passphrase too weak"))
  }
}
