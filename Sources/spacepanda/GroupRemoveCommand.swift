import SpacePanda

/// `spacepanda group remove INDEX`: commits a Remove (RFC 9420 §12.1.3); the removed member
/// cannot read anything sent from the new epoch on.
enum GroupRemoveCommand: Subcommand {
  static let name = "group remove"
  static let summary = "remove the member at a leaf index (writes a commit)"
  static let help = """
    usage: spacepanda group remove INDEX --out COMMIT_FILE [--store DIR]

    Removes the member at leaf INDEX (see `members`) in one commit, merged at once. Send
    COMMIT_FILE to every member, the removed one included.
      --out FILE    where to write the commit (`-` for standard output)
      --store DIR   the store folder (default ./.spacepanda)
    """
  static let spec = ArgumentSpec(valueOptions: ["--out"], positionals: 1...1)

  static func run(_ arguments: ParsedArguments) throws(CLIError) {
    guard let index = UInt32(arguments.positionals[0]) else {
      throw .usage("INDEX must be a leaf index (a whole number); see `spacepanda members`")
    }
    guard let out = arguments.values["--out"] else { throw .usage("--out is required") }
    let session = try GroupSession(arguments)
    let name = GroupDisplay.memberName(session.handle, index)
    let output = try session.run("removing the member") { (handle) throws(MLSError) in
      try handle.remove(memberIndex: index)
    }
    try Console.write(output.commit, to: out)
    Console.out("removed \(name); epoch \(session.handle.epoch)")
  }
}
