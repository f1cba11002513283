import MLSCodec

/// An MLS cipher suite: the KEM, AEAD, hash and signature algorithms a group uses.
/// RFC 9420 §5.1, registry in §17.1.
///
/// The value carries any 16-bit code so that unknown and GREASE suites survive decoding; only the
/// seven suites of the RFC are usable for cryptography (`isSupported`).
public struct CipherSuite: RawRepresentable, Hashable, Sendable, TLSCodable {
  public var rawValue: UInt16
  public init(rawValue: UInt16) { self.rawValue = rawValue }

  /// MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, the mandatory-to-implement suite.
  public static let x25519Aes128Sha256Ed25519 = CipherSuite(rawValue: 0x0001)
  /// MLS_128_DHKEMP256_AES128GCM_SHA256_P256.
  public static let p256Aes128Sha256P256 = CipherSuite(rawValue: 0x0002)
  /// MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519.
  public static let x25519ChaCha20Sha256Ed25519 = CipherSuite(rawValue: 0x0003)
  /// MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448.
  public static let x448Aes256Sha512Ed448 = CipherSuite(rawValue: 0x0004)
  /// MLS_256_DHKEMP521_AES256GCM_SHA512_P521.
  public static let p521Aes256Sha512P521 = CipherSuite(rawValue: 0x0005)
  /// MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448.
  public static let x448ChaCha20Sha512Ed448 = CipherSuite(rawValue: 0x0006)
  /// MLS_256_DHKEMP384_AES256GCM_SHA384_P384.
  public static let p384Aes256Sha384P384 = CipherSuite(rawValue: 0x0007)

  /// The seven suites RFC 9420 defines, all supported by this library.
  public static let all: [CipherSuite] = [
    .x25519Aes128Sha256Ed25519, .p256Aes128Sha256P256, .x25519ChaCha20Sha256Ed25519,
    .x448Aes256Sha512Ed448, .p521Aes256Sha512P521, .x448ChaCha20Sha512Ed448,
    .p384Aes256Sha384P384,
  ]

  public func encode(to writer: inout TLSWriter) { writer.write(rawValue) }
  public init(from reader: inout TLSReader) throws { rawValue = try reader.readUInt16() }
}
