import SpacePanda

/// `spacepanda members`: the group's members by leaf index (RFC 9420 §4.1).
enum MembersCommand: Subcommand {
  static let name = "members"
  static let summary = "list the group's members"
  static let help = """
    usage: spacepanda members [--store DIR]

    Prints the group's epoch and one line per member: leaf index, name, and `(you)`.
      --store DIR   the store folder (default ./.spacepanda)
    """
  static let spec = ArgumentSpec()

  static func run(_ arguments: ParsedArguments) throws(CLIError) {
    let session = try GroupSession(arguments)
    let handle = session.handle
    Console.out(
      "group \(GroupDisplay.groupName(handle.groupID)), epoch \(handle.epoch)"
        + (handle.isActive ? "" : " (you were removed)"))
    for member in handle.members {
      let marker = member.index == handle.ownIndex ? " (you)" : ""
      Console.out("  \(member.index)  \(member.name ?? "<non-text identity>")\(marker)")
    }
  }
}
