import MLSCrypto

/// The two keys of a state file, both expanded from the Argon2id output with HKDF-SHA256
/// (RFC 5869) under distinct labels, so the header MAC and the AEAD never share a key.
struct StateFileKeys: Sendable {
  /// AES-256-GCM key for the state.
  let encryptionKey: SecretBytes
  /// HMAC-SHA256 key for the header check that tells a wrong passphrase apart.
  let headerMACKey: SecretBytes

  static let encryptionLabel = Array("SpacePanda state file v1 encryption key".utf8)
  static let headerMACLabel = Array("SpacePanda state file v1 header MAC key".utf8)

  init(passphrase: String, header: StateFileHeader) throws(MLSError) {
    let master = try Argon2id.deriveKey(
      passphrase: passphrase, salt: header.salt, parameters: header.parameters)
    do throws(CryptoError) {
      encryptionKey = try HKDF.expand(
        .sha256, prk: master, info: Self.encryptionLabel, length: 32)
      headerMACKey = try HKDF.expand(.sha256, prk: master, info: Self.headerMACLabel, length: 32)
    } catch {
      throw MLSError(error)
    }
  }

  /// HMAC-SHA256 of the encoded header.
  func headerMAC(_ header: [UInt8]) throws(MLSError) -> [UInt8] {
    do throws(CryptoError) {
      return try HMAC.mac(.sha256, key: headerMACKey, data: header)
    } catch {
      throw MLSError(error)
    }
  }
}
