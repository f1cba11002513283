import Foundation
import InteropPeer

/// `spacepanda peer [--handshake private|public] [--ratchet-tree extension|out-of-band] NAME`:
/// the interop peer (interop PROTOCOL.md). Reads one JSON request per line on stdin, writes
/// exactly one reply line per request on stdout at once, logs only to stderr; exits 0 on
/// `quit` or end of input.
enum PeerCommand {
  static let help = """
    usage: spacepanda peer [--handshake private|public] [--ratchet-tree extension|out-of-band] NAME

    Serves the interop harness's JSON-line requests on stdin/stdout as member NAME.
    """

  static func run(_ arguments: [String]) -> Int32 {
    if arguments.contains("-h") || arguments.contains("--help") {
      log(help)
      return 0
    }
    var session: PeerSession
    do {
      session = try PeerSession(configuration: PeerConfiguration.parse(arguments))
    } catch {
      log("spacepanda peer: \(error)\n\(help)")
      return 2
    }
    let name = session.configuration.name
    log("spacepanda peer \(name): ready")
    while let line = readLine(strippingNewline: true) {
      switch session.handle(line: line) {
      case .quit:
        log("spacepanda peer \(name): quit")
        return 0
      case .reply(let reply):
        if !reply.ok { log("spacepanda peer \(name): \(reply.line)") }
        // A direct write(2): nothing is buffered, so the harness sees the line at once.
        FileHandle.standardOutput.write(Data((reply.line + "\n").utf8))
      }
    }
    log("spacepanda peer \(name): end of input")
    return 0
  }

  static func log(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
  }
}
