import SpacePanda

/// `spacepanda group update`: a commit with a fresh path for this client's leaf (RFC 9420
/// §12.4), the key rotation that gives post-compromise security.
enum GroupUpdateCommand: Subcommand {
  static let name = "group update"
  static let summary = "rotate your keys (writes a commit)"
  static let help = """
    usage: spacepanda group update --out COMMIT_FILE [--store DIR]

    Replaces this client's leaf keys and the path above it in one commit, merged at once: a
    copy of the old state stolen before the update can read nothing sent afterwards. Also
    commits any proposals received.
      --out FILE    where to write the commit (`-` for standard output)
      --store DIR   the store folder (default ./.spacepanda)
    """
  static let spec = ArgumentSpec(valueOptions: ["--out"])

  static func run(_ arguments: ParsedArguments) throws(CLIError) {
    guard let out = arguments.values["--out"] else { throw .usage("--out is required") }
    let session = try GroupSession(arguments)
    let output = try session.run("updating") { (handle) throws(MLSError) in
      try handle.update()
    }
    try Console.write(output.commit, to: out)
    Console.out("keys updated; epoch \(session.handle.epoch)")
  }
}
