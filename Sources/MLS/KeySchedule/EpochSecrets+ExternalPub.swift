import MLSCrypto

extension EpochSecrets {
  /// The external init key pair: `DeriveKeyPair(external_secret)`. RFC 9420 §8.3.
  ///
  /// Its public half goes into the `external_pub` GroupInfo extension so a non-member can
  /// encapsulate an init secret to the group (an external commit, §12.4.3.2); its private half
  /// lets members decapsulate it.
  public func externalKeyPair() throws(KeyScheduleError) -> (
    privateKey: SecretBytes, publicKey: [UInt8]
  ) {
    try withCrypto { () throws(CryptoError) -> (privateKey: SecretBytes, publicKey: [UInt8]) in
      try provider.deriveKeyPair(ikm: externalSecret)
    }
  }

  /// `external_pub`, the public key of the external init key pair. RFC 9420 §8.3.
  public func externalPublicKey() throws(KeyScheduleError) -> [UInt8] {
    try externalKeyPair().publicKey
  }
}
