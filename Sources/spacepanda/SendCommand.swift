import SpacePanda

/// `spacepanda send [TEXT|-]`: encrypts an application message (RFC 9420 §6.3, PrivateMessage).
enum SendCommand: Subcommand {
  static let name = "send"
  static let summary = "encrypt a message for the group"
  static let help = """
    usage: spacepanda send [TEXT|-] --out FILE [--store DIR]

    Encrypts TEXT (or standard input with `-` or no argument) for the group's current epoch
    and writes the PrivateMessage to FILE (`-` for standard output).
      --out FILE    where to write the message
      --store DIR   the store folder (default ./.spacepanda)
    """
  static let spec = ArgumentSpec(valueOptions: ["--out"], positionals: 0...1)

  static func run(_ arguments: ParsedArguments) throws(CLIError) {
    guard let out = arguments.values["--out"] else { throw .usage("--out is required") }
    let text = arguments.positionals.first ?? "-"
    let plaintext = text == "-" ? try Console.read("-") : Array(text.utf8)
    if text == "-", out == "-" { throw .usage("standard input and output cannot both be used") }
    let session = try GroupSession(arguments)
    let message = try session.run("encrypting") { (handle) throws(MLSError) in
      try handle.encrypt(plaintext)
    }
    try Console.write(message, to: out)
    if out != "-" {
      Console.out("sent \(plaintext.count) bytes in epoch \(session.handle.epoch) to \(out)")
    }
  }
}
