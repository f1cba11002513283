internal import COpenSSL

/// The suite AEADs (AES-GCM, ChaCha20-Poly1305) with a 16-byte tag appended to the ciphertext,
/// the layout RFC 9420 §6.3 (PrivateMessage) and RFC 9180 §5.2 (HPKE) both expect.
public enum AEAD {
  /// Encrypts `plaintext`; returns `ciphertext || tag`.
  public static func seal(
    _ alg: AEADAlgorithm, key: [UInt8], nonce: [UInt8], aad: [UInt8], plaintext: [UInt8]
  ) throws(CryptoError) -> [UInt8] {
    try withRawBytes(key) { (keyBytes) throws(CryptoError) -> [UInt8] in
      try seal(alg, key: keyBytes, nonce: nonce, aad: aad, plaintext: plaintext)
    }
  }

  /// Encrypts with a key held in wiped storage.
  public static func seal(
    _ alg: AEADAlgorithm, key: SecretBytes, nonce: [UInt8], aad: [UInt8], plaintext: [UInt8]
  ) throws(CryptoError) -> [UInt8] {
    try key.withUnsafeBytes { (keyBytes) throws(CryptoError) -> [UInt8] in
      try seal(alg, key: keyBytes, nonce: nonce, aad: aad, plaintext: plaintext)
    }
  }

  /// Decrypts `ciphertext || tag`. Any tag mismatch (wrong key, nonce, aad, or tampering) and a
  /// ciphertext shorter than the tag throw `.authenticationFailed`.
  public static func open(
    _ alg: AEADAlgorithm, key: [UInt8], nonce: [UInt8], aad: [UInt8], ciphertext: [UInt8]
  ) throws(CryptoError) -> [UInt8] {
    try withRawBytes(key) { (keyBytes) throws(CryptoError) -> [UInt8] in
      try open(alg, key: keyBytes, nonce: nonce, aad: aad, ciphertext: ciphertext)
    }
  }

  /// Decrypts with a key held in wiped storage.
  public static func open(
    _ alg: AEADAlgorithm, key: SecretBytes, nonce: [UInt8], aad: [UInt8], ciphertext: [UInt8]
  ) throws(CryptoError) -> [UInt8] {
    try key.withUnsafeBytes { (keyBytes) throws(CryptoError) -> [UInt8] in
      try open(alg, key: keyBytes, nonce: nonce, aad: aad, ciphertext: ciphertext)
    }
  }

  static func seal(
    _ alg: AEADAlgorithm, key: UnsafeRawBufferPointer, nonce: [UInt8], aad: [UInt8],
    plaintext: [UInt8], reusing shared: OpaquePointer? = nil
  ) throws(CryptoError) -> [UInt8] {
    let tagLength = alg.tagLength
    let plaintextLength = try int32Length(plaintext.count, "plaintext")
    _ = try int32Length(plaintext.count + tagLength, "ciphertext")
    let context = try CipherContext(alg, key: key, nonce: nonce, encrypt: true, reusing: shared)
    try context.addAAD(aad)
    let total = plaintext.count + tagLength
    return try [UInt8](unsafeUninitializedCapacity: total) {
      (out, initialized) throws(CryptoError) in
      guard let base = out.baseAddress else { throw .library("AEAD output") }
      try plaintext.withUnsafeBufferPointer { (input) throws(CryptoError) in
        try context.update(input, length: plaintextLength, into: base)
      }
      try context.finish(into: base + plaintext.count)
      try context.tag(into: base + plaintext.count, length: tagLength)
      initialized = total
    }
  }

  static func open(
    _ alg: AEADAlgorithm, key: UnsafeRawBufferPointer, nonce: [UInt8], aad: [UInt8],
    ciphertext: [UInt8], reusing shared: OpaquePointer? = nil
  ) throws(CryptoError) -> [UInt8] {
    let tagLength = alg.tagLength
    guard ciphertext.count >= tagLength else { throw .authenticationFailed }
    let bodyLength = ciphertext.count - tagLength
    let bodyLength32 = try int32Length(bodyLength, "ciphertext")
    let context = try CipherContext(
      alg, key: key, nonce: nonce, encrypt: false, reusing: shared)
    try context.addAAD(aad)
    return try ciphertext.withUnsafeBufferPointer { (input) throws(CryptoError) -> [UInt8] in
      try context.setTag(UnsafeBufferPointer(rebasing: input[bodyLength...]))
      return try [UInt8](unsafeUninitializedCapacity: max(bodyLength, 1)) {
        (out, initialized) throws(CryptoError) in
        guard let base = out.baseAddress else { throw .library("AEAD output") }
        do throws(CryptoError) {
          try context.update(
            UnsafeBufferPointer(rebasing: input[..<bodyLength]), length: bodyLength32, into: base)
          try context.finish(into: base + bodyLength)
        } catch {
          // Never hand back (or leave in freed memory) unauthenticated plaintext.
          OPENSSL_cleanse(base, max(bodyLength, 1))
          throw error
        }
        initialized = bodyLength
      }
    }
  }
}

/// A cipher context kept for the several AEAD operations of one message: a PrivateMessage seals
/// (or opens) its content and then its sender data, each under its own single-use key
/// (RFC 9420 §6.3, §6.3.2). Each operation re-keys the context, which keeps the cipher and its
/// allocation; OpenSSL wipes the context when this value goes away. Keep one only as long as
/// the message being handled, so no key schedule outlives it, and never share it between
/// threads.
public struct AEADContext: ~Copyable {
  let ctx: OpaquePointer
  public let algorithm: AEADAlgorithm

  /// A context with `algorithm`'s cipher set and no key yet.
  public init(_ algorithm: AEADAlgorithm) throws(CryptoError) {
    let cipher = try OpenSSLAlgorithms.shared.cipher(algorithm)
    guard let ctx = EVP_CIPHER_CTX_new() else { throw openSSLFailure("EVP_CIPHER_CTX_new") }
    guard EVP_EncryptInit_ex2(ctx, cipher, nil, nil, nil) == 1 else {
      EVP_CIPHER_CTX_free(ctx)
      throw openSSLFailure("EVP_EncryptInit_ex2")
    }
    self.ctx = ctx
    self.algorithm = algorithm
  }

  deinit { EVP_CIPHER_CTX_free(ctx) }

  /// `AEAD.seal` on this context.
  public func seal(key: SecretBytes, nonce: [UInt8], aad: [UInt8], plaintext: [UInt8])
    throws(CryptoError) -> [UInt8]
  {
    let (alg, ctx) = (algorithm, self.ctx)
    return try key.withUnsafeBytes { (keyBytes) throws(CryptoError) -> [UInt8] in
      try AEAD.seal(alg, key: keyBytes, nonce: nonce, aad: aad, plaintext: plaintext, reusing: ctx)
    }
  }

  /// `AEAD.open` on this context.
  public func open(key: SecretBytes, nonce: [UInt8], aad: [UInt8], ciphertext: [UInt8])
    throws(CryptoError) -> [UInt8]
  {
    let (alg, ctx) = (algorithm, self.ctx)
    return try key.withUnsafeBytes { (keyBytes) throws(CryptoError) -> [UInt8] in
      try AEAD.open(
        alg, key: keyBytes, nonce: nonce, aad: aad, ciphertext: ciphertext, reusing: ctx)
    }
  }
}

/// One AEAD operation on an `EVP_CIPHER_CTX`: its own (freed after the operation), or an
/// `AEADContext`'s, re-keyed here (never shared between threads).
struct CipherContext: ~Copyable {
  private let ctx: OpaquePointer
  private let encrypt: Bool
  private let owned: Bool

  init(
    _ alg: AEADAlgorithm, key: UnsafeRawBufferPointer, nonce: [UInt8], encrypt: Bool,
    reusing shared: OpaquePointer?
  ) throws(CryptoError) {
    guard key.count == alg.keyLength else { throw .invalidLength("AEAD key") }
    guard nonce.count == alg.nonceLength else { throw .invalidLength("AEAD nonce") }
    guard let keyBase = key.baseAddress else { throw .invalidLength("AEAD key") }
    // A shared context already has the cipher: passing none keeps its allocation.
    let cipher = shared == nil ? try OpenSSLAlgorithms.shared.cipher(alg) : nil
    guard let ctx = shared ?? EVP_CIPHER_CTX_new() else {
      throw openSSLFailure("EVP_CIPHER_CTX_new")
    }
    let keyPointer = keyBase.assumingMemoryBound(to: UInt8.self)
    let ok = nonce.withUnsafeBufferPointer { iv in
      encrypt
        ? EVP_EncryptInit_ex2(ctx, cipher, keyPointer, iv.baseAddress, nil)
        : EVP_DecryptInit_ex2(ctx, cipher, keyPointer, iv.baseAddress, nil)
    }
    guard ok == 1 else {
      if shared == nil { EVP_CIPHER_CTX_free(ctx) }
      throw openSSLFailure("EVP_CipherInit_ex2")
    }
    self.ctx = ctx
    self.encrypt = encrypt
    self.owned = shared == nil
  }

  deinit { if owned { EVP_CIPHER_CTX_free(ctx) } }

  func addAAD(_ aad: [UInt8]) throws(CryptoError) {
    guard !aad.isEmpty else { return }
    let length = try int32Length(aad.count, "aad")
    var ignored: Int32 = 0
    let ok = aad.withUnsafeBufferPointer { input in
      encrypt
        ? EVP_EncryptUpdate(ctx, nil, &ignored, input.baseAddress, length)
        : EVP_DecryptUpdate(ctx, nil, &ignored, input.baseAddress, length)
    }
    guard ok == 1 else { throw openSSLFailure("EVP_CipherUpdate(aad)") }
  }

  func update(
    _ input: UnsafeBufferPointer<UInt8>, length: Int32, into out: UnsafeMutablePointer<UInt8>
  )
    throws(CryptoError)
  {
    guard length > 0 else { return }
    var written: Int32 = 0
    let ok =
      encrypt
      ? EVP_EncryptUpdate(ctx, out, &written, input.baseAddress, length)
      : EVP_DecryptUpdate(ctx, out, &written, input.baseAddress, length)
    guard ok == 1, written == length else { throw openSSLFailure("EVP_CipherUpdate") }
  }

  /// Finalises; for decryption this is where the tag is checked.
  func finish(into out: UnsafeMutablePointer<UInt8>) throws(CryptoError) {
    var written: Int32 = 0
    if encrypt {
      guard EVP_EncryptFinal_ex(ctx, out, &written) == 1, written == 0 else {
        throw openSSLFailure("EVP_EncryptFinal_ex")
      }
    } else {
      guard EVP_DecryptFinal_ex(ctx, out, &written) == 1, written == 0 else {
        ERR_clear_error()
        throw .authenticationFailed
      }
    }
  }

  func tag(into out: UnsafeMutablePointer<UInt8>, length: Int) throws(CryptoError) {
    guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, Int32(length), out) == 1 else {
      throw openSSLFailure("EVP_CTRL_AEAD_GET_TAG")
    }
  }

  func setTag(_ tag: UnsafeBufferPointer<UInt8>) throws(CryptoError) {
    guard let base = tag.baseAddress,
      EVP_CIPHER_CTX_ctrl(
        ctx, EVP_CTRL_AEAD_SET_TAG, Int32(tag.count), UnsafeMutableRawPointer(mutating: base)) == 1
    else { throw openSSLFailure("EVP_CTRL_AEAD_SET_TAG") }
  }
}
