import Foundation
import InteropPeer
import MLS
import MLSCodec
import MLSCrypto
import Testing

/// A (alice, leaf 0) and B (bob, leaf 1) in epoch 1 of "interop-group".
func twoMembers(_ aFlags: [String] = []) throws -> (InProcessPeer, InProcessPeer) {
  let alice = try InProcessPeer(aFlags + ["alice"])
  let bob = try InProcessPeer(["bob"])
  let keyPackage = try bob.expectOK(#"{"op":"key_package"}"#).string("key_package")
  try alice.expectOK(#"{"op":"create_group","group_id":"\#(Request.b64("interop-group"))"}"#)
  let add = try alice.expectOK(#"{"op":"add","key_package":"\#(keyPackage)"}"#)
  try bob.expectOK(#"{"op":"join","welcome":"\#(add.string("welcome"))"}"#)
  return (alice, bob)
}

/// The observable state of a member: epoch and exporter secret.
func snapshot(_ peer: PeerDriver) throws -> String {
  let epoch = try peer.expectOK(#"{"op":"epoch"}"#).line
  return try epoch + peer.expectOK(Request.exportRequest).string("secret")
}

@Suite("Interop peer error replies (PROTOCOL.md §4)")
struct PeerErrorTests {
  @Test("Group operations before create or join are errors; whoami and epoch answer")
  func beforeJoin() throws {
    let peer = try InProcessPeer(["carol"])
    let requests = [
      Request.protect("hi"), Request.exportRequest, #"{"op":"update"}"#,
      #"{"op":"remove","leaf_index":1}"#, Request.process("AAEAAg=="),
      #"{"op":"add","key_package":"AAEABQ=="}"#,
    ]
    for request in requests {
      #expect(try peer.expectError(request).error == "not a member of a group")
    }
    #expect(try peer.expectOK(#"{"op":"whoami"}"#).string("identity") == "carol")
    #expect(try peer.expectOK(#"{"op":"epoch"}"#).isNull("epoch"))
  }

  @Test("Malformed lines, unknown ops, missing or mistyped fields")
  func malformedRequests() throws {
    let (alice, bob) = try twoMembers()
    let before = try snapshot(alice)
    let cases: [(String, String)] = [
      ("", "malformed request"), ("{", "malformed request"), ("[1]", "malformed request"),
      (#"{"op":7}"#, "malformed request"), (#"{"data":"AA=="}"#, "missing field 'op'"),
      (#"{"op":"teleport"}"#, "unknown op 'teleport'"),
      (#"{"op":"protect"}"#, "missing field 'data'"),
      (#"{"op":"protect","data":"***"}"#, "invalid field 'data'"),
      (#"{"op":"remove","leaf_index":"1"}"#, "malformed request"),
      (#"{"op":"remove"}"#, "missing field 'leaf_index'"),
      (#"{"op":"remove","leaf_index":-1}"#, "invalid field 'leaf_index'"),
      (#"{"op":"export","label":"AA==","context":"AA=="}"#, "missing field 'length'"),
      (
        #"{"op":"export","label":"AA==","context":"AA==","length":70000}"#, "invalid field 'length'"
      ),
      (#"{"op":"export","label":"/w==","context":"AA==","length":3}"#, "invalid field 'label'"),
      (#"{"op":"process"}"#, "missing field 'message'"),
      (#"{"op":"join","welcome":null}"#, "missing field 'welcome'"),
    ]
    for (line, prefix) in cases {
      let error = try alice.expectError(line).error ?? ""
      #expect(error.hasPrefix(prefix), "\(line) -> \(error)")
    }
    #expect(try snapshot(alice) == before)
    try expectDelivery("still fine", from: alice, to: [bob])
  }

  @Test("Remove of an empty leaf, of a leaf outside the tree, of oneself")
  func removeEmptyLeaf() throws {
    let (alice, bob) = try twoMembers()
    let before = try snapshot(alice)
    #expect(
      try alice.expectError(#"{"op":"remove","leaf_index":7,"sender_of":null}"#).error
        == "no member at leaf index 7")
    #expect(try alice.expectError(#"{"op":"remove","leaf_index":0}"#).error?.isEmpty == false)
    #expect(try snapshot(alice) == before)
    // After bob's removal, leaf 1 is blank.
    let removal = try alice.expectOK(#"{"op":"remove","leaf_index":1}"#).string("commit")
    try expectCommit(removal, to: [(bob, true)])
    #expect(
      try alice.expectError(#"{"op":"remove","leaf_index":1}"#).error
        == "no member at leaf index 1")
  }

  @Test("Garbage, non-MLS and wrong-kind messages are rejected and change nothing")
  func processGarbage() throws {
    let (alice, bob) = try twoMembers()
    let before = try snapshot(bob)
    let keyPackage = try alice.expectOK(#"{"op":"key_package"}"#).string("key_package")
    var corrupted = try alice.expectOK(Request.protect("x")).bytes("message")
    try #require(!corrupted.isEmpty)
    corrupted[corrupted.count - 1] ^= 0x01
    let garbage = [
      "not base64!", Data([0xDE, 0xAD, 0xBE, 0xEF]).base64EncodedString(),
      Data([0, 1, 0, 2, 0xFF]).base64EncodedString(), keyPackage,
      Data(corrupted).base64EncodedString(),
    ]
    for message in garbage {
      try bob.expectError(Request.process(message))
    }
    #expect(try snapshot(bob) == before)
    try expectDelivery("after the garbage", from: alice, to: [bob])
  }

  @Test("A message of another epoch is rejected, also our own")
  func otherEpoch() throws {
    let (alice, bob) = try twoMembers()
    let old = try alice.expectOK(Request.protect("epoch 1")).string("message")
    let update = try alice.expectOK(#"{"op":"update"}"#).string("commit")
    // Our own message of epoch 1, back in epoch 2.
    let before = try snapshot(alice)
    try alice.expectError(Request.process(old))
    #expect(try snapshot(alice) == before)
    // Bob, still in epoch 1, processes the commit; the epoch-1 message then is stale.
    try expectCommit(update, to: [(bob, false)])
    try bob.expectError(Request.process(old))
    // Replaying the commit: it is of the previous epoch now.
    try bob.expectError(Request.process(update))
    try expectDelivery("epoch 2", from: alice, to: [bob])
  }

  @Test("A Welcome for none of our KeyPackages, and a join without any tree")
  func badJoins() throws {
    let alice = try InProcessPeer(["--ratchet-tree", "out-of-band", "alice"])
    let bob = try InProcessPeer(["bob"])
    let stranger = try InProcessPeer(["mallory"])
    let keyPackage = try bob.expectOK(#"{"op":"key_package"}"#).string("key_package")
    try alice.expectOK(#"{"op":"create_group"}"#)
    let add = try alice.expectOK(#"{"op":"add","key_package":"\#(keyPackage)"}"#)
    let welcome = try add.string("welcome")
    #expect(
      try stranger.expectError(#"{"op":"join","welcome":"\#(welcome)"}"#).error
        == "the Welcome is for none of our KeyPackages")
    try bob.expectError(#"{"op":"join","welcome":"\#(welcome)","ratchet_tree":null}"#)
    try bob.expectError(#"{"op":"join","welcome":"\#(welcome)","ratchet_tree":"AAAA"}"#)
    try bob.expectError(#"{"op":"join","welcome":"\#(keyPackage)"}"#)
    // The KeyPackage is still there: the right join works.
    try bob.expectOK(
      #"{"op":"join","welcome":"\#(welcome)","ratchet_tree":"\#(add.string("ratchet_tree"))"}"#)
    try expectDelivery("joined at last", from: bob, to: [alice])
    // A Welcome is no KeyPackage; a current member's KeyPackage cannot be added again.
    try alice.expectError(#"{"op":"add","key_package":"\#(welcome)"}"#)
    try alice.expectError(#"{"op":"add","key_package":"\#(keyPackage)"}"#)
  }
}

@Suite("Interop peer arguments and reply lines")
struct PeerFormatTests {
  @Test("Flags in any order, name last, defaults private and extension")
  func arguments() throws {
    #expect(try PeerConfiguration.parse(["bob"]) == PeerConfiguration(name: "bob"))
    #expect(
      try PeerConfiguration.parse(["--ratchet-tree", "out-of-band", "--handshake", "public", "a"])
        == PeerConfiguration(name: "a", handshake: .public, ratchetTree: .outOfBand))
    #expect(
      try PeerConfiguration.parse(["--handshake", "private", "--ratchet-tree", "extension", "c"])
        == PeerConfiguration(name: "c"))
    let bad: [[String]] = [
      [], ["--handshake"], ["--handshake", "loud", "a"], ["--ratchet-tree", "inline", "a"],
      ["a", "b"], ["--verbose", "a"], ["a", "--handshake", "public"],
    ]
    for arguments in bad {
      #expect(throws: PeerError.self, "\(arguments)") { try PeerConfiguration.parse(arguments) }
    }
  }

  @Test("Reply lines are one JSON object with escaped strings")
  func replyLines() throws {
    let text = "quote \" backslash \\ newline \n tab \t bell \u{7} é \u{2028}"
    let reply = PeerReply(
      ok: false,
      fields: [("error", .string(text)), ("n", .integer(-3)), ("b", .bool(true)), ("z", .null)])
    #expect(!reply.line.contains("\n"))
    #expect(!reply.line.contains("\u{2028}"))
    let parsed = try JSONReply(line: reply.line)
    #expect(parsed.object["ok"] as? Bool == false)
    #expect(parsed.error == text)
    #expect(parsed.object["n"] as? Int == -3)
    #expect(parsed.object["b"] as? Bool == true)
    #expect(parsed.isNull("z"))
    #expect(PeerReply(ok: true).line == #"{"ok":true}"#)
  }

  @Test("KeyPackages follow the profile: suite 1, basic credential, lifetime now-1h for 12 weeks")
  func keyPackageProfile() throws {
    let peer = try InProcessPeer(["dave"])
    let bytes = try peer.expectOK(#"{"op":"key_package"}"#).bytes("key_package")
    // MLSMessage header, KeyPackage version and suite 0x0001.
    #expect(Array(bytes.prefix(8)) == [0, 1, 0, 5, 0, 1, 0, 1])
    guard case .keyPackage(let keyPackage) = try MLSMessage(tlsSerialized: bytes).body else {
      throw PeerTestFailure("not a KeyPackage")
    }
    let now = SystemClock().now
    let lifetime = try #require(keyPackage.leafNode.source.lifetime)
    #expect(lifetime.notBefore + 3600 >= now - 5 && lifetime.notBefore + 3600 <= now + 5)
    #expect(lifetime.notAfter - lifetime.notBefore <= 7_257_600)
    #expect(keyPackage.leafNode.credential == .basic(identity: Array("dave".utf8)))
    #expect(keyPackage.leafNode.capabilities.cipherSuites.contains(.x25519Aes128Sha256Ed25519))
    #expect(keyPackage.leafNode.capabilities.credentials.contains(.basic))
  }

  /// A foreign KeyPackage valid from `notBefore` for `lifetime` seconds, listing an unknown
  /// suite (77, as OpenMLS does) in its capabilities.
  func foreignKeyPackage(notBefore: UInt64, lifetime: UInt64) throws -> String {
    let provider = try CipherSuiteProvider(.x25519Aes128Sha256Ed25519)
    var capabilities = KeyPackageBuilder.defaultCapabilities(grease: false)
    capabilities.cipherSuites.append(CipherSuite(rawValue: 77))
    let bundle = try KeyPackageBuilder(
      cipherSuite: .x25519Aes128Sha256Ed25519, credential: .basic(identity: Array("rs".utf8)),
      signaturePrivateKey: provider.generateSignatureKeyPair().privateKey, lifetime: lifetime,
      capabilities: capabilities, clock: FixedClock(notBefore + 3600)
    ).build()
    let message = MLSMessage(version: .mls10, body: .keyPackage(bundle.keyPackage))
    return Data(try message.tlsSerialized()).base64EncodedString()
  }

  @Test("Received lifetimes: not_before == now and one-year windows pass; future or 3 years fail")
  func receivedLifetimes() throws {
    let peer = try InProcessPeer(["alice"])
    try peer.expectOK(#"{"op":"create_group"}"#)
    let now = SystemClock().now
    let year: UInt64 = 365 * 24 * 3600
    let accepted = try foreignKeyPackage(notBefore: now, lifetime: year)
    try peer.expectOK(#"{"op":"add","key_package":"\#(accepted)"}"#)
    for rejected in [
      try foreignKeyPackage(notBefore: now + 600, lifetime: year),
      try foreignKeyPackage(notBefore: now - 3600, lifetime: 3 * year),
      try foreignKeyPackage(notBefore: now - 2 * year, lifetime: year),
    ] {
      let error = try peer.expectError(#"{"op":"add","key_package":"\#(rejected)"}"#).error ?? ""
      #expect(error.contains("lifetime"), "\(error)")
    }
    #expect(try peer.expectOK(#"{"op":"epoch"}"#).object["epoch"] as? Int == 1)
  }
}
