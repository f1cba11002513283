/// The hash functions of the MLS cipher suites (and the HPKE KDFs built on them).
public enum HashAlgorithm: Sendable, Hashable {
  case sha256, sha384, sha512

  /// Output size in bytes (Nh).
  public var outputLength: Int {
    switch self {
    case .sha256: 32
    case .sha384: 48
    case .sha512: 64
    }
  }

  /// The HPKE KDF identifier of HKDF over this hash. RFC 9180 §7.2.
  public var hpkeKDFID: UInt16 {
    switch self {
    case .sha256: 0x0001
    case .sha384: 0x0002
    case .sha512: 0x0003
    }
  }
}

/// The AEADs of the MLS cipher suites. RFC 9180 §7.3 identifiers.
public enum AEADAlgorithm: Sendable, Hashable {
  case aes128GCM, aes256GCM, chaCha20Poly1305

  /// Key size in bytes (Nk).
  public var keyLength: Int {
    switch self {
    case .aes128GCM: 16
    case .aes256GCM, .chaCha20Poly1305: 32
    }
  }

  /// Nonce size in bytes (Nn).
  public var nonceLength: Int { 12 }

  /// Tag size in bytes (Nt).
  public var tagLength: Int { 16 }

  /// The HPKE AEAD identifier. RFC 9180 §7.3.
  public var hpkeAEADID: UInt16 {
    switch self {
    case .aes128GCM: 0x0001
    case .aes256GCM: 0x0002
    case .chaCha20Poly1305: 0x0003
    }
  }
}

/// The Diffie-Hellman KEMs of HPKE used by MLS. RFC 9180 §7.1.
public enum KEMAlgorithm: Sendable, Hashable {
  case dhkemP256, dhkemP384, dhkemP521, dhkemX25519, dhkemX448

  /// The HPKE KEM identifier.
  public var hpkeKEMID: UInt16 {
    switch self {
    case .dhkemP256: 0x0010
    case .dhkemP384: 0x0011
    case .dhkemP521: 0x0012
    case .dhkemX25519: 0x0020
    case .dhkemX448: 0x0021
    }
  }

  /// Shared secret size (Nsecret).
  public var secretLength: Int {
    switch self {
    case .dhkemP256, .dhkemX25519: 32
    case .dhkemP384: 48
    case .dhkemP521, .dhkemX448: 64
    }
  }

  /// Encapsulated key size (Nenc), equal to the public key size (Npk).
  public var publicKeyLength: Int {
    switch self {
    case .dhkemP256: 65
    case .dhkemP384: 97
    case .dhkemP521: 133
    case .dhkemX25519: 32
    case .dhkemX448: 56
    }
  }

  /// Private key size (Nsk).
  public var privateKeyLength: Int {
    switch self {
    case .dhkemP256, .dhkemX25519: 32
    case .dhkemP384: 48
    case .dhkemP521: 66
    case .dhkemX448: 56
    }
  }

  /// The hash of the KEM's own HKDF. RFC 9180 §7.1.
  public var kdfHash: HashAlgorithm {
    switch self {
    case .dhkemP256, .dhkemX25519: .sha256
    case .dhkemP384: .sha384
    case .dhkemP521, .dhkemX448: .sha512
    }
  }
}

/// The signature schemes of the MLS cipher suites (TLS SignatureScheme names). RFC 9420 §5.1.
public enum SignatureScheme: Sendable, Hashable {
  case ed25519, ed448, ecdsaP256SHA256, ecdsaP384SHA384, ecdsaP521SHA512
}
