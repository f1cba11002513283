import MLS
import MLSCrypto

/// Why a peer request failed. The text goes into the `error` field of the reply; no case carries
/// key material.
public enum PeerError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Bad command-line arguments.
  case usage(String)
  /// The request line is not a JSON object of the expected shape.
  case malformedRequest(String)
  /// The `op` is not one of the protocol's operations.
  case unknownOperation(String)
  /// A required field is absent or null.
  case missingField(String)
  /// A field is present but its value is unusable (bad base64, wrong message type, range).
  case invalidField(String, String)
  /// The operation needs a group and the peer is in none (or was removed).
  case noGroup
  /// The Welcome is for none of the KeyPackages this peer handed out.
  case noMatchingKeyPackage
  /// `remove` names a leaf with no member.
  case noMemberAtLeaf(UInt32)
  /// `remove` names this peer's own leaf (RFC 9420 §12.2 forbids removing the committer).
  case cannotRemoveSelf
  /// The MLS layer refused the operation or the message.
  case group(GroupError)
  /// KeyPackage generation failed.
  case keyPackage(KeyPackageGenerationError)
  /// Key generation or encoding failed.
  case crypto(CryptoError)
  /// A value could not be encoded.
  case encoding(String)

  public var description: String {
    switch self {
    case .usage(let text): "usage: \(text)"
    case .malformedRequest(let text): "malformed request: \(text)"
    case .unknownOperation(let op): "unknown op '\(op)'"
    case .missingField(let field): "missing field '\(field)'"
    case .invalidField(let field, let why): "invalid field '\(field)': \(why)"
    case .noGroup: "not a member of a group"
    case .noMatchingKeyPackage: "the Welcome is for none of our KeyPackages"
    case .noMemberAtLeaf(let leaf): "no member at leaf index \(leaf)"
    case .cannotRemoveSelf: "a member cannot commit its own removal"
    case .group(let error): "MLS: \(error)"
    case .keyPackage(let error): "KeyPackage: \(error)"
    case .crypto(let error): "crypto: \(error)"
    case .encoding(let what): "cannot encode \(what)"
    }
  }
}
