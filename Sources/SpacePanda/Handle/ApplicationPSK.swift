import MLS
import MLSCrypto

/// The product's "application secret" as an external PSK the group requires. RFC 9420 §8.4.
///
/// Every commit that adds members carries a PreSharedKey proposal for it, so the joiner secret
/// of every Welcome depends on it (§8: the PSK secret feeds the key schedule before the
/// welcome secret). A client without the secret cannot open the Welcome's GroupInfo, and
/// `MLSHandle.join` refuses a Welcome whose PSK list lacks it: only the application's own
/// clients can join. Members refuse commits that add members without it.
///
/// `psk_id` = "spacepanda-app-psk" || SHA-256(secret): the secret itself never travels, and
/// clients of different applications (different secrets) use different ids.
struct ApplicationPSK: Sendable {
  static let label: [UInt8] = Array("spacepanda-app-psk".utf8)
  /// The fewest bytes accepted: a PSK below 128 bits would be guessable from the id's hash.
  static let minimumLength = 16

  let pskID: [UInt8]
  let secret: SecretBytes

  init(secret: [UInt8]) throws(MLSError) {
    guard secret.count >= Self.minimumLength else {
      throw .invalidConfiguration(
        "application secret must have at least \(Self.minimumLength) bytes")
    }
    self.secret = SecretBytes(secret)
    pskID = Self.label + (try HandleCodec.sha256(secret))
  }

  init(pskID: [UInt8], secret: SecretBytes) {
    self.pskID = pskID
    self.secret = secret
  }

  /// A fresh PreSharedKeyID naming this PSK, with a nonce of `KDF.Nh` random bytes (§8.4).
  func freshID(nonceLength: Int) throws(MLSError) -> PreSharedKeyID {
    PreSharedKeyID(key: .external(pskID: pskID), pskNonce: try HandleCodec.random(nonceLength))
  }

  /// Whether `id` names this PSK.
  func matches(_ id: PreSharedKeyID) -> Bool {
    if case .external(let other) = id.key { return other == pskID }
    return false
  }

  /// Whether a list of proposals injects this PSK.
  func isInjected(by proposals: [Proposal]) -> Bool {
    proposals.contains { proposal in
      if case .preSharedKey(let body) = proposal { return matches(body.psk) }
      return false
    }
  }
}
