import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Standard streams and message files. Messages are raw MLS bytes (`MLSMessage`, RFC 9420 §6);
/// `-` means standard input or output.
enum Console {
  static func out(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
  }

  static func error(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }

  /// Whether file descriptor `fd` is a terminal.
  static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

  /// Reads a whole file, or standard input for `-`, refusing more than `limit` bytes.
  static func read(_ path: String, limit: Int = 64 << 20) throws(CLIError) -> [UInt8] {
    let data: Data
    if path == "-" {
      data = FileHandle.standardInput.readDataToEndOfFile()
    } else {
      guard let contents = FileManager.default.contents(atPath: path) else {
        throw .failure("cannot read \(path)")
      }
      data = contents
    }
    guard data.count <= limit else { throw .failure("\(path) is larger than \(limit) bytes") }
    return [UInt8](data)
  }

  /// Writes message bytes to `path`, or standard output for `-`. Binary is never written to a
  /// terminal: that would garble it and could send control sequences to the terminal.
  static func write(_ bytes: [UInt8], to path: String) throws(CLIError) {
    if path == "-" {
      guard !isTerminal(STDOUT_FILENO) else {
        throw .usage("refusing to write a binary message to a terminal; use --out FILE")
      }
      FileHandle.standardOutput.write(Data(bytes))
      return
    }
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
      throw .failure("cannot write \(path)")
    }
  }
}
