/// `spacepanda events`: the store's event log (group operations, member changes, refused
/// messages, alerts), as the product's operations checklist asks ("audit logs").
enum EventsCommand: Subcommand {
  static let name = "events"
  static let summary = "show the event log (member changes, refusals, alerts)"
  static let help = """
    usage: spacepanda events [--last N] [--store DIR]

    Prints the store's event log, oldest first: group creation and joins, members added and
    removed, epoch changes, key updates, and refused messages (replays, decryption failures,
    unauthorized attempts) and alerts. Events hold no secrets and no message content.
      --last N      only the last N events
      --store DIR   the store folder (default ./.spacepanda)
    """
  static let spec = ArgumentSpec(valueOptions: ["--last"])

  static func run(_ arguments: ParsedArguments) throws(CLIError) {
    let store = try ClientStore(directory: arguments.storeDirectory)
    let lines = store.readEvents()
    let last = try arguments.integer("--last", default: lines.count, in: 0...Int.max)
    for line in lines.suffix(last) { Console.out(line) }
    if lines.isEmpty { Console.out("no events in \(store.directory)") }
  }
}
