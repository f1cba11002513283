import Foundation
import SpacePanda

extension Demo {
  /// Guide §3, "Member Removal": a removed member cannot decrypt anything afterwards.
  func showRemoval() throws(MLSError) {
    narrator.section("9. Removal")
    let removed = rogue
    let position = members.count - 1
    let stolen = try steal(removed.handle)
    let output = try alice.remove(memberIndex: removed.handle.ownIndex)
    try deliver(output.commit, skipping: [0, position])
    narrator.say("alice removes \(removed.name): epoch \(alice.epoch)")
    let notice = try removed.handle.process(output.commit)
    let learned = if case .removedFromGroup = notice { true } else { false }
    narrator.check("\(removed.name)'s client learns it was removed", learned)
    let text = Array("Now that they are gone: the real launch is Thursday.".utf8)
    let message = try alice.encrypt(text)
    var readers = 0
    for member in members[1..<position] {
      if try member.handle.decrypt(message) == text { readers += 1 }
    }
    narrator.check(
      "the \(position - 1) remaining members read alice's next message", readers == position - 1)
    narrator.refuses(
      "\(removed.name) cannot decrypt it", expected: .notAMember
    ) { () throws(MLSError) in _ = try removed.handle.decrypt(message) }
    narrator.refuses(
      "nor can a copy of \(removed.name)'s state taken before the removal",
      expected: .epochMismatch
    ) { () throws(MLSError) in _ = try stolen.decrypt(message) }
    members.removeLast()
  }

  /// "Secure Storage": state at rest is sealed under a passphrase (Argon2id, AES-256-GCM).
  func showEncryptedPersistence() throws(MLSError) {
    narrator.section("10. Encrypted persistence")
    let url = folder.appendingPathComponent("alice.spmls")
    try alice.save(to: url.path, passphrase: Self.passphrase)
    let file = (try? Data(contentsOf: url)).map { [UInt8]($0) } ?? []
    narrator.say(
      "alice saves her state: \(file.count) bytes, Argon2id (64 MiB, t=3, p=4) + AES-256-GCM")
    let plain = [Array(Self.groupName.utf8), Array("alice".utf8), Array("bob".utf8)]
    narrator.check(
      "the file shows neither the group name nor member names",
      !file.isEmpty && !plain.contains { Self.contains(file, $0) })
    let loaded = try MLSHandle.load(
      from: url.path, passphrase: Self.passphrase, config: config, authorizationPolicy: policy)
    narrator.check(
      "loaded with the passphrase: same epoch (\(loaded.epoch)) and members",
      loaded.epoch == alice.epoch && loaded.members == alice.members)
    let text = Array("Welcome back, alice".utf8)
    let message = try bob.encrypt(text)
    narrator.check(
      "the loaded state decrypts bob's next message", try loaded.decrypt(message) == text)
    narrator.refuses(
      "a wrong passphrase does not open it", expected: .wrongPassphrase
    ) { () throws(MLSError) in
      _ = try MLSHandle.load(
        from: url.path, passphrase: "not the right passphrase", config: config,
        authorizationPolicy: policy)
    }
    narrator.refuses(
      "a passphrase under 12 characters is refused", expected: .weakPassphrase
    ) { () throws(MLSError) in
      try alice.save(to: folder.appendingPathComponent("weak.spmls").path, passphrase: "panda123")
    }
  }
}
