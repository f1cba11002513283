import Foundation
import Testing

/// `spacepanda demo` checks every property of the product's security guide.
@Suite("Demo")
struct DemoTests {
  @Test("the demo runs every claim and exits 0", arguments: [3, 5])
  func demoPasses(members: Int) throws {
    let folder = try CLIRunner.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try CLIRunner.run(
      ["demo", "--members", "\(members)"], in: folder, passphrase: nil)
    #expect(result.status == 0, "\(result.output)\(result.error)")
    #expect(!result.output.contains("✘"))
    for heading in [
      "End-to-end encryption", "Replay protection", "Bit flips", "Authentication",
      "Unauthorized operations", "Forward secrecy", "Epoch confusion",
      "Post-compromise security", "Removal", "Encrypted persistence",
    ] {
      #expect(result.output.contains(heading), "missing \(heading)")
    }
    for error in [
      "replayDetected", "epochMismatch", "cryptoError", "unauthorized", "wrongPassphrase",
      "weakPassphrase",
    ] {
      #expect(result.output.contains("→ \(error)"), "no claim shows \(error)")
    }
    #expect(result.output.contains(" 0 failed"))
  }

  @Test("demo refuses a member count outside 3...20")
  func demoBounds() throws {
    let folder = try CLIRunner.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try CLIRunner.run(["demo", "--members", "2"], in: folder)
    #expect(result.status == 2)
    #expect(result.error.contains("--members must be"))
  }
}
