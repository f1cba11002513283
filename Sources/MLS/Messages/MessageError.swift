/// Why a message structure could not be encoded or decoded beyond plain syntax errors.
/// RFC 9420 §6, §7.2.
///
/// Syntax errors (truncation, bad lengths, unknown enum codes) are `TLSDecodingError`s; these
/// cases cover the structural rules the MLS layer adds. None carries secret material.
public enum MessageError: Error, Equatable, Sendable {
  /// A `LeafNodeTBS` for an update or commit source needs the group ID and leaf index (§7.2).
  case missingLeafNodeContext
  /// A `FramedContentTBS` for a member or new-member-commit sender needs the GroupContext (§6.1).
  case missingGroupContext
  /// A PublicMessage from a member must carry a membership tag; others must not (§6.2).
  case membershipTagMismatch(senderIsMember: Bool)
  /// A commit's auth data must carry a confirmation tag; other content must not (§6.1).
  case confirmationTagMismatch(isCommit: Bool)
  /// PrivateMessageContent padding held a non-zero byte (§6.3.1).
  case nonZeroPadding
  /// A field's value is not allowed where it appears (the message names the field).
  case invalidField(String)
}
