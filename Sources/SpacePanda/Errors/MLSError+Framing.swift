import MLS
import MLSCrypto

extension MLSError {
  /// RFC 9420 §6: receiving a framed message. A message for another epoch is the product's
  /// `EpochMismatch`; failures of sender authentication (signature, membership tag, a blank or
  /// disallowed sender) are `Unauthorized`; decryption failures are `CryptoError`; a consumed
  /// key is a replay.
  public init(_ error: FramingError) {
    switch error {
    case .wrongGroup:
      self = .malformedMessage("message is for another group")
    case .wrongEpoch(let expected, let received):
      self = .epochMismatch(expected: expected, received: received)
    case .wireFormatMismatch(let expected, let received):
      self = .malformedMessage(
        "wire format \(received.rawValue) where \(expected.rawValue) was expected")
    case .applicationDataInPublicMessage:
      self = .malformedMessage("application data in a PublicMessage")
    case .senderNotAllowed(let senderType, let contentType):
      self = .unauthorized(
        "sender type \(senderType) may not send content type \(contentType.rawValue)")
    case .invalidSignature:
      self = .unauthorized("signature did not verify")
    case .missingMembershipTag:
      self = .unauthorized("membership tag missing")
    case .invalidMembershipTag:
      self = .unauthorized("membership tag invalid")
    case .senderDataDecryptionFailed:
      self = .cryptoError("sender data decryption failed")
    case .senderLeafOutOfRange(let leaf, let leafCount):
      self = .malformedMessage("sender leaf \(leaf) outside a tree of \(leafCount) leaves")
    case .senderLeafBlank(let leaf):
      self = .unauthorized("sender leaf \(leaf) is not a member")
    case .decryptionFailed:
      self = .cryptoError("message decryption failed")
    case .nonZeroPadding:
      self = .malformedMessage("non-zero padding")
    case .keyUnavailable(let inner):
      self.init(inner)
    case .crypto(let inner):
      self.init(inner)
    case .malformed(let what):
      self = .malformedMessage(what)
    }
  }
}
