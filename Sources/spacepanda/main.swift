import Foundation

/// `spacepanda`: the SpacePanda MLS command-line tool. One file per subcommand; each turns every
/// failure into a message on standard error and a non-zero exit status, never a crash.

/// A subcommand working on a store (`--store DIR`).
protocol Subcommand {
  /// The words that select it, e.g. `group add`.
  static var name: String { get }
  /// One line for the command list.
  static var summary: String { get }
  /// The full `--help` text.
  static var help: String { get }
  static var spec: ArgumentSpec { get }
  static func run(_ arguments: ParsedArguments) throws(CLIError)
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let first = arguments.first else {
  Console.error(Commands.usage)
  exit(2)
}
switch first {
case "conformance":
  exit(ConformanceCommand.run(Array(arguments.dropFirst())))
case "peer":
  exit(PeerCommand.run(Array(arguments.dropFirst())))
case "-h", "--help", "help":
  print(Commands.usage)
  exit(0)
default:
  guard let (command, rest) = Commands.lookup(arguments) else {
    Console.error("spacepanda: unknown command '\(arguments.prefix(2).joined(separator: " "))'")
    Console.error(Commands.usage)
    exit(2)
  }
  do throws(CLIError) {
    let parsed = try command.spec.parse(rest)
    if parsed.wantsHelp {
      print(command.help)
      exit(0)
    }
    try command.run(parsed)
    exit(0)
  } catch {
    Console.error("spacepanda \(command.name): \(error.message)")
    if error.status == 2 { Console.error("Run `spacepanda \(command.name) --help` for usage.") }
    exit(error.status)
  }
}
