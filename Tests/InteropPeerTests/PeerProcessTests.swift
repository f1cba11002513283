import Foundation
import InteropPeer
import Testing

/// A `spacepanda peer` subprocess driven through pipes, one JSON line each way.
final class ProcessPeer: PeerDriver {
  let name: String
  let process = Process()
  let input = Pipe()
  let output = Pipe()
  var buffer: [UInt8] = []

  init(executable: URL, arguments: [String]) throws {
    name = arguments.last ?? "?"
    process.executableURL = executable
    process.arguments = ["peer"] + arguments
    process.standardInput = input
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
  }

  /// Writes one line without waiting for a reply.
  func write(_ line: String) throws {
    try input.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8))
  }

  /// Reads one reply line; fails when the peer closed stdout first.
  func readLine() throws -> String {
    while true {
      if let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
        let line = String(decoding: buffer[..<end], as: UTF8.self)
        buffer.removeSubrange(...end)
        return line
      }
      let chunk = output.fileHandleForReading.availableData
      guard !chunk.isEmpty else { throw PeerTestFailure("\(name): stdout closed") }
      buffer += chunk
    }
  }

  func send(_ request: String) throws -> JSONReply {
    try write(request)
    return try JSONReply(line: try readLine())
  }

  /// Sends quit and returns the exit status; nothing more may appear on stdout.
  func quit() throws -> Int32 {
    try write(#"{"op":"quit"}"#)
    process.waitUntilExit()
    let rest = output.fileHandleForReading.readDataToEndOfFile()
    #expect(rest.isEmpty && buffer.isEmpty, "\(name) wrote after quit")
    return process.terminationStatus
  }

  deinit {
    if process.isRunning { process.terminate() }
  }
}

/// Finds the `spacepanda` binary this test run was built with.
func spacepandaBinary() throws -> URL {
  let fileManager = FileManager.default
  var candidates: [URL] = []
  if let explicit = ProcessInfo.processInfo.environment["SPACEPANDA_BIN"] {
    candidates.append(URL(fileURLWithPath: explicit))
  }
  // Next to the test bundle (.build/<triple>/debug/...xctest).
  if let executable = Bundle.main.executableURL {
    candidates.append(executable.deletingLastPathComponent().appendingPathComponent("spacepanda"))
  }
  candidates.append(
    Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("spacepanda"))
  let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  for configuration in ["debug", "release"] {
    candidates.append(root.appendingPathComponent(".build/\(configuration)/spacepanda"))
  }
  for candidate in candidates where fileManager.isExecutableFile(atPath: candidate.path) {
    return candidate
  }
  throw PeerTestFailure(
    "spacepanda binary not found (run `swift build --product spacepanda` or set SPACEPANDA_BIN); "
      + "looked at: \(candidates.map(\.path).joined(separator: ", "))")
}

@Suite("spacepanda peer as a subprocess (PROTOCOL.md §1, §2)")
struct PeerProcessTests {
  @Test("Pairing (f) through pipes; bad lines get error replies and the peer keeps serving")
  func scenarioThroughPipes() throws {
    let binary = try spacepandaBinary()
    let alice = try ProcessPeer(executable: binary, arguments: ["alice"])
    let bob = try ProcessPeer(executable: binary, arguments: ["bob"])
    let carol = try ProcessPeer(executable: binary, arguments: ["carol"])
    // A malformed line, an unknown op and an op without a group: error replies, then service.
    for peer in [alice, bob] {
      try peer.expectError("this is not JSON")
      try peer.expectError(#"{"op":"frobnicate"}"#)
      try peer.expectError(#"["op","whoami"]"#)
      try peer.expectError(Request.protect("too early"))
      #expect(
        try peer.expectOK(#"{ "op" : "whoami", "extra": [1, 2] }"#).string("identity") == peer.name)
    }
    try runScenario(a: alice, b: bob, c: carol)
    try alice.expectError("{not json either")
    #expect(try alice.expectOK(#"{"op":"epoch"}"#).object["epoch"] as? Int == 5)
    for peer in [alice, bob] {
      #expect(try peer.quit() == 0)
    }
    // End of input also ends the peer with status 0, without a reply.
    try carol.input.fileHandleForWriting.close()
    carol.process.waitUntilExit()
    #expect(carol.process.terminationStatus == 0)
    #expect(carol.output.fileHandleForReading.readDataToEndOfFile().isEmpty)
  }

  @Test("Bad command lines exit with status 2 and write nothing to stdout")
  func badArguments() throws {
    let binary = try spacepandaBinary()
    for arguments in [[], ["--handshake", "loud", "alice"], ["alice", "--handshake", "public"]] {
      let peer = try ProcessPeer(executable: binary, arguments: arguments)
      peer.process.waitUntilExit()
      #expect(peer.process.terminationStatus == 2, "\(arguments)")
      #expect(peer.output.fileHandleForReading.readDataToEndOfFile().isEmpty)
    }
  }
}
