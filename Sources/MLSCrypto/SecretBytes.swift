internal import COpenSSL
import Synchronization

/// Bytes that must not outlive their use: keys, epoch secrets, path secrets.
///
/// The storage is a heap buffer owned by one object and overwritten with `OPENSSL_cleanse` when the
/// last copy of the value goes away. Equality is constant-time. The bytes never appear in
/// `description`, so they cannot leak into logs or error messages.
public struct SecretBytes: Sendable, CustomStringConvertible {
  private let storage: Storage

  /// Copies `bytes` into wiped storage. The caller's array is not wiped.
  public init<C: Collection>(_ bytes: C) where C.Element == UInt8 {
    storage = Storage(count: bytes.count)
    UnsafeMutableRawBufferPointer(storage.buffer).copyBytes(from: bytes)
  }

  /// `count` zero bytes.
  public init(zeros count: Int) {
    storage = Storage(count: count)
  }

  /// Fills `count` bytes through `body`, so C functions can write secrets straight into wiped
  /// storage without an intermediate array.
  public init<E: Error>(
    count: Int, initializingWith body: (UnsafeMutableRawBufferPointer) throws(E) -> Void
  ) throws(E) {
    storage = Storage(count: count)
    try body(UnsafeMutableRawBufferPointer(storage.buffer))
  }

  /// Copies `bytes` and calls `afterWipe` with the storage once it has been wiped, just before it
  /// is freed, so a test can observe that releasing a secret really overwrites it.
  init(_ bytes: [UInt8], afterWipe: @escaping @Sendable (UnsafeRawBufferPointer) -> Void) {
    storage = Storage(count: bytes.count, afterWipe: afterWipe)
    UnsafeMutableRawBufferPointer(storage.buffer).copyBytes(from: bytes)
  }

  public var count: Int { storage.buffer.count }
  public var isEmpty: Bool { storage.buffer.isEmpty }

  /// Calls `body` with the secret bytes; the pointer must not escape.
  public func withUnsafeBytes<R: ~Copyable, E: Error>(
    _ body: (UnsafeRawBufferPointer) throws(E) -> R
  ) throws(E) -> R {
    try body(UnsafeRawBufferPointer(storage.buffer))
  }

  /// A copy of the bytes as an array, for encoding onto the wire or comparing with a test vector.
  /// The copy is not wiped: keep its lifetime short.
  public func revealed() -> [UInt8] {
    Array(UnsafeRawBufferPointer(storage.buffer))
  }

  public var description: String { "SecretBytes(\(count) bytes)" }

  /// Calls `body` with `count` bytes derived from this secret by `derive`, which runs once per
  /// secret: the result is kept in wiped storage beside the secret and freed with it. For
  /// derivations as costly as their use (libsodium's expanded Ed25519 key costs a scalar
  /// multiplication, as much as a signature). A secret has one derivation (one key, one scheme).
  func withDerivedBytes<R>(
    count: Int,
    derive: (UnsafeRawBufferPointer, UnsafeMutableRawBufferPointer) throws(CryptoError) -> Void,
    _ body: (UnsafeRawBufferPointer) throws(CryptoError) -> R
  ) throws(CryptoError) -> R {
    let source = storage
    let derived = try source.derived.withLock { (slot) throws(CryptoError) -> Storage in
      if let existing = slot, existing.buffer.count == count { return existing }
      let made = Storage(count: count)
      try derive(UnsafeRawBufferPointer(source.buffer), UnsafeMutableRawBufferPointer(made.buffer))
      slot = made
      return made
    }
    // `storage` keeps `derived` alive for as long as this value lives.
    return try body(UnsafeRawBufferPointer(derived.buffer))
  }

  private final class Storage: @unchecked Sendable {
    // Immutable after initialisation; only deinit writes (to wipe).
    let buffer: UnsafeMutableBufferPointer<UInt8>
    let afterWipe: (@Sendable (UnsafeRawBufferPointer) -> Void)?
    /// What `withDerivedBytes` computed from `buffer`, if anything; wiped on its own deinit.
    let derived = Mutex<Storage?>(nil)

    init(count: Int, afterWipe: (@Sendable (UnsafeRawBufferPointer) -> Void)? = nil) {
      buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(count, 0))
      buffer.initialize(repeating: 0)
      self.afterWipe = afterWipe
    }

    deinit {
      if let base = buffer.baseAddress, buffer.count > 0 {
        OPENSSL_cleanse(base, buffer.count)
      }
      afterWipe?(UnsafeRawBufferPointer(buffer))
      buffer.deallocate()
    }
  }
}

extension SecretBytes: Equatable {
  /// Constant-time in the contents; lengths are public.
  public static func == (lhs: SecretBytes, rhs: SecretBytes) -> Bool {
    guard lhs.count == rhs.count else { return false }
    if lhs.isEmpty { return true }
    return lhs.withUnsafeBytes { a in
      rhs.withUnsafeBytes { b in CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) == 0 }
    }
  }
}
