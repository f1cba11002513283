internal import COpenSSL
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Bytes from OpenSSL's CSPRNG (`RAND_bytes`): fresh leaf secrets, init secrets, reuse guards,
/// signature and HPKE key generation. RFC 9420 §16.8 requires a good source.
public enum SecureRandom {
  /// `count` random bytes.
  public static func bytes(_ count: Int) throws(CryptoError) -> [UInt8] {
    let length = try int32Length(count, "random length")
    return try [UInt8](unsafeUninitializedCapacity: count) {
      (out, initialized) throws(CryptoError) in
      try fill(UnsafeMutableRawBufferPointer(out), length)
      initialized = count
    }
  }

  /// `count` random bytes kept in wiped storage, for keys and secrets.
  public static func secret(_ count: Int) throws(CryptoError) -> SecretBytes {
    let length = try int32Length(count, "random length")
    return try SecretBytes(count: count) { (out) throws(CryptoError) in
      try fill(out, length)
    }
  }

  /// `count` random bytes for a public, per-message value (a PrivateMessage's reuse guard,
  /// RFC 9420 §6.3.2), at most `publicPoolLimit` of them.
  ///
  /// `RAND_bytes` costs about 3.4 us whatever the length (a `getpid` system call and DRBG
  /// locking), which was a tenth of encrypting an application message. These bytes are served
  /// from a pool that one `RAND_bytes` call refills with 512 bytes; each byte is handed out once
  /// and zeroed. Never use this for keys or secrets (they use `secret(_:)`): pooled bytes wait
  /// in memory until used. A forked child never reuses the parent's pool (a fork handler
  /// invalidates it), and when the pool is busy or its lock was inherited held across a fork,
  /// the bytes come straight from `RAND_bytes`.
  public static func publicBytes(_ count: Int) throws(CryptoError) -> [UInt8] {
    guard count > 0, count <= publicPoolLimit else { return try bytes(count) }
    let pooled = try RandomPool.shared.take(count)
    guard let pooled else { return try bytes(count) }
    return pooled
  }

  /// The most bytes `publicBytes` serves from its pool; larger requests use `bytes`.
  public static let publicPoolLimit = 32

  private static func fill(_ out: UnsafeMutableRawBufferPointer, _ length: Int32)
    throws(CryptoError)
  {
    guard length > 0, let base = out.baseAddress else { return }
    guard RAND_bytes(base.assumingMemoryBound(to: UInt8.self), length) == 1 else {
      throw openSSLFailure("RAND_bytes")
    }
  }
}

/// The pool behind `SecureRandom.publicBytes`.
private final class RandomPool: Sendable {
  static let shared = RandomPool()

  private struct State {
    var bytes = [UInt8](repeating: 0, count: 512)
    /// Bytes before this index have been handed out (and zeroed).
    var used = 512
    /// `forkCount` when the pool was filled: a child process must not serve its parent's bytes.
    var filledInFork: UInt64 = 0
  }

  private let state = Mutex(State())
  /// Incremented in every child process right after `fork`.
  static let forkCount = Atomic<UInt64>(0)
  private static let forkHandlerInstalled: Bool =
    pthread_atfork(nil, nil, randomPoolForkChild) == 0

  /// `count` pooled bytes, or nil when the pool is busy (or its lock unusable after a fork).
  func take(_ count: Int) throws(CryptoError) -> [UInt8]? {
    guard Self.forkHandlerInstalled else { return nil }
    let result: Result<[UInt8], CryptoError>? = state.withLockIfAvailable { state in
      let fork = Self.forkCount.load(ordering: .acquiring)
      if state.filledInFork != fork || state.used + count > state.bytes.count {
        let length = Int32(state.bytes.count)
        let filled = state.bytes.withUnsafeMutableBufferPointer { buffer in
          RAND_bytes(buffer.baseAddress, length) == 1
        }
        guard filled else { return .failure(openSSLFailure("RAND_bytes")) }
        state.used = 0
        state.filledInFork = fork
      }
      let range = state.used..<(state.used + count)
      let taken = Array(state.bytes[range])
      state.bytes.replaceSubrange(range, with: repeatElement(0, count: count))
      state.used += count
      return .success(taken)
    }
    return try result?.get()
  }
}

/// The `pthread_atfork` child handler: makes the child refill the pool before using it.
private func randomPoolForkChild() {
  RandomPool.forkCount.add(1, ordering: .releasing)
}
