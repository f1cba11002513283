import MLSCodec
import SpacePanda

/// `spacepanda group create [NAME]`: a new group with this client as its only member
/// (RFC 9420 §11).
enum GroupCreateCommand: Subcommand {
  static let name = "group create"
  static let summary = "create a group with you as its only member"
  static let help = """
    usage: spacepanda group create [NAME] [--app-secret-file FILE] [--store DIR]

    Creates a group (epoch 0) whose group ID is NAME (random when omitted) and stores it.
      --app-secret-file FILE  the application's shared secret (>= 16 bytes): every commit
                              adding members then requires it, so only clients holding it
                              can join (an external PSK, RFC 9420 §8.4)
      --store DIR             the store folder (default ./.spacepanda)
    """
  static let spec = ArgumentSpec(valueOptions: ["--app-secret-file"], positionals: 0...1)

  static func run(_ arguments: ParsedArguments) throws(CLIError) {
    let store = try ClientStore(directory: arguments.storeDirectory)
    guard !store.hasGroup else { throw .failure("\(store.directory) already holds a group") }
    let secret = try applicationSecret(arguments)
    let passphrase = try Passphrase.obtain(confirm: false)
    let identity = try store.loadIdentity(passphrase: passphrase)
    let recorder = EventRecorder()
    let handle = try mls("creating the group") { () throws(MLSError) in
      let handle = try MLSHandle.createGroup(
        name: arguments.positionals.first, identity: identity, applicationSecret: secret,
        config: store.config)
      return handle
    }
    handle.addObserver(recorder)
    try store.saveGroup(handle, passphrase: passphrase)
    store.appendEvents(
      ["group created by \(identity.name), epoch \(handle.epoch)"] + recorder.lines)
    Console.out("group \(GroupDisplay.groupName(handle.groupID)) created, epoch \(handle.epoch)")
  }
}

/// How group IDs and members are shown.
enum GroupDisplay {
  /// The group ID as text when it is printable UTF-8, otherwise hex.
  static func groupName(_ id: [UInt8]) -> String {
    if let text = String(validating: id, as: UTF8.self),
      text.unicodeScalars.allSatisfy({ $0.value >= 32 && $0.value != 127 })
    {
      return text
    }
    return Hex.encode(id)
  }

  static func memberName(_ handle: MLSHandle, _ index: UInt32) -> String {
    let member = handle.members.first { $0.index == index }
    return "\(member?.name ?? "?")#\(index)"
  }
}
