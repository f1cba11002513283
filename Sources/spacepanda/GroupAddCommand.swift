import SpacePanda

/// `spacepanda group add KEYPACKAGE_FILE`: commits an Add (RFC 9420 §12.1.1) and writes the
/// commit for the members and the Welcome for the new member.
enum GroupAddCommand: Subcommand {
  static let name = "group add"
  static let summary = "add the owner of a KeyPackage (writes a commit and a Welcome)"
  static let help = """
    usage: spacepanda group add KEYPACKAGE_FILE --out COMMIT_FILE --welcome-out WELCOME_FILE
                                [--ratchet-tree-out FILE] [--store DIR]

    Adds the member whose KeyPackage is in KEYPACKAGE_FILE (`-` for standard input) in one
    commit, which is merged at once. Send COMMIT_FILE to the other members (`receive`) and
    WELCOME_FILE to the new member (`group join`).
      --out FILE               where to write the commit
      --welcome-out FILE       where to write the Welcome
      --ratchet-tree-out FILE  also write the ratchet tree (for `group join --ratchet-tree`)
      --store DIR              the store folder (default ./.spacepanda)
    """
  static let spec = ArgumentSpec(
    valueOptions: ["--out", "--welcome-out", "--ratchet-tree-out"], positionals: 1...1)

  static func run(_ arguments: ParsedArguments) throws(CLIError) {
    guard let commitPath = arguments.values["--out"] else { throw .usage("--out is required") }
    guard let welcomePath = arguments.values["--welcome-out"] else {
      throw .usage("--welcome-out is required")
    }
    guard commitPath == "-" || welcomePath != commitPath else {
      throw .usage("the commit and the Welcome need different files")
    }
    let keyPackage = try Console.read(arguments.positionals[0])
    let session = try GroupSession(arguments)
    let output = try session.run("adding the member") { (handle) throws(MLSError) in
      try handle.add(keyPackage: keyPackage)
    }
    guard let welcome = output.welcome else { throw .failure("the commit produced no Welcome") }
    try Console.write(output.commit, to: commitPath)
    try Console.write(welcome, to: welcomePath)
    if let treePath = arguments.values["--ratchet-tree-out"] {
      let tree = try mls("encoding the ratchet tree") { () throws(MLSError) in
        try session.handle.ratchetTree()
      }
      try Console.write(tree, to: treePath)
    }
    let added = session.handle.members.last.map { "\($0.name ?? "?")#\($0.index)" } ?? "?"
    Console.out("added \(added); epoch \(session.handle.epoch)")
  }
}
