/// An AEAD encryption fed in pieces: `update` as the plaintext becomes available, then
/// `finish` appends the 16-byte tag. The output is exactly `AEAD.seal` of the concatenated
/// pieces (`ciphertext || tag`, RFC 9420 §5.1, RFC 9180 §5.2): the same `CipherContext` steps,
/// spread over several calls.
///
/// A Welcome encrypts its whole GroupInfo (RFC 9420 §12.4.3.1), ~2 MiB at 10,000 members:
/// the GroupInfoTBS can be encrypted while the signature over it is still being computed on
/// another core, and the signature's encoding after it.
///
/// It owns an OpenSSL context: one thread at a time, handed over between threads only with
/// the value (`@unchecked Sendable` for that hand-over, never for concurrent use).
public final class AEADStreamingSealer: @unchecked Sendable {
  private let context: CipherContext
  private let tagLength: Int
  private var finished = false

  /// Starts an encryption under `key` and `nonce`, with `aad` authenticated.
  public init(_ alg: AEADAlgorithm, key: SecretBytes, nonce: [UInt8], aad: [UInt8] = [])
    throws(CryptoError)
  {
    context = try key.withUnsafeBytes { (keyBytes) throws(CryptoError) -> CipherContext in
      try CipherContext(alg, key: keyBytes, nonce: nonce, encrypt: true, reusing: nil)
    }
    tagLength = alg.tagLength
    try context.addAAD(aad)
  }

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
    try plaintext.withUnsafeBufferPointer { (input) throws(CryptoError) in
      try output.withUnsafeMutableBufferPointer { (out) throws(CryptoError) in
        guard let base = out.baseAddress else { throw .library("AEAD output") }
        try context.update(input, length: length, into: base + start)
      }
    }
  }

  /// Encrypts the next piece of plaintext (a whole array).
  public func update(_ plaintext: [UInt8], appendingTo output: inout [UInt8]) throws(CryptoError) {
    try update(plaintext[...], appendingTo: &output)
  }

  /// Ends the encryption and appends the tag to `output`; no update may follow.
  public func finish(appendingTo output: inout [UInt8]) throws(CryptoError) {
    guard !finished else { throw .library("AEAD stream already finished") }
    finished = true
    var tag = [UInt8](repeating: 0, count: tagLength)
    try tag.withUnsafeMutableBufferPointer { (out) throws(CryptoError) in
      guard let base = out.baseAddress else { throw .library("AEAD tag") }
      // GCM and ChaCha20-Poly1305 write nothing at the end (the tag is read separately).
      try context.finish(into: base)
      try context.tag(into: base, length: tagLength)
    }
    output.append(contentsOf: tag)
  }
}
