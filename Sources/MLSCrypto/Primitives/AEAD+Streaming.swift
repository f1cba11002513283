internal import COpenSSL

/// An AEAD encryption fed in pieces: `update` as the plaintext becomes available, then
/// `finish` appends the 16-byte tag. The output is exactly `AEAD.seal` of the concatenated
/// pieces (`ciphertext || tag`, RFC 9420 §5.1, RFC 9180 §5.2).
///
/// A Welcome encrypts its whole GroupInfo (RFC 9420 §12.4.3.1), ~2 MiB at 10,000 members:
/// the GroupInfoTBS can be encrypted while the signature over it is still being computed on
/// another core, and the signature's encoding after it.
///
/// It owns an OpenSSL context: one thread at a time, handed over between threads only with
/// the value (`@unchecked Sendable` for that hand-over, never for concurrent use).
public final class AEADStreamingSealer: @unchecked Sendable {
  private let ctx: OpaquePointer
  private let tagLength: Int
  private var finished = false

  /// Starts an encryption under `key` and `nonce`, with `aad` authenticated.
  public init(_ alg: AEADAlgorithm, key: SecretBytes, nonce: [UInt8], aad: [UInt8] = [])
    throws(CryptoError)
  {
    guard key.count == alg.keyLength else { throw .invalidLength("AEAD key") }
    guard nonce.count == alg.nonceLength else { throw .invalidLength("AEAD nonce") }
    let cipher = try OpenSSLAlgorithms.shared.cipher(alg)
    guard let ctx = EVP_CIPHER_CTX_new() else { throw openSSLFailure("EVP_CIPHER_CTX_new") }
    self.ctx = ctx
    self.tagLength = alg.tagLength
    let ok = key.withUnsafeBytes { keyBytes in
      nonce.withUnsafeBufferPointer { iv in
        EVP_EncryptInit_ex2(
          ctx, cipher, keyBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), iv.baseAddress,
          nil)
      }
    }
    guard ok == 1 else { throw openSSLFailure("EVP_EncryptInit_ex2") }
    if !aad.isEmpty {
      let length = try int32Length(aad.count, "aad")
      var ignored: Int32 = 0
      let added = aad.withUnsafeBufferPointer { input in
        EVP_EncryptUpdate(ctx, nil, &ignored, input.baseAddress, length)
      }
      guard added == 1 else { throw openSSLFailure("EVP_EncryptUpdate(aad)") }
    }
  }

  deinit { EVP_CIPHER_CTX_free(ctx) }

  /// Encrypts the next piece of plaintext and appends its ciphertext (as long as the piece)
  /// to `output`.
  public func update(_ plaintext: ArraySlice<UInt8>, appendingTo output: inout [UInt8])
    throws(CryptoError)
  {
    guard !finished else { throw .library("AEAD stream already finished") }
    guard !plaintext.isEmpty else { return }
    let length = try int32Length(plaintext.count, "plaintext")
    let start = output.count
    output.append(contentsOf: repeatElement(0, count: plaintext.count))
    let ok = plaintext.withUnsafeBufferPointer { input in
      output.withUnsafeMutableBufferPointer { (out) -> Bool in
        guard let base = out.baseAddress, let source = input.baseAddress else { return false }
        var written: Int32 = 0
        let status = EVP_EncryptUpdate(ctx, base + start, &written, source, length)
        return status == 1 && written == length
      }
    }
    guard ok else { throw openSSLFailure("EVP_EncryptUpdate") }
  }

  /// Encrypts the next piece of plaintext (a whole array).
  public func update(_ plaintext: [UInt8], appendingTo output: inout [UInt8]) throws(CryptoError) {
    try update(plaintext[...], appendingTo: &output)
  }

  /// Ends the encryption and appends the tag to `output`; no update may follow.
  public func finish(appendingTo output: inout [UInt8]) throws(CryptoError) {
    guard !finished else { throw .library("AEAD stream already finished") }
    finished = true
    var scratch = [UInt8](repeating: 0, count: 32)
    var written: Int32 = 0
    guard EVP_EncryptFinal_ex(ctx, &scratch, &written) == 1, written == 0 else {
      throw openSSLFailure("EVP_EncryptFinal_ex")
    }
    var tag = [UInt8](repeating: 0, count: tagLength)
    guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, Int32(tagLength), &tag) == 1 else {
      throw openSSLFailure("EVP_CTRL_AEAD_GET_TAG")
    }
    output.append(contentsOf: tag)
  }
}
