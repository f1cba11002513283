import MLSCrypto

/// Why a message could not be protected or unprotected. RFC 9420 §6.
///
/// Associated values are positions, codes and structure names, never keys or plaintext.
public enum FramingError: Error, Equatable, Sendable {
  /// The message's group ID is not this group's (§6).
  case wrongGroup
  /// The message's epoch is not the current one (§6).
  case wrongEpoch(expected: UInt64, received: UInt64)
  /// The content's wire format is not the one the operation produces or accepts (§6).
  case wireFormatMismatch(expected: WireFormat, received: WireFormat)
  /// Application data must be encrypted: it is never sent as a PublicMessage (§6.2).
  case applicationDataInPublicMessage
  /// This sender type may not send this content in this framing (§6, §6.2, §6.3): only members
  /// send PrivateMessages; external senders and new members send proposals, new members commits.
  case senderNotAllowed(senderType: UInt8, contentType: ContentType)
  /// The signature over the FramedContentTBS did not verify (§6.1).
  case invalidSignature
  /// A member's PublicMessage carried no membership tag (§6.2).
  case missingMembershipTag
  /// The membership tag did not match the one computed with this epoch's key (§6.2).
  case invalidMembershipTag
  /// The encrypted sender data did not decrypt (§6.3.2).
  case senderDataDecryptionFailed
  /// The decrypted sender leaf is outside the tree (§6.3.2).
  case senderLeafOutOfRange(leaf: UInt32, leafCount: UInt32)
  /// The decrypted sender leaf holds no member (§6.3.2).
  case senderLeafBlank(leaf: UInt32)
  /// The content ciphertext did not decrypt under the sender's key for its generation (§6.3.1).
  case decryptionFailed
  /// The decrypted content's padding had a non-zero byte (§6.3.1).
  case nonZeroPadding
  /// The secret tree cannot give the key: used already, deleted, or too far ahead (§9.2).
  case keyUnavailable(SecretTreeError)
  /// A cryptographic primitive failed for a reason other than those above.
  case crypto(CryptoError)
  /// A structure could not be encoded or decoded; the value names it.
  case malformed(String)
}
