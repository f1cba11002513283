import MLSCodec
import SpacePanda

/// `spacepanda export-secret LABEL`: `MLS-Exporter(label, context, length)` (RFC 9420 §8.5), a
/// secret every member of the current epoch derives alike, for use outside MLS.
enum ExportSecretCommand: Subcommand {
  static let name = "export-secret"
  static let summary = "derive an exported secret of the current epoch (hex)"
  static let help = """
    usage: spacepanda export-secret LABEL [--context HEX] [--length N] [--store DIR]

    Prints MLS-Exporter(LABEL, context, N) of the current epoch in hex (RFC 9420 §8.5). All
    members of the epoch print the same value.
      --context HEX  the context bytes (default empty)
      --length N     the length in bytes, 1...255 (default 32)
      --store DIR    the store folder (default ./.spacepanda)
    """
  static let spec = ArgumentSpec(valueOptions: ["--context", "--length"], positionals: 1...1)

  static func run(_ arguments: ParsedArguments) throws(CLIError) {
    let label = arguments.positionals[0]
    let length = try arguments.integer("--length", default: 32, in: 1...255)
    var context: [UInt8] = []
    if let hex = arguments.values["--context"] {
      guard let bytes = Hex.decode(hex) else { throw .usage("--context must be hex") }
      context = bytes
    }
    let session = try GroupSession(arguments)
    let secret = try mls("exporting") { () throws(MLSError) in
      try session.handle.exportSecret(label: label, context: context, length: length)
    }
    Console.out(Hex.encode(secret))
  }
}
