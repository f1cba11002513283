import MLSCrypto

/// Seals an opaque state blob under a passphrase, as the product's "Secure Storage" asks
/// (`save_group_to_file` / `load_group_from_file`).
///
/// Layout (version 1):
///
///     header (47) | header MAC (32) | AES-256-GCM ciphertext || tag (n + 16) | checksum (32)
///
/// - key: Argon2id(passphrase, salt) -> HKDF-SHA256 -> encryption key and header MAC key;
/// - header MAC: HMAC-SHA256(header MAC key, header);
/// - AEAD associated data: header || header MAC || caller's associated data (the group ID in a
///   `GroupStore`, so a file moved to another group's name does not open);
/// - checksum: SHA-256 of everything before it.
///
/// Why three checks: a wrong passphrase and a damaged ciphertext both fail the GCM tag, but an
/// application must tell the user "wrong passphrase" (ask again) apart from "the file is damaged"
/// (restore a backup). The unkeyed checksum catches accidental damage anywhere before any key is
/// derived (it is not a security mechanism: anyone can recompute it). With the file intact, the
/// header MAC fails only when the key differs, i.e. the passphrase is wrong. If the MAC holds
/// and the GCM tag still fails, someone altered the ciphertext and recomputed the checksum:
/// `corruptedState`. Confidentiality and integrity rest on GCM and the MAC alone.
///
/// Load checks, in order: magic and version, length, checksum, header fields and Argon2 bounds
/// (all `corruptedState`, before any costly derivation), header MAC (`wrongPassphrase`), GCM
/// (`corruptedState`). A deliberate edit of the salt, nonce or MAC with the checksum recomputed
/// reads as `wrongPassphrase`: without the right key the two cannot be told apart.
///
/// The passphrase is used as its UTF-8 bytes, without Unicode normalization.
public struct EncryptedStateFile: Sendable {
  static let headerMACLength = 32
  static let tagLength = 16
  static let checksumLength = 32
  /// The smallest well-formed file: an empty state.
  static let minimumLength =
    StateFileHeader.encodedLength + headerMACLength + tagLength + checksumLength
  /// The largest file `load` reads (256 MiB): a state blob is far smaller, and the bound keeps
  /// a hostile file from exhausting memory.
  public static let maximumFileSize = 256 << 20

  /// The rule passphrases must meet when saving.
  public var passphrasePolicy: PassphrasePolicy
  /// The Argon2id cost of new files. Internal: only tests lower it; loading uses the file's own.
  var parameters: Argon2Parameters

  public init(passphrasePolicy: PassphrasePolicy = PassphrasePolicy()) {
    self.init(passphrasePolicy: passphrasePolicy, parameters: .default)
  }

  init(passphrasePolicy: PassphrasePolicy = PassphrasePolicy(), parameters: Argon2Parameters) {
    self.passphrasePolicy = passphrasePolicy
    self.parameters = parameters
  }

  /// The file bytes protecting `state`. Refuses passphrases the policy rejects.
  public func seal(
    _ state: [UInt8], passphrase: String, associatedData: [UInt8] = []
  ) throws(MLSError) -> [UInt8] {
    guard passphrasePolicy.accepts(passphrase) else {
      throw .weakPassphrase(minimumLength: passphrasePolicy.minimumLength)
    }
    let header = StateFileHeader(
      parameters: parameters, salt: try random(StateFileHeader.saltLength),
      nonce: try random(StateFileHeader.nonceLength))
    let keys = try StateFileKeys(passphrase: passphrase, header: header)
    var file = header.encoded()
    file += try keys.headerMAC(file)
    do throws(CryptoError) {
      file += try AEAD.seal(
        .aes256GCM, key: keys.encryptionKey, nonce: header.nonce, aad: file + associatedData,
        plaintext: state)
      file += try Digest.hash(.sha256, file)
    } catch {
      throw MLSError(error)
    }
    return file
  }

  /// The state inside `file`. `wrongPassphrase` when the passphrase does not match;
  /// `corruptedState` when the file is damaged, truncated, altered, or not a state file.
  public func open(
    _ file: [UInt8], passphrase: String, associatedData: [UInt8] = []
  ) throws(MLSError) -> [UInt8] {
    guard file.starts(with: StateFileHeader.magic) else {
      throw .corruptedState("not a SpacePanda state file")
    }
    // The version decides the rest of the layout (checksum included), so it is read first.
    let versionOffset = StateFileHeader.magic.count
    if file.count > versionOffset, file[versionOffset] != StateFileHeader.currentVersion {
      throw .corruptedState("unsupported state file version \(file[versionOffset])")
    }
    guard file.count >= Self.minimumLength else { throw .corruptedState("file truncated") }
    let body = Array(file.dropLast(Self.checksumLength))
    guard try sha256(body) == Array(file.suffix(Self.checksumLength)) else {
      throw .corruptedState("checksum mismatch")
    }
    let header = try StateFileHeader(parsing: body)
    let macEnd = StateFileHeader.encodedLength + Self.headerMACLength
    let keys = try StateFileKeys(passphrase: passphrase, header: header)
    let expectedMAC = try keys.headerMAC(Array(body.prefix(StateFileHeader.encodedLength)))
    let storedMAC = Array(body[StateFileHeader.encodedLength..<macEnd])
    guard ConstantTime.equals(expectedMAC, storedMAC) else { throw .wrongPassphrase }
    do throws(CryptoError) {
      return try AEAD.open(
        .aes256GCM, key: keys.encryptionKey, nonce: header.nonce,
        aad: Array(body.prefix(macEnd)) + associatedData, ciphertext: Array(body[macEnd...]))
    } catch {
      throw .corruptedState("ciphertext authentication failed")
    }
  }

  private func random(_ count: Int) throws(MLSError) -> [UInt8] {
    do throws(CryptoError) {
      return try SecureRandom.bytes(count)
    } catch {
      throw MLSError(error)
    }
  }

  private func sha256(_ bytes: [UInt8]) throws(MLSError) -> [UInt8] {
    do throws(CryptoError) {
      return try Digest.hash(.sha256, bytes)
    } catch {
      throw MLSError(error)
    }
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension EncryptedStateFile {
  /// Seals `state` and atomically replaces the file at `path` (mode 0600).
  public func save(
    _ state: [UInt8], to path: String, passphrase: String, associatedData: [UInt8] = []
  ) throws(MLSError) {
    try save(
      state, to: path, passphrase: passphrase, associatedData: associatedData,
      writer: AtomicFileWriter())
  }

  func save(
    _ state: [UInt8], to path: String, passphrase: String, associatedData: [UInt8],
    writer: AtomicFileWriter
  ) throws(MLSError) {
    let file = try seal(state, passphrase: passphrase, associatedData: associatedData)
    try writer.write(file, to: path)
  }

  /// Reads and opens the file at `path`; `groupNotFound` when it does not exist.
  public func load(
    from path: String, passphrase: String, associatedData: [UInt8] = []
  ) throws(MLSError) -> [UInt8] {
    let fd = try POSIX.open(path, O_RDONLY | O_NOFOLLOW, ifMissing: .groupNotFound)
    defer { POSIX.close(fd) }
    let file = try POSIX.readAll(fd, limit: Self.maximumFileSize)
    return try open(file, passphrase: passphrase, associatedData: associatedData)
  }
}
