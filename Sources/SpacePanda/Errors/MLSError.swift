/// Every error the SpacePanda application layer reports.
///
/// The product names four of them (`replayDetected`, `epochMismatch`, `cryptoError`,
/// `unauthorized`, see the security guide's "Common Vulnerabilities"); the others say precisely
/// which rule failed so an application can react (ask again for a passphrase, resynchronise a
/// group, drop a message). Associated strings name a rule, a field or an operation, never a key,
/// a secret, a passphrase or plaintext, so an error can be logged or shown as it is.
public enum MLSError: Error, Equatable, Hashable, Sendable {
  /// The message was already processed, or its generation was already consumed (RFC 9420 §9.2
  /// requires a key be used once; the product requires duplicates be refused).
  case replayDetected
  /// The message belongs to another epoch than the one the group can process (RFC 9420 §6.3.2).
  case epochMismatch(expected: UInt64, received: UInt64)
  /// A cryptographic check or primitive failed: AEAD tag, key material, library call.
  case cryptoError(String)
  /// The sender is not allowed to do this (bad signature, non-member, policy refusal).
  case unauthorized(String)
  /// The bytes do not parse as the structure expected, or break a structural rule (RFC 9420 §6).
  case malformedMessage(String)
  /// A proposal breaks a validation rule (RFC 9420 §12.1).
  case invalidProposal(String)
  /// A commit breaks a validation rule (RFC 9420 §12.4.2).
  case invalidCommit(String)
  /// A credential is unacceptable (RFC 9420 §5.3).
  case invalidCredential(String)
  /// A KeyPackage breaks a validation rule (RFC 9420 §10.1).
  case invalidKeyPackage(String)
  /// A leaf node breaks a validation rule (RFC 9420 §7.3).
  case invalidLeafNode(String)
  /// A ratchet tree is malformed or fails validation (RFC 9420 §7.9, §12.4.3.1).
  case invalidTree(String)
  /// The cipher suite code is not one this library implements (RFC 9420 §17.1).
  case unsupportedCipherSuite(UInt16)
  /// A message is larger than the configured limit.
  case messageTooLarge(size: Int, limit: Int)
  /// A value could not be encoded (a length beyond what the wire format can express).
  case encodingFailed(String)
  /// The passphrase does not open the state file.
  case wrongPassphrase
  /// The passphrase is shorter than the product minimum (security checklist: 12 characters).
  case weakPassphrase(minimumLength: Int)
  /// Stored state is damaged, truncated, or not a state file.
  case corruptedState(String)
  /// The file system refused an operation; the string names the operation and the errno name.
  case storage(String)
  /// No stored state exists for the group.
  case groupNotFound
  /// This client is not (or no longer) a member of the group.
  case notAMember
  /// A configuration value is out of its allowed range; the string names the field and rule.
  case invalidConfiguration(String)
  /// A lower layer failed in a way none of the cases above describes; the string names the
  /// error type only.
  case internalError(String)
}

extension MLSError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .replayDetected:
      "Replay detected: this message was already processed."
    case .epochMismatch(let expected, let received):
      "Epoch mismatch: the group is at epoch \(expected), the message is for epoch \(received)."
    case .cryptoError(let what):
      "Cryptographic failure: \(what)."
    case .unauthorized(let what):
      "Unauthorized: \(what)."
    case .malformedMessage(let what):
      "Malformed message: \(what)."
    case .invalidProposal(let what):
      "Invalid proposal: \(what)."
    case .invalidCommit(let what):
      "Invalid commit: \(what)."
    case .invalidCredential(let what):
      "Invalid credential: \(what)."
    case .invalidKeyPackage(let what):
      "Invalid key package: \(what)."
    case .invalidLeafNode(let what):
      "Invalid leaf node: \(what)."
    case .invalidTree(let what):
      "Invalid ratchet tree: \(what)."
    case .unsupportedCipherSuite(let code):
      "Unsupported cipher suite 0x\(hex4(code))."
    case .messageTooLarge(let size, let limit):
      "Message too large: \(size) bytes, the limit is \(limit)."
    case .encodingFailed(let what):
      "Encoding failed: \(what)."
    case .wrongPassphrase:
      "Wrong passphrase: the state file could not be opened with it."
    case .weakPassphrase(let minimumLength):
      "Passphrase too weak: use at least \(minimumLength) characters."
    case .corruptedState(let what):
      "Stored state is corrupted: \(what)."
    case .storage(let what):
      "Storage error: \(what)."
    case .groupNotFound:
      "No stored state for this group."
    case .notAMember:
      "Not a member of this group."
    case .invalidConfiguration(let what):
      "Invalid configuration: \(what)."
    case .internalError(let what):
      "Internal error: \(what)."
    }
  }
}

/// Four lowercase hex digits, for code points such as cipher suites.
private func hex4(_ value: UInt16) -> String {
  let digits = String(value, radix: 16)
  return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
