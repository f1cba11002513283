internal import CArgon2
import MLSCrypto

/// Argon2id (RFC 9106) through libargon2: stretches a passphrase into a 32-byte key so that
/// guessing passphrases for a stolen state file costs 64 MiB of memory per guess.
enum Argon2id {
  /// Output length: one AES-256 / HMAC-SHA256 key's worth, expanded further with HKDF.
  static let outputLength = 32

  /// The key for `passphrase` (its UTF-8 bytes, as typed) and `salt`. The passphrase bytes are
  /// copied into wiped storage for the call; the output never leaves wiped storage.
  /// `argon2id_hash_raw` runs one thread per lane.
  static func deriveKey(
    passphrase: String, salt: [UInt8], parameters: Argon2Parameters
  ) throws(MLSError) -> SecretBytes {
    if let violation = parameters.violation { throw .invalidConfiguration(violation) }
    let password = SecretBytes(passphrase.utf8)
    return try SecretBytes(count: outputLength) {
      (out: UnsafeMutableRawBufferPointer) throws(MLSError) in
      let status = password.withUnsafeBytes { pwd in
        salt.withUnsafeBytes { saltBytes in
          argon2id_hash_raw(
            parameters.iterations, parameters.memoryKiB, parameters.lanes,
            pwd.baseAddress, pwd.count, saltBytes.baseAddress, saltBytes.count,
            out.baseAddress, out.count)
        }
      }
      guard status == ARGON2_OK.rawValue else {
        if status == ARGON2_MEMORY_ALLOCATION_ERROR.rawValue {
          throw .storage("argon2id could not allocate \(parameters.memoryKiB) KiB")
        }
        throw .cryptoError("argon2id failed (code \(status))")
      }
    }
  }
}
