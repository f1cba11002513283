import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The passphrase sealing a store: `SPACEPANDA_PASSPHRASE`, or asked on the terminal without
/// echo (the product's "Secure Storage": state at rest is encrypted under a user passphrase).
enum Passphrase {
  static let environmentVariable = "SPACEPANDA_PASSPHRASE"

  /// The passphrase; `confirm` asks twice when prompting (for a new store).
  static func obtain(confirm: Bool) throws(CLIError) -> String {
    if let value = ProcessInfo.processInfo.environment[environmentVariable] {
      return value
    }
    let first = try prompt("Passphrase: ")
    if confirm {
      let second = try prompt("Repeat passphrase: ")
      guard first == second else { throw .failure("the passphrases differ") }
    }
    return first
  }

  /// Reads one line from the controlling terminal with echo off, restoring the terminal
  /// settings afterwards.
  private static func prompt(_ text: String) throws(CLIError) -> String {
    let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
    guard fd >= 0 else {
      throw .failure("no terminal to ask for a passphrase; set \(environmentVariable)")
    }
    defer { close(fd) }
    var saved = termios()
    guard tcgetattr(fd, &saved) == 0 else {
      throw .failure("cannot read the terminal settings; set \(environmentVariable)")
    }
    var silent = saved
    silent.c_lflag &= ~tcflag_t(ECHO)
    _ = writeAll(fd, Array(text.utf8))
    guard tcsetattr(fd, TCSAFLUSH, &silent) == 0 else {
      throw .failure("cannot turn off echo; set \(environmentVariable)")
    }
    let line = readLine(fd)
    _ = tcsetattr(fd, TCSAFLUSH, &saved)
    _ = writeAll(fd, Array("\n".utf8))
    guard let line else { throw .failure("no passphrase given") }
    return line
  }

  /// Reads bytes up to a newline or end of input.
  private static func readLine(_ fd: Int32) -> String? {
    var bytes: [UInt8] = []
    var byte: UInt8 = 0
    while true {
      let count = read(fd, &byte, 1)
      if count < 0, errno == EINTR { continue }
      if count <= 0 { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
      if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
      bytes.append(byte)
    }
  }

  private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { buffer in
      guard let base = buffer.baseAddress else { return true }
      return write(fd, base, buffer.count) == buffer.count
    }
  }
}
