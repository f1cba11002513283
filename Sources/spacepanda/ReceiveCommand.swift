import SpacePanda

/// `spacepanda receive FILE...`: processes incoming messages in order (RFC 9420 §6):
/// application messages are printed, proposals cached, commits merged.
enum ReceiveCommand: Subcommand {
  static let name = "receive"
  static let summary = "process incoming messages, commits and proposals"
  static let help = """
    usage: spacepanda receive FILE... [--store DIR]

    Processes each message file in order (`-` for standard input) and prints one line per
    message: `<sender#index>: <text>` for application messages, the new epoch for commits.
    A refused message (replay, other epoch, tampering, unauthorized sender) is reported and
    changes nothing; the exit status is 1 when any message was refused.
      --store DIR   the store folder (default ./.spacepanda)
    """
  static let spec = ArgumentSpec(positionals: 1...Int.max)

  static func run(_ arguments: ParsedArguments) throws(CLIError) {
    let session = try GroupSession(arguments)
    var refused = 0
    var changed = false
    for path in arguments.positionals {
      let message = try Console.read(path)
      do throws(MLSError) {
        let names = session.handle.members
        let event = try session.handle.process(message)
        changed = true
        Console.out(describe(event, names: names, handle: session.handle))
      } catch {
        refused += 1
        Console.error("\(path): refused: \(error.description)")
      }
    }
    try session.finish(saving: changed)
    if refused > 0 {
      throw .failure("\(refused) of \(arguments.positionals.count) message(s) refused")
    }
  }

  static func describe(
    _ event: MLSHandle.ProcessedEvent, names: [MLSHandle.Member], handle: MLSHandle
  ) -> String {
    func name(_ index: UInt32) -> String {
      let member = names.first { $0.index == index }
      return "\(member?.name ?? "?")#\(index)"
    }
    switch event {
    case .application(let sender, let plaintext):
      return "\(name(sender)): \(String(decoding: plaintext, as: UTF8.self))"
    case .proposal(let sender, _):
      return "proposal from \(name(sender)) stored for the next commit"
    case .commit(let sender, let epoch, let added, let removed):
      var text = "commit from \(name(sender)): epoch \(epoch)"
      let current = handle.members
      if !added.isEmpty {
        let addedNames = added.map { index in
          "\(current.first { $0.index == index }?.name ?? "?")#\(index)"
        }
        text += ", added " + addedNames.joined(separator: ", ")
      }
      if !removed.isEmpty { text += ", removed " + removed.map(name).joined(separator: ", ") }
      return text
    case .removedFromGroup(let by):
      return "you were removed from the group by \(name(by))"
    }
  }
}
