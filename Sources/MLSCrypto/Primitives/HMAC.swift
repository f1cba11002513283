internal import COpenSSL
import Synchronization

/// HMAC (RFC 2104) over the suite hash: MLS `MAC` (RFC 9420 §5.1) and the building block of HKDF.
public enum HMAC {
  /// HMAC of `data` under `key`; the output is `alg.outputLength` bytes. Any key length is
  /// accepted, including empty (RFC 2104 §2).
  public static func mac(_ alg: HashAlgorithm, key: [UInt8], data: [UInt8]) throws(CryptoError)
    -> [UInt8]
  {
    try withRawBytes(key) { (keyBytes) throws(CryptoError) -> [UInt8] in
      try withRawBytes(data) { (dataBytes) throws(CryptoError) -> [UInt8] in
        try mac(alg, key: keyBytes, data: dataBytes)
      }
    }
  }

  /// HMAC keyed with a secret (the MLS `membership_key`, `confirmation_key`, ...).
  public static func mac(_ alg: HashAlgorithm, key: SecretBytes, data: [UInt8])
    throws(CryptoError) -> [UInt8]
  {
    try key.withUnsafeBytes { (keyBytes) throws(CryptoError) -> [UInt8] in
      try withRawBytes(data) { (dataBytes) throws(CryptoError) -> [UInt8] in
        try mac(alg, key: keyBytes, data: dataBytes)
      }
    }
  }

  static func mac(_ alg: HashAlgorithm, key: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer)
    throws(CryptoError) -> [UInt8]
  {
    let context = try HMACContext(alg, key: key)
    try context.update(data)
    return try [UInt8](unsafeUninitializedCapacity: alg.outputLength) {
      (out, initialized) throws(CryptoError) in
      try context.finish(into: UnsafeMutableRawBufferPointer(out))
      initialized = alg.outputLength
    }
  }
}

/// An HMAC key whose key schedule (the hashed inner and outer pads) is done once, for a secret
/// that keys many short HMACs: an epoch's `sender_data_secret` keys two per PrivateMessage
/// (RFC 9420 §6.3.2). Each use duplicates the keyed OpenSSL context, which is read-only once
/// made, so the value can be shared between threads. OpenSSL wipes the context when freed.
///
/// Finished computations hand their context back to a small pool, and the next use restarts
/// one from it instead of duplicating the template (OpenSSL 3.0 allocates and wipes three
/// digest contexts per duplicate). A pooled context holds nothing the template does not: the
/// key, and the last output derived from it.
public final class HMACKey: @unchecked Sendable {
  let template: OpaquePointer
  public let hash: HashAlgorithm
  /// Finished contexts keyed like `template`, at most `maximumSpares`.
  private let spares = Mutex<[SpareContext]>([])
  private static let maximumSpares = 4

  /// Keys HMAC over `hash` with `secret`.
  public init(_ hash: HashAlgorithm, secret: SecretBytes) throws(CryptoError) {
    template = try secret.withUnsafeBytes { (key) throws(CryptoError) -> OpaquePointer in
      try HMACContext(hash, key: key).take()
    }
    self.hash = hash
  }

  /// A context ready for `update`: a restarted spare, else a duplicate of the template.
  func checkOut() throws(CryptoError) -> OpaquePointer {
    if let spare = spares.withLock({ $0.popLast() })?.ctx {
      guard EVP_MAC_init(spare, nil, 0, nil) == 1 else {
        EVP_MAC_CTX_free(spare)
        throw openSSLFailure("EVP_MAC_init")
      }
      return spare
    }
    guard let ctx = EVP_MAC_CTX_dup(template) else { throw openSSLFailure("EVP_MAC_CTX_dup") }
    return ctx
  }

  /// Takes back a context from `checkOut`, freeing it when the pool is full.
  func checkIn(_ ctx: OpaquePointer) {
    let spare = SpareContext(ctx: ctx)
    let kept = spares.withLock { (pool) -> Bool in
      guard pool.count < Self.maximumSpares else { return false }
      pool.append(spare)
      return true
    }
    if !kept { EVP_MAC_CTX_free(ctx) }
  }

  deinit {
    EVP_MAC_CTX_free(template)
    for spare in spares.withLock({ $0 }) { EVP_MAC_CTX_free(spare.ctx) }
  }
}

/// A hash ratchet's HMAC state, keyed with the ratchet's current secret and re-keyed in place
/// with the next one at each step (RFC 9420 §9.1): a step then neither duplicates nor frees a
/// keyed context, which in OpenSSL 3.0 means three digest contexts allocated and wiped.
///
/// Re-keying overwrites the previous secret's state, so the object never holds more than the
/// secret its ratchet holds; OpenSSL wipes the context when freed.
///
/// Mutable: its owner must hold the only reference (`isKnownUniquelyReferenced`) before it
/// computes or re-keys, and copy it (`copy()`) otherwise. Value types sharing one between their
/// copies stay independent this way, and no two threads ever touch it at once.
public final class RatchetHMAC: @unchecked Sendable {
  private let ctx: OpaquePointer
  /// Whether the context is ready for `update` (keyed or restarted since its last MAC).
  private var ready: Bool
  public let hash: HashAlgorithm

  /// Keys HMAC over `hash` with `secret`.
  public init(_ hash: HashAlgorithm, secret: SecretBytes) throws(CryptoError) {
    ctx = try secret.withUnsafeBytes { (key) throws(CryptoError) -> OpaquePointer in
      try HMACContext(hash, key: key).take()
    }
    ready = true
    self.hash = hash
  }

  private init(ctx: OpaquePointer, hash: HashAlgorithm) {
    self.ctx = ctx
    self.ready = false
    self.hash = hash
  }

  deinit { EVP_MAC_CTX_free(ctx) }

  /// An independent object keyed with the same secret.
  public func copy() throws(CryptoError) -> RatchetHMAC {
    guard let duplicate = EVP_MAC_CTX_dup(ctx) else { throw openSSLFailure("EVP_MAC_CTX_dup") }
    return RatchetHMAC(ctx: duplicate, hash: hash)
  }

  /// Replaces the key with `secret` (the ratchet's next secret).
  public func rekey(_ secret: SecretBytes) throws(CryptoError) {
    ready = false
    let ok = secret.withUnsafeBytes { (key) -> Bool in
      guard let base = key.baseAddress, key.count > 0 else { return false }
      return EVP_MAC_init(ctx, base.assumingMemoryBound(to: UInt8.self), key.count, nil) == 1
    }
    guard ok else { throw openSSLFailure("EVP_MAC_init") }
    ready = true
  }

  /// Runs `body` with a computation on the context, restarted first if it was used.
  func withContext<R>(_ body: (borrowing HMACContext) throws(CryptoError) -> R)
    throws(CryptoError) -> R
  {
    if !ready {
      guard EVP_MAC_init(ctx, nil, 0, nil) == 1 else { throw openSSLFailure("EVP_MAC_init") }
    }
    ready = false
    let context = HMACContext(borrowing: ctx, outputLength: hash.outputLength)
    return try body(context)
  }
}

/// A pooled context: only ever used by the one computation that checked it out.
private struct SpareContext: @unchecked Sendable {
  let ctx: OpaquePointer
}

/// A keyed HMAC computation owning its OpenSSL context (one per operation, never shared).
struct HMACContext: ~Copyable {
  private let ctx: OpaquePointer
  let outputLength: Int
  /// The key whose pool takes the context back when done; nil: the context is freed. Unowned
  /// (a computation never outlives the call that holds the key) so `take()` can `discard`.
  private let owner: Unmanaged<HMACKey>?
  /// False for a context another object owns (`RatchetHMAC`): it is neither freed nor pooled.
  private let owned: Bool

  /// A computation keyed with `key`, ready for `update`.
  init(_ key: HMACKey) throws(CryptoError) {
    self.ctx = try key.checkOut()
    self.outputLength = key.hash.outputLength
    self.owner = Unmanaged.passUnretained(key)
    self.owned = true
  }

  /// A computation on a context owned elsewhere, which outlives this value.
  init(borrowing ctx: OpaquePointer, outputLength: Int) {
    self.ctx = ctx
    self.outputLength = outputLength
    self.owner = nil
    self.owned = false
  }

  /// Hands the context over to an `HMACKey`, which frees it.
  consuming func take() -> OpaquePointer {
    let pointer = ctx
    discard self
    return pointer
  }

  init(_ alg: HashAlgorithm, key: UnsafeRawBufferPointer) throws(CryptoError) {
    let template = try OpenSSLAlgorithms.shared.hmacTemplate(alg)
    guard let ctx = EVP_MAC_CTX_dup(template) else { throw openSSLFailure("EVP_MAC_CTX_dup") }
    // HMAC zero-pads the key to the block size, so an empty key and the one-byte key 0x00 give
    // the same MAC; substituting the latter keeps OpenSSL away from zero-length-key edge cases.
    var zeroKey: UInt8 = 0
    let ok: Int32
    if let base = key.baseAddress, key.count > 0 {
      ok = EVP_MAC_init(ctx, base.assumingMemoryBound(to: UInt8.self), key.count, nil)
    } else {
      ok = EVP_MAC_init(ctx, &zeroKey, 1, nil)
    }
    guard ok == 1 else {
      EVP_MAC_CTX_free(ctx)
      throw openSSLFailure("EVP_MAC_init")
    }
    self.ctx = ctx
    self.outputLength = alg.outputLength
    self.owner = nil
    self.owned = true
  }

  deinit {
    if !owned { return }
    if let owner {
      owner._withUnsafeGuaranteedRef { $0.checkIn(ctx) }
    } else {
      EVP_MAC_CTX_free(ctx)
    }
  }

  func update(_ data: UnsafeRawBufferPointer) throws(CryptoError) {
    guard let base = data.baseAddress, data.count > 0 else { return }
    guard EVP_MAC_update(ctx, base.assumingMemoryBound(to: UInt8.self), data.count) == 1 else {
      throw openSSLFailure("EVP_MAC_update")
    }
  }

  func update(byte: UInt8) throws(CryptoError) {
    var value = byte
    guard EVP_MAC_update(ctx, &value, 1) == 1 else { throw openSSLFailure("EVP_MAC_update") }
  }

  /// Writes the MAC (exactly `outputLength` bytes) to `out`.
  func finish(into out: UnsafeMutableRawBufferPointer) throws(CryptoError) {
    guard let base = out.baseAddress, out.count == outputLength else {
      throw .invalidLength("HMAC output buffer")
    }
    var written = 0
    guard
      EVP_MAC_final(ctx, base.assumingMemoryBound(to: UInt8.self), &written, out.count) == 1,
      written == outputLength
    else { throw openSSLFailure("EVP_MAC_final") }
  }

  /// Starts a new MAC with the same key (HKDF-Expand's per-block HMAC).
  func restart() throws(CryptoError) {
    guard EVP_MAC_init(ctx, nil, 0, nil) == 1 else { throw openSSLFailure("EVP_MAC_init") }
  }
}
