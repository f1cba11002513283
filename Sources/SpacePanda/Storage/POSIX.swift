#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Thin wrappers over the POSIX calls the store needs, turning `-1` + `errno` into
/// `MLSError.storage` that names the call and the errno value (never a path's contents).
enum POSIX {
  /// Reads `errno` first, before building the message can disturb it.
  static func storageError(_ call: String) -> MLSError {
    let code = errno
    return .storage("\(call) failed (errno \(code))")
  }

  /// Opens `path`, retrying on EINTR; a missing file throws `ifMissing` when given.
  static func open(
    _ path: String, _ flags: Int32, mode: mode_t = 0, ifMissing: MLSError? = nil
  ) throws(MLSError) -> Int32 {
    while true {
      #if canImport(Glibc)
        let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
      #else
        let fd = Darwin.open(path, flags | O_CLOEXEC, mode)
      #endif
      if fd >= 0 { return fd }
      let code = errno
      if code == ENOENT, let ifMissing { throw ifMissing }
      if code != EINTR { throw .storage("open failed (errno \(code))") }
    }
  }

  static func close(_ fd: Int32) {
    #if canImport(Glibc)
      _ = Glibc.close(fd)
    #else
      _ = Darwin.close(fd)
    #endif
  }

  /// Writes all of `bytes`, retrying short writes and EINTR.
  static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(MLSError) {
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeBytes { buffer in
        #if canImport(Glibc)
          Glibc.write(fd, buffer.baseAddress.map { $0 + offset }, bytes.count - offset)
        #else
          Darwin.write(fd, buffer.baseAddress.map { $0 + offset }, bytes.count - offset)
        #endif
      }
      if written < 0 {
        if errno == EINTR { continue }
        throw storageError("write")
      }
      offset += written
    }
  }

  /// Reads the whole file behind `fd`, refusing files larger than `limit` before allocating.
  static func readAll(_ fd: Int32, limit: Int) throws(MLSError) -> [UInt8] {
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw storageError("fstat") }
    guard (info.st_mode & S_IFMT) == S_IFREG else { throw .storage("not a regular file") }
    let size = Int(info.st_size)
    guard size <= limit else { throw .corruptedState("file larger than \(limit) bytes") }
    var bytes = [UInt8](repeating: 0, count: size)
    var offset = 0
    while offset < size {
      let count = bytes.withUnsafeMutableBytes { buffer in
        #if canImport(Glibc)
          Glibc.read(fd, buffer.baseAddress.map { $0 + offset }, size - offset)
        #else
          Darwin.read(fd, buffer.baseAddress.map { $0 + offset }, size - offset)
        #endif
      }
      if count < 0 {
        if errno == EINTR { continue }
        throw storageError("read")
      }
      if count == 0 { break }
      offset += count
    }
    return Array(bytes.prefix(offset))
  }

  static func fsync(_ fd: Int32) throws(MLSError) {
    #if canImport(Glibc)
      let result = Glibc.fsync(fd)
    #else
      let result = Darwin.fsync(fd)
    #endif
    guard result == 0 else { throw storageError("fsync") }
  }

  static func fchmod(_ fd: Int32, _ mode: mode_t) throws(MLSError) {
    #if canImport(Glibc)
      let result = Glibc.fchmod(fd, mode)
    #else
      let result = Darwin.fchmod(fd, mode)
    #endif
    guard result == 0 else { throw storageError("fchmod") }
  }

  static func rename(_ from: String, _ to: String) throws(MLSError) {
    #if canImport(Glibc)
      let result = Glibc.rename(from, to)
    #else
      let result = Darwin.rename(from, to)
    #endif
    guard result == 0 else { throw storageError("rename") }
  }

  /// Removes `path`; a missing file is not an error when `missingOK`.
  static func unlink(_ path: String, missingOK: Bool = false) throws(MLSError) {
    #if canImport(Glibc)
      let result = Glibc.unlink(path)
    #else
      let result = Darwin.unlink(path)
    #endif
    if result != 0 && !(missingOK && errno == ENOENT) { throw storageError("unlink") }
  }

  /// Creates the directory with mode 0700 unless it exists.
  static func makeDirectory(_ path: String) throws(MLSError) {
    #if canImport(Glibc)
      let result = Glibc.mkdir(path, 0o700)
    #else
      let result = Darwin.mkdir(path, 0o700)
    #endif
    if result != 0 && errno != EEXIST { throw storageError("mkdir") }
  }

  /// Whether `path` names a directory.
  static func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
  }

  /// Whether `path` names an existing file system entry.
  static func exists(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0
  }

  /// The permission bits of `path`.
  static func permissions(_ path: String) throws(MLSError) -> mode_t {
    var info = stat()
    guard stat(path, &info) == 0 else { throw storageError("stat") }
    return info.st_mode & 0o7777
  }

  /// Names of the entries of a directory, without "." and "..".
  static func directoryEntries(_ path: String) throws(MLSError) -> [String] {
    guard let directory = opendir(path) else { throw storageError("opendir") }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }
}
