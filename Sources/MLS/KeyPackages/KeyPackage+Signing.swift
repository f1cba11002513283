import MLSCodec
import MLSCrypto

/// KeyPackage signatures and references. RFC 9420 §5.2, §10.
extension KeyPackage {
  /// The SignWithLabel label over `KeyPackageTBS`. RFC 9420 §10.
  static let tbsLabel = "KeyPackageTBS"
  /// The RefHash label of a KeyPackageRef. RFC 9420 §5.2.
  static let referenceLabel = "MLS 1.0 KeyPackage Reference"

  func encodedTBS() throws(CryptoError) -> [UInt8] {
    do {
      return try toBeSigned.tlsSerialized()
    } catch {
      throw .invalidLength("KeyPackageTBS")
    }
  }

  /// Sets `signature` to SignWithLabel(., "KeyPackageTBS", KeyPackageTBS) with the private key
  /// of `leafNode.signatureKey`. RFC 9420 §10.
  public mutating func signKeyPackage(privateKey: SecretBytes, provider: CipherSuiteProvider)
    throws(CryptoError)
  {
    signature = try provider.signWithLabel(
      privateKey: privateKey, label: Self.tbsLabel, content: try encodedTBS())
  }

  /// Verifies `signature` with `leafNode.signatureKey`; a KeyPackage whose signature fails is
  /// malformed (RFC 9420 §10). Throws `.invalidSignature` or `.invalidPublicKey`.
  public func verifyKeyPackageSignature(provider: CipherSuiteProvider) throws(CryptoError) {
    try provider.verifyWithLabel(
      publicKey: leafNode.signatureKey, label: Self.tbsLabel, content: try encodedTBS(),
      signature: signature)
  }

  /// KeyPackageRef = RefHash("MLS 1.0 KeyPackage Reference", KeyPackage). RFC 9420 §5.2.
  ///
  /// Welcome messages name each new member by this value (§12.4.3.1).
  public func reference(provider: CipherSuiteProvider) throws(CryptoError) -> [UInt8] {
    let encoded: [UInt8]
    do {
      encoded = try tlsSerialized()
    } catch {
      throw .invalidLength("KeyPackage")
    }
    return try provider.refHash(label: Self.referenceLabel, value: encoded)
  }
}
