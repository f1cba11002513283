import Foundation
import SpacePanda

/// `spacepanda group join WELCOME_FILE`: joins with one of the store's pending KeyPackages
/// (RFC 9420 §12.4.3.1).
enum GroupJoinCommand: Subcommand {
  static let name = "group join"
  static let summary = "join a group from a Welcome"
  static let help = """
    usage: spacepanda group join WELCOME_FILE [--ratchet-tree FILE] [--app-secret-file FILE]
                                 [--store DIR]

    Joins the group of the Welcome in WELCOME_FILE (`-` for standard input), using the
    KeyPackage it was made for; that KeyPackage is then deleted (RFC 9420 §16.8: used once).
      --ratchet-tree FILE     the group's ratchet tree, when the Welcome does not carry it
      --app-secret-file FILE  the application's shared secret; the Welcome must use it
      --store DIR             the store folder (default ./.spacepanda)
    """
  static let spec = ArgumentSpec(
    valueOptions: ["--ratchet-tree", "--app-secret-file"], positionals: 1...1)

  static func run(_ arguments: ParsedArguments) throws(CLIError) {
    let welcome = try Console.read(arguments.positionals[0])
    let tree = try arguments.values["--ratchet-tree"].map { (path) throws(CLIError) in
      try Console.read(path)
    }
    let secret = try applicationSecret(arguments)
    let store = try ClientStore(directory: arguments.storeDirectory)
    guard !store.hasGroup else { throw .failure("\(store.directory) already holds a group") }
    let passphrase = try Passphrase.obtain(confirm: false)
    let identity = try store.loadIdentity(passphrase: passphrase)
    var pending = try store.loadPendingKeyPackages(passphrase: passphrase)
    guard !pending.isEmpty else {
      throw .failure("no KeyPackage is pending; run `spacepanda key-package` first")
    }
    var lastError = MLSError.malformedMessage("no KeyPackage matches the Welcome")
    var joined: (handle: MLSHandle, position: Int)?
    for (position, package) in pending.enumerated() where joined == nil {
      do throws(MLSError) {
        let handle = try MLSHandle.join(
          welcome: welcome, ratchetTree: tree, keyPackage: package, identity: identity,
          applicationSecret: secret, config: store.config)
        joined = (handle, position)
      } catch {
        // Most likely a Welcome for another of our KeyPackages: try the next one.
        lastError = error
      }
    }
    if let (handle, position) = joined {
      pending.remove(at: position)
      try store.saveGroup(handle, passphrase: passphrase)
      try store.savePendingKeyPackages(pending, passphrase: passphrase)
      store.appendEvents(["joined as \(identity.name)#\(handle.ownIndex), epoch \(handle.epoch)"])
      let others = handle.members.filter { $0.index != handle.ownIndex }
      let names = others.map { "\($0.name ?? "?")#\($0.index)" }.joined(separator: ", ")
      Console.out(
        "joined group \(GroupDisplay.groupName(handle.groupID)) as \(identity.name)"
          + "#\(handle.ownIndex), epoch \(handle.epoch); members: \(names)")
      return
    }
    throw CLIError.failure("joining: \(lastError.description)")
  }
}
