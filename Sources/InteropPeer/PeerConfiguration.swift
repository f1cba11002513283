/// How a peer process was started: `[--handshake private|public] [--ratchet-tree
/// extension|out-of-band] NAME` (interop PROTOCOL.md §1).
public struct PeerConfiguration: Sendable, Equatable {
  /// The framing of the commits this peer sends (never of what it accepts).
  public enum Handshake: String, Sendable, Equatable {
    /// PrivateMessage (RFC 9420 §6.3): the default, accepted by every reference stack.
    case `private`
    /// PublicMessage (RFC 9420 §6.2).
    case `public`
  }

  /// How the tree reaches the members this peer adds. RFC 9420 §12.4.3.3.
  public enum RatchetTreeMode: String, Sendable, Equatable {
    /// In the Welcome's GroupInfo, as a `ratchet_tree` extension.
    case `extension`
    /// Returned by `add` for the harness to hand to the joiner.
    case outOfBand = "out-of-band"
  }

  /// The member name: the basic credential's identity (PROTOCOL.md §5).
  public var name: String
  public var handshake: Handshake
  public var ratchetTree: RatchetTreeMode

  public init(
    name: String, handshake: Handshake = .private, ratchetTree: RatchetTreeMode = .extension
  ) {
    self.name = name
    self.handshake = handshake
    self.ratchetTree = ratchetTree
  }

  /// Parses the arguments after `peer`: the two flags in any order, the name last.
  public static func parse(_ arguments: [String]) throws(PeerError) -> PeerConfiguration {
    var handshake = Handshake.private
    var ratchetTree = RatchetTreeMode.extension
    var name: String?
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      switch argument {
      case "--handshake":
        guard index + 1 < arguments.count, let value = Handshake(rawValue: arguments[index + 1])
        else { throw .usage("--handshake takes private or public") }
        handshake = value
        index += 2
      case "--ratchet-tree":
        guard index + 1 < arguments.count,
          let value = RatchetTreeMode(rawValue: arguments[index + 1])
        else { throw .usage("--ratchet-tree takes extension or out-of-band") }
        ratchetTree = value
        index += 2
      default:
        guard !argument.hasPrefix("--") else { throw .usage("unknown option \(argument)") }
        guard index == arguments.count - 1 else { throw .usage("the name must come last") }
        name = argument
        index += 1
      }
    }
    guard let name, !name.isEmpty else { throw .usage("missing member name") }
    return PeerConfiguration(name: name, handshake: handshake, ratchetTree: ratchetTree)
  }
}
