import MLSCrypto

/// The identity of a processed message for duplicate detection: SHA-256 of its serialized bytes.
///
/// Stored as four words so the replay cache hashes and compares fixed-size values without
/// allocating. A digest, not the message, is kept: the cache must not retain ciphertexts.
public struct MessageIdentifier: Hashable, Sendable {
  private let words: (UInt64, UInt64, UInt64, UInt64)

  /// The identifier of `message` (its SHA-256 digest).
  public init(message: [UInt8]) throws(MLSError) {
    do throws(CryptoError) {
      self.init(digestWords: try Digest.hash(.sha256, message))
    } catch {
      throw MLSError(error)
    }
  }

  /// An identifier from a 32-byte digest computed elsewhere; other lengths are refused.
  public init(digest: [UInt8]) throws(MLSError) {
    guard digest.count == 32 else {
      throw .invalidConfiguration("message identifier digest must be 32 bytes")
    }
    self.init(digestWords: digest)
  }

  private init(digestWords digest: [UInt8]) {
    func word(_ index: Int) -> UInt64 {
      var value: UInt64 = 0
      for offset in 0..<8 {
        let position = index * 8 + offset
        let byte = position < digest.count ? digest[position] : 0
        value = (value << 8) | UInt64(byte)
      }
      return value
    }
    words = (word(0), word(1), word(2), word(3))
  }

  public static func == (lhs: MessageIdentifier, rhs: MessageIdentifier) -> Bool {
    lhs.words == rhs.words
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(words.0)
    hasher.combine(words.1)
    hasher.combine(words.2)
    hasher.combine(words.3)
  }
}
