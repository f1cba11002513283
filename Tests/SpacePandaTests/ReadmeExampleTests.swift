import Foundation
import MLS
import Testing

@testable import SpacePanda

/// The "API in five minutes" example of README.md, verbatim between the markers (a second test
/// checks the README still shows exactly this code).
@Suite("README example")
struct ReadmeExampleTests {
  @Test("API in five minutes: create, join, messages, update, save/load, remove")
  func apiInFiveMinutes() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    // BEGIN EXAMPLE
    // Every client of the application shares this secret: only they can join its groups.
    let appSecret: [UInt8] = Array(repeating: 0x42, count: 32)

    // alice creates a group.
    let alice = try MLSHandle.Identity.generate(name: "alice")
    let aliceGroup = try MLSHandle.createGroup(
      name: "team", identity: alice, applicationSecret: appSecret)

    // bob publishes a KeyPackage; alice adds him and sends him the Welcome.
    let bob = try MLSHandle.Identity.generate(name: "bob")
    let bobKeyPackage = try MLSHandle.generateKeyPackage(identity: bob)
    let added = try aliceGroup.add(keyPackage: bobKeyPackage.message)
    let bobGroup = try MLSHandle.join(
      welcome: added.welcome ?? [], ratchetTree: nil, keyPackage: bobKeyPackage,
      identity: bob, applicationSecret: appSecret)

    // Messages both ways.
    let hello = try aliceGroup.encrypt(Array("Hello, bob".utf8))
    #expect(try bobGroup.decrypt(hello) == Array("Hello, bob".utf8))
    let reply = try bobGroup.encrypt(Array("Hi alice".utf8))
    #expect(
      try aliceGroup.process(reply) == .application(sender: 1, plaintext: Array("Hi alice".utf8)))

    // bob rotates his keys (post-compromise security); alice processes the commit.
    let update = try bobGroup.update()
    _ = try aliceGroup.process(update.commit)
    #expect(aliceGroup.epoch == 2 && bobGroup.epoch == 2)

    // Save bob's state encrypted at rest, load it back, keep talking.
    let path = directory.path + "/bob.spmls"
    try bobGroup.save(to: path, passphrase: "user-provided-strong-passphrase")
    let bobAgain = try MLSHandle.load(from: path, passphrase: "user-provided-strong-passphrase")
    let news = try aliceGroup.encrypt(Array("Still there?".utf8))
    #expect(try bobAgain.decrypt(news) == Array("Still there?".utf8))

    // alice removes bob; he can no longer read the group.
    let removal = try aliceGroup.remove(memberIndex: 1)
    #expect(try bobAgain.process(removal.commit) == .removedFromGroup(by: 0))
    let secret = try aliceGroup.encrypt(Array("bob is gone".utf8))
    #expect(throws: MLSError.notAMember) { try bobAgain.decrypt(secret) }
    // END EXAMPLE
  }

  @Test("The README shows exactly the example this suite runs")
  func readmeMatchesTheExample() throws {
    let testFile = URL(fileURLWithPath: #filePath)
    let root = testFile.deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let readme = try String(
      contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
    let source = try String(contentsOf: testFile, encoding: .utf8)
    let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
    let begin = try #require(lines.firstIndex { $0.hasSuffix("// BEGIN EXAMPLE") })
    let end = try #require(lines.firstIndex { $0.hasSuffix("// END EXAMPLE") })
    // The example is indented by four spaces inside the test function.
    let example = lines[(begin + 1)..<end]
      .map { $0.hasPrefix("    ") ? String($0.dropFirst(4)) : String($0) }
      .joined(separator: "\n")
    #expect(readme.contains("```swift\n" + example + "\n```"))
  }
}
