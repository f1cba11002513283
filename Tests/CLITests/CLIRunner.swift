import Foundation

/// Runs the built `spacepanda` binary as a separate process, as a user in a shell would.
struct CLIRunner {
  struct Result {
    var status: Int32
    var output: String
    var error: String
  }

  /// The store passphrase every test client uses (>= 12 characters).
  static let passphrase = "test passphrase for the cli"

  /// `spacepanda` next to the test bundle (SwiftPM puts both in the products folder), or
  /// `.build/debug` of the package.
  static let binary: URL = {
    let products = Bundle.main.bundleURL
    let candidates = [
      products.appendingPathComponent("spacepanda"),
      products.deletingLastPathComponent().appendingPathComponent("spacepanda"),
      URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/spacepanda"),
    ]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
      ?? candidates[candidates.count - 1]
  }()

  /// A fresh temporary folder for stores and message files.
  static func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("spacepanda-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// Runs `spacepanda arguments` in `folder` with the passphrase in the environment.
  static func run(
    _ arguments: [String], in folder: URL, passphrase: String? = CLIRunner.passphrase,
    input: [UInt8]? = nil
  ) throws -> Result {
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    process.currentDirectoryURL = folder
    var environment = ProcessInfo.processInfo.environment
    environment["SPACEPANDA_PASSPHRASE"] = passphrase
    process.environment = environment
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    let inputPipe = Pipe()
    process.standardInput = inputPipe
    try process.run()
    if let input { inputPipe.fileHandleForWriting.write(Data(input)) }
    try inputPipe.fileHandleForWriting.close()
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    let errData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus, output: String(decoding: outData, as: UTF8.self),
      error: String(decoding: errData, as: UTF8.self))
  }
}
