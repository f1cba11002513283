import Foundation

/// `spacepanda`: the SpacePanda MLS command-line tool. One file per subcommand.
let arguments = Array(CommandLine.arguments.dropFirst())
let usage = """
  usage: spacepanda <command> [options]

  commands:
    conformance PATH...   run the official RFC 9420 / RFC 9180 test vectors in files or folders
    peer [FLAGS] NAME     serve the interop harness's JSON-line requests as member NAME

  Run `spacepanda <command> --help` for a command's options.
  """

guard let command = arguments.first else {
  print(usage)
  exit(2)
}
switch command {
case "conformance":
  exit(ConformanceCommand.run(Array(arguments.dropFirst())))
case "peer":
  exit(PeerCommand.run(Array(arguments.dropFirst())))
case "-h", "--help", "help":
  print(usage)
  exit(0)
default:
  FileHandle.standardError.write(Data("spacepanda: unknown command '\(command)'\n\(usage)\n".utf8))
  exit(2)
}
