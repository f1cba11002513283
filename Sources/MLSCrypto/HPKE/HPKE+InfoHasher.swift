extension HPKE {
  /// `info_hash` (RFC 9180 §5.1) computed as the info's bytes arrive, for an info too large
  /// to wait for: a Welcome's EncryptContext holds the whole encrypted GroupInfo (RFC 9420
  /// §12.4.3.1), which can be hashed while it is still being produced. `finish` gives the
  /// same `InfoHash` as `infoHash(parts:)` over the concatenated pieces.
  ///
  /// It owns an OpenSSL context: one thread at a time (`@unchecked Sendable` only to hand it
  /// over between threads).
  public final class InfoHasher: @unchecked Sendable {
    private let context: HMACContext
    private let suiteID: [UInt8]
    private let outputLength: Int
    private var finished = false

    init(_ hash: HashAlgorithm, suiteID: [UInt8]) throws(CryptoError) {
      // LabeledExtract with an empty salt: HMAC under the empty key (RFC 5869 §2.2).
      context = try HMACContext(hash, key: UnsafeRawBufferPointer(start: nil, count: 0))
      self.suiteID = suiteID
      self.outputLength = hash.outputLength
    }

    /// Hashes the next piece of the info.
    public func update(_ bytes: UnsafeRawBufferPointer) throws(CryptoError) {
      guard !finished else { throw .library("info_hash already finished") }
      try context.update(bytes)
    }

    /// Hashes the next piece of the info (an array).
    public func update(_ bytes: [UInt8]) throws(CryptoError) {
      try withRawBytes(bytes) { (raw) throws(CryptoError) in try update(raw) }
    }

    /// The info hash of everything fed; no update may follow.
    public func finish() throws(CryptoError) -> InfoHash {
      guard !finished else { throw .library("info_hash already finished") }
      finished = true
      let bytes = try [UInt8](unsafeUninitializedCapacity: outputLength) {
        (out, initialized) throws(CryptoError) in
        try context.finish(into: UnsafeMutableRawBufferPointer(out))
        initialized = outputLength
      }
      return InfoHash(suiteID: suiteID, bytes: bytes)
    }
  }

  /// Starts an `info_hash` fed in pieces (`InfoHasher`).
  public func infoHasher() throws(CryptoError) -> InfoHasher {
    try kdfLabeled.extractStream(label: "info_hash")
  }
}
