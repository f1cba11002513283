/// The subcommand table and the top-level usage text.
enum Commands {
  /// Every store and demo subcommand, in the order `--help` lists them.
  static var all: [any Subcommand.Type] {
    [
      IdentityNewCommand.self, KeyPackageCommand.self, GroupCreateCommand.self,
      GroupAddCommand.self, GroupRemoveCommand.self, GroupUpdateCommand.self,
      GroupJoinCommand.self, SendCommand.self, ReceiveCommand.self, MembersCommand.self,
      ExportSecretCommand.self, EventsCommand.self, DemoCommand.self,
    ]
  }

  static var usage: String {
    var text = """
      usage: spacepanda <command> [options]

      commands:
        conformance PATH...   run the official RFC 9420 / RFC 9180 test vectors
        peer [FLAGS] NAME     serve the interop harness's JSON-line requests as member NAME

      """
    for command in all {
      let padded = command.name.padding(toLength: 22, withPad: " ", startingAt: 0)
      text += "  \(padded)\(command.summary)\n"
    }
    text += """

      Every command but conformance, peer and demo keeps its state in an encrypted store
      (--store DIR, default ./.spacepanda), sealed with the passphrase from
      SPACEPANDA_PASSPHRASE or asked on the terminal.
      Run `spacepanda <command> --help` for a command's options.
      """
    return text
  }

  /// Finds the subcommand named by the first one or two words.
  static func lookup(_ arguments: [String]) -> (any Subcommand.Type, [String])? {
    for command in all {
      let words = command.name.split(separator: " ").map(String.init)
      if arguments.count >= words.count, Array(arguments.prefix(words.count)) == words {
        return (command, Array(arguments.dropFirst(words.count)))
      }
    }
    return nil
  }

}
