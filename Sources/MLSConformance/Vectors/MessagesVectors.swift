import Foundation
import MLS
import MLSCodec

/// messages.json: every field decodes as its structure and re-encodes byte for byte.
/// RFC 9420 §6, §7, §10, §12.
enum MessagesVectors {
  struct Case: Decodable {
    let mls_welcome: HexBytes
    let mls_group_info: HexBytes
    let mls_key_package: HexBytes
    let ratchet_tree: HexBytes
    let group_secrets: HexBytes
    let add_proposal: HexBytes
    let update_proposal: HexBytes
    let remove_proposal: HexBytes
    let pre_shared_key_proposal: HexBytes
    let re_init_proposal: HexBytes
    let external_init_proposal: HexBytes
    let group_context_extensions_proposal: HexBytes
    let commit: HexBytes
    let public_message_application: HexBytes
    let public_message_proposal: HexBytes
    let public_message_commit: HexBytes
    let private_message: HexBytes
  }

  /// Decodes `bytes` as `type` (no trailing bytes) and checks the re-encoding is identical.
  @discardableResult
  static func roundTrip<T: TLSCodable>(_ type: T.Type, _ bytes: HexBytes, _ field: String) throws
    -> T
  {
    let value: T
    do {
      value = try T(tlsSerialized: bytes.bytes)
    } catch {
      throw VectorMismatch("\(field): decode failed: \(error)")
    }
    try expectBytes(try value.tlsSerialized(), bytes.bytes, field)
    return value
  }

  /// Checks that an MLSMessage has the wire format (and, for PublicMessage, content type) the
  /// field promises.
  static func message(
    _ bytes: HexBytes, _ field: String, _ wireFormat: WireFormat,
    _ contentType: ContentType? = nil
  ) throws {
    let message = try roundTrip(MLSMessage.self, bytes, field)
    try expect(message.wireFormat == wireFormat, "\(field): wire format")
    if let contentType {
      guard case .publicMessage(let publicMessage) = message.body else {
        throw VectorMismatch("\(field): not a PublicMessage")
      }
      try expect(publicMessage.content.contentType == contentType, "\(field): content type")
    }
  }

  static func run(_ data: Data) throws -> [CaseOutcome] {
    runCases(try decodeCases(Case.self, from: data)) { testCase in
      try message(testCase.mls_welcome, "mls_welcome", .welcome)
      try message(testCase.mls_group_info, "mls_group_info", .groupInfo)
      try message(testCase.mls_key_package, "mls_key_package", .keyPackage)
      try roundTrip(RatchetTree.self, testCase.ratchet_tree, "ratchet_tree")
      try roundTrip(GroupSecrets.self, testCase.group_secrets, "group_secrets")
      try roundTrip(Add.self, testCase.add_proposal, "add_proposal")
      try roundTrip(Update.self, testCase.update_proposal, "update_proposal")
      try roundTrip(Remove.self, testCase.remove_proposal, "remove_proposal")
      try roundTrip(PreSharedKey.self, testCase.pre_shared_key_proposal, "pre_shared_key_proposal")
      try roundTrip(ReInit.self, testCase.re_init_proposal, "re_init_proposal")
      try roundTrip(ExternalInit.self, testCase.external_init_proposal, "external_init_proposal")
      try roundTrip(
        GroupContextExtensions.self, testCase.group_context_extensions_proposal,
        "group_context_extensions_proposal")
      try roundTrip(Commit.self, testCase.commit, "commit")
      try message(
        testCase.public_message_application, "public_message_application", .publicMessage,
        .application)
      try message(
        testCase.public_message_proposal, "public_message_proposal", .publicMessage, .proposal)
      try message(
        testCase.public_message_commit, "public_message_commit", .publicMessage, .commit)
      try message(testCase.private_message, "private_message", .privateMessage)
      return .passed
    }
  }
}
