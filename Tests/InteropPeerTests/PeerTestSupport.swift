import Foundation
import InteropPeer
import Testing

/// Why a scenario step could not go on.
struct PeerTestFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// One reply, parsed back with Foundation's JSON parser (as the harness would).
struct JSONReply {
  let object: [String: Any]
  let line: String

  init(line: String) throws {
    self.line = line
    guard let data = line.data(using: .utf8),
      let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { throw PeerTestFailure("reply is not a JSON object: \(line)") }
    self.object = object
  }

  var ok: Bool { object["ok"] as? Bool ?? false }
  var error: String? { object["error"] as? String }

  func string(_ key: String) throws -> String {
    guard let value = object[key] as? String else {
      throw PeerTestFailure("no string '\(key)' in \(line)")
    }
    return value
  }

  func bytes(_ key: String) throws -> [UInt8] {
    guard let data = Data(base64Encoded: try string(key)) else {
      throw PeerTestFailure("'\(key)' is not base64 in \(line)")
    }
    return Array(data)
  }

  func isNull(_ key: String) -> Bool { object[key] is NSNull }
}

/// A member the scenario drives: a request line in, a reply line out.
protocol PeerDriver: AnyObject {
  var name: String { get }
  func send(_ request: String) throws -> JSONReply
}

extension PeerDriver {
  /// Sends a request that must succeed.
  @discardableResult
  func expectOK(_ request: String) throws -> JSONReply {
    let reply = try send(request)
    guard reply.ok else { throw PeerTestFailure("\(name): \(request) -> \(reply.line)") }
    return reply
  }

  /// Sends a request that must fail with an error reply.
  @discardableResult
  func expectError(_ request: String) throws -> JSONReply {
    let reply = try send(request)
    #expect(!reply.ok, "\(name): \(request) should fail")
    #expect(reply.error?.isEmpty == false)
    return reply
  }
}

/// A PeerSession in this process.
final class InProcessPeer: PeerDriver {
  var session: PeerSession
  let name: String

  init(_ arguments: [String]) throws {
    let configuration = try PeerConfiguration.parse(arguments)
    session = try PeerSession(configuration: configuration)
    name = configuration.name
  }

  func send(_ request: String) throws -> JSONReply {
    guard case .reply(let reply) = session.handle(line: request) else {
      throw PeerTestFailure("\(name): no reply to \(request)")
    }
    #expect(!reply.line.contains("\n"))
    return try JSONReply(line: reply.line)
  }
}

enum Request {
  static func b64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

  static let exportRequest =
    #"{"op":"export","label":"\#(b64("interop"))","context":"\#(b64("ctx"))","length":32}"#

  static func field(_ value: String?) -> String { value.map { "\"\($0)\"" } ?? "null" }

  static func protect(_ text: String) -> String {
    #"{"op": "protect", "data": "\#(b64(text))"}"#
  }

  static func process(_ message: String) -> String { #"{"op":"process","message":"\#(message)"}"# }
}

/// The wire_format of a base64 MLSMessage (bytes 2 and 3). RFC 9420 §6.
func wireFormat(_ base64: String) throws -> UInt16 {
  guard let data = Data(base64Encoded: base64), data.count >= 4 else {
    throw PeerTestFailure("not an MLSMessage")
  }
  let bytes = Array(data)
  #expect(bytes[0] == 0 && bytes[1] == 1, "version mls10")
  return UInt16(bytes[2]) << 8 | UInt16(bytes[3])
}

/// Checks an application round trip: `sender` protects `text`, every receiver gets it back.
func expectDelivery(_ text: String, from sender: PeerDriver, to receivers: [PeerDriver]) throws {
  let message = try sender.expectOK(Request.protect(text)).string("message")
  #expect(try wireFormat(message) == 2, "application data is a PrivateMessage")
  for receiver in receivers {
    let reply = try receiver.expectOK(Request.process(message))
    #expect(try reply.string("kind") == "application")
    #expect(try reply.bytes("data") == Array(text.utf8))
  }
}

/// Delivers a commit; checks `removed` per receiver.
func expectCommit(_ commit: String, to receivers: [(PeerDriver, removed: Bool)]) throws {
  for (receiver, removed) in receivers {
    let reply = try receiver.expectOK(Request.process(commit))
    #expect(try reply.string("kind") == "commit")
    #expect(reply.object["removed"] as? Bool == removed, "\(receiver.name) removed")
  }
}

/// The scenario of interop PROTOCOL.md §6 between A (creator), B (first joiner) and C (of A's
/// kind), with the flags A and C were started with.
func runScenario(
  a: PeerDriver, b: PeerDriver, c: PeerDriver,
  handshake: PeerConfiguration.Handshake = .private,
  ratchetTree: PeerConfiguration.RatchetTreeMode = .extension
) throws {
  let commitFormat: UInt16 = handshake == .private ? 2 : 1
  // 1. KeyPackage, identities, group, Add.
  let keyPackageB = try b.expectOK(#"{"op": "key_package"}"#).string("key_package")
  #expect(try wireFormat(keyPackageB) == 5)
  #expect(try a.expectOK(#"{"op":"whoami"}"#).string("identity") == a.name)
  #expect(try b.expectOK(#"{"op":"whoami"}"#).string("identity") == b.name)
  try a.expectOK(#"{"op":"create_group","group_id":"\#(Request.b64("interop-group"))"}"#)
  let addB = try a.expectOK(#"{"op":"add","key_package":"\#(keyPackageB)"}"#)
  #expect(try wireFormat(addB.string("commit")) == commitFormat)
  #expect(try wireFormat(addB.string("welcome")) == 3)
  let treeB = ratchetTree == .outOfBand ? try addB.string("ratchet_tree") : nil
  #expect(addB.isNull("ratchet_tree") == (ratchetTree == .extension))
  // 2. B joins; out of band, a join without the tree fails and changes nothing.
  let welcomeB = try addB.string("welcome")
  if ratchetTree == .outOfBand {
    try b.expectError(#"{"op":"join","welcome":"\#(welcomeB)","ratchet_tree":null}"#)
  }
  let joined = try b.expectOK(
    #"{"op":"join","welcome":"\#(welcomeB)","ratchet_tree":\#(Request.field(treeB)),"#
      + #""group_id":"interop-group","inviter":"alice"}"#)
  #expect(joined.object["epoch"] as? Int == 1)
  // 3, 4. Application data both ways, equal exports.
  try expectDelivery("hello bob, from alice", from: a, to: [b])
  try expectDelivery("hello alice, from bob", from: b, to: [a])
  try expectEqualExports([a, b])
  // 5. B updates.
  let updateB = try b.expectOK(#"{"op":"update"}"#).string("commit")
  try expectCommit(updateB, to: [(a, false)])
  try expectDelivery("after bob's update", from: a, to: [b])
  // 6. A updates.
  let updateA = try a.expectOK(#"{"op":"update"}"#).string("commit")
  #expect(try wireFormat(updateA) == commitFormat)
  try expectCommit(updateA, to: [(b, false)])
  try expectDelivery("after alice's update", from: b, to: [a])
  // 7. C joins.
  let keyPackageC = try c.expectOK(#"{"op":"key_package"}"#).string("key_package")
  let addC = try a.expectOK(#"{"op":"add","key_package":"\#(keyPackageC)"}"#)
  try expectCommit(addC.string("commit"), to: [(b, false)])
  let treeC = ratchetTree == .outOfBand ? try addC.string("ratchet_tree") : nil
  try c.expectOK(
    #"{"op":"join","welcome":"\#(addC.string("welcome"))","ratchet_tree":\#(Request.field(treeC))}"#
  )
  try expectDelivery("hello from carol", from: c, to: [b, a])
  try expectEqualExports([a, b, c])
  // 8. A removes B.
  let removal = try a.expectOK(#"{"op":"remove","leaf_index":1,"sender_of":null}"#)
  #expect(try wireFormat(removal.string("commit")) == commitFormat)
  try expectCommit(removal.string("commit"), to: [(b, true), (c, false)])
  try expectDelivery("bob is gone", from: a, to: [c])
  try expectEqualExports([a, c])
  for member in [a, c] {
    #expect(try member.expectOK(#"{"op":"epoch"}"#).object["epoch"] as? Int == 5)
  }
  // B is no longer a member: group operations fail.
  try b.expectError(Request.protect("still here?"))
  #expect(try b.expectOK(#"{"op":"epoch"}"#).isNull("epoch"))
}

func expectEqualExports(_ members: [PeerDriver]) throws {
  let secrets = try members.map { try $0.expectOK(Request.exportRequest).bytes("secret") }
  for secret in secrets {
    #expect(secret.count == 32)
    #expect(secret == secrets[0])
  }
}
