import MLSCodec
import MLSCrypto

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Replaces a file so that a crash or failure at any point leaves either the old contents or
/// the new ones, never a mix: write a temporary file in the same directory (same file system,
/// so rename is atomic), fsync it, rename it over the target, then fsync the directory so the
/// rename itself is durable. The file is created with mode 0600 (and fchmod'ed, since the
/// process umask only ever removes bits) because even encrypted state should not be readable by
/// other users.
struct AtomicFileWriter: Sendable {
  /// The points between steps where a test can inject a failure.
  enum Step: Sendable, Hashable {
    case created
    case written
    case synced
    case renamed
  }

  /// Called after each step; throwing aborts the write as if that step had failed.
  var faultHook: (@Sendable (Step) throws(MLSError) -> Void)?

  init(faultHook: (@Sendable (Step) throws(MLSError) -> Void)? = nil) {
    self.faultHook = faultHook
  }

  func write(_ bytes: [UInt8], to path: String) throws(MLSError) {
    let directory = Self.directory(of: path)
    let temporary = try temporaryPath(for: path)
    let fd = try POSIX.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode: 0o600)
    var renamed = false
    defer { if !renamed { try? POSIX.unlink(temporary, missingOK: true) } }
    try fill(fd, with: bytes)
    try POSIX.rename(temporary, path)
    renamed = true
    try faultHook?(.renamed)
    try Self.syncDirectory(directory)
  }

  /// Writes and syncs the temporary file, then closes it.
  private func fill(_ fd: Int32, with bytes: [UInt8]) throws(MLSError) {
    defer { POSIX.close(fd) }
    try POSIX.fchmod(fd, 0o600)
    try faultHook?(.created)
    try POSIX.writeAll(fd, bytes)
    try faultHook?(.written)
    try POSIX.fsync(fd)
    try faultHook?(.synced)
  }

  /// Makes a directory entry change (rename, unlink) durable.
  static func syncDirectory(_ directory: String) throws(MLSError) {
    let fd = try POSIX.open(directory, O_RDONLY | O_DIRECTORY)
    defer { POSIX.close(fd) }
    try POSIX.fsync(fd)
  }

  /// The directory part of `path` ("." when there is none).
  static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let directory = String(path[..<slash])
    return directory.isEmpty ? "/" : directory
  }

  /// `<dir>/.spmls-<random>.tmp`: hidden, unique, next to the target, and short whatever the
  /// target's name length.
  private func temporaryPath(for path: String) throws(MLSError) -> String {
    let suffix: [UInt8]
    do throws(CryptoError) {
      suffix = try SecureRandom.bytes(8)
    } catch {
      throw MLSError(error)
    }
    return Self.directory(of: path) + "/.spmls-" + Hex.encode(suffix) + ".tmp"
  }
}
