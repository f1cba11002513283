import Foundation
import Testing

/// Bad input ends in a message and a non-zero status, never a crash.
@Suite("CLI errors")
struct CLIErrorTests {
  @Test("usage errors exit 2 and name the problem")
  func usageErrors() throws {
    let folder = try CLIRunner.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let cases: [([String], String)] = [
      (["frobnicate"], "unknown command"),
      (["send", "hi"], "--out is required"),
      (["group", "remove", "x", "--out", "c"], "INDEX must be"),
      (["members", "extra"], "takes no arguments"),
      (["export-secret", "l", "--length", "0"], "--length must be"),
      (["send", "--bogus"], "unknown option --bogus"),
      (["receive"], "at least 1"),
    ]
    for (arguments, message) in cases {
      let result = try CLIRunner.run(arguments, in: folder)
      #expect(result.status == 2, "\(arguments)")
      #expect(result.error.contains(message), "\(arguments): \(result.error)")
    }
  }

  @Test("every subcommand answers --help")
  func help() throws {
    let folder = try CLIRunner.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let commands = [
      ["identity", "new"], ["key-package"], ["group", "create"], ["group", "add"],
      ["group", "remove"], ["group", "update"], ["group", "join"], ["send"], ["receive"],
      ["members"], ["export-secret"], ["events"], ["demo"], ["conformance"],
    ]
    for command in commands {
      let result = try CLIRunner.run(command + ["--help"], in: folder)
      #expect(result.status == 0, "\(command)")
      #expect(result.output.contains("usage: spacepanda \(command.joined(separator: " "))"))
    }
  }

  @Test("missing state and garbage messages fail cleanly with status 1")
  func failures() throws {
    let folder = try CLIRunner.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let noIdentity = try CLIRunner.run(["key-package", "--out", "kp"], in: folder)
    #expect(noIdentity.status == 1)
    #expect(noIdentity.error.contains("no identity"))
    let noGroup = try CLIRunner.run(["members"], in: folder)
    #expect(noGroup.status == 1)
    #expect(noGroup.error.contains("no group"))
    let missing = try CLIRunner.run(
      ["group", "add", "nope.kp", "--out", "c", "--welcome-out", "w"], in: folder)
    #expect(missing.status == 1)
    #expect(missing.error.contains("cannot read nope.kp"))
  }
}
