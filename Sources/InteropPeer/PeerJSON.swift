import Foundation

/// One request line, decoded with a real JSON parser (PROTOCOL.md §2). Every field is optional
/// so a missing one becomes a typed error of the operation that needs it; unknown fields are
/// ignored.
struct PeerRequest: Decodable, Sendable {
  var op: String?
  var groupID: String?
  var keyPackage: String?
  var welcome: String?
  var ratchetTree: String?
  var data: String?
  var message: String?
  var leafIndex: Int64?
  var label: String?
  var context: String?
  var length: Int64?

  enum CodingKeys: String, CodingKey {
    case op
    case groupID = "group_id"
    case keyPackage = "key_package"
    case welcome
    case ratchetTree = "ratchet_tree"
    case data, message
    case leafIndex = "leaf_index"
    case label, context, length
  }

  /// Decodes one line; anything but a JSON object of this shape is a malformed request.
  static func parse(_ line: String) throws(PeerError) -> PeerRequest {
    do {
      return try JSONDecoder().decode(PeerRequest.self, from: Data(line.utf8))
    } catch {
      throw .malformedRequest("not a JSON object with the expected field types")
    }
  }
}

/// A JSON value of a reply: the few kinds the protocol's replies use.
public enum PeerJSONValue: Sendable, Equatable {
  case string(String)
  case integer(Int64)
  case bool(Bool)
  case null
}

/// One reply: `{"ok": ..., fields}` on one line (PROTOCOL.md §2, §4). Fields keep their order.
public struct PeerReply: Sendable, Equatable {
  public var ok: Bool
  public var fields: [(key: String, value: PeerJSONValue)]

  public init(ok: Bool, fields: [(key: String, value: PeerJSONValue)] = []) {
    self.ok = ok
    self.fields = fields
  }

  /// An error reply with a human-readable reason.
  public static func failure(_ error: PeerError) -> PeerReply {
    PeerReply(ok: false, fields: [("error", .string(error.description))])
  }

  public static func == (lhs: PeerReply, rhs: PeerReply) -> Bool {
    lhs.ok == rhs.ok && lhs.fields.map(\.key) == rhs.fields.map(\.key)
      && lhs.fields.map(\.value) == rhs.fields.map(\.value)
  }

  /// The reply as one JSON line without the terminating newline; never contains a line break.
  public var line: String {
    var text = "{\"ok\":\(ok ? "true" : "false")"
    for (key, value) in fields {
      text += ",\(Self.quoted(key)):\(Self.render(value))"
    }
    return text + "}"
  }

  static func render(_ value: PeerJSONValue) -> String {
    switch value {
    case .string(let string): quoted(string)
    case .integer(let number): String(number)
    case .bool(let flag): flag ? "true" : "false"
    case .null: "null"
    }
  }

  /// A JSON string literal (RFC 8259 §7): quotes, backslashes and control characters escaped.
  static func quoted(_ string: String) -> String {
    var out = "\""
    for scalar in string.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
          out += String(format: "\\u%04x", scalar.value)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}

/// Standard base64 (RFC 4648 §4) of byte strings in requests and replies (PROTOCOL.md §3).
enum Base64 {
  static func encode(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

  static func decode(_ text: String, field: String) throws(PeerError) -> [UInt8] {
    guard let data = Data(base64Encoded: text) else {
      throw .invalidField(field, "not standard base64")
    }
    return Array(data)
  }
}
