import SpacePanda

/// A command's access to its store's group: opens it, records its events, and seals it again.
struct GroupSession {
  let store: ClientStore
  let passphrase: String
  let handle: MLSHandle
  let recorder = EventRecorder()

  /// Opens the group in `arguments`' store.
  init(_ arguments: ParsedArguments) throws(CLIError) {
    store = try ClientStore(directory: arguments.storeDirectory)
    guard store.hasGroup else {
      throw .failure(
        "no group in \(store.directory); run `spacepanda group create` or `group join`")
    }
    passphrase = try Passphrase.obtain(confirm: false)
    handle = try store.loadGroup(passphrase: passphrase)
    handle.addObserver(recorder)
  }

  /// Seals the group and logs its events. Called after every operation, failed ones included:
  /// a refused message changes no group state but is logged (and counted) as an event.
  func finish(saving: Bool = true) throws(CLIError) {
    store.appendEvents(recorder.lines)
    if saving { try store.saveGroup(handle, passphrase: passphrase) }
  }

  /// Runs `body`; logs events whatever happens and saves the group when it succeeded.
  func run<T>(_ action: String, _ body: (MLSHandle) throws(MLSError) -> T) throws(CLIError) -> T {
    let result: T
    do {
      result = try body(handle)
    } catch {
      store.appendEvents(recorder.lines)
      throw .failure("\(action): \(error.description)")
    }
    try finish()
    return result
  }
}

/// Reads an optional application secret file (`--app-secret-file FILE`): the secret every
/// client of the application shares, which makes its groups closed to other software.
func applicationSecret(_ arguments: ParsedArguments) throws(CLIError) -> [UInt8]? {
  guard let path = arguments.values["--app-secret-file"] else { return nil }
  let bytes = try Console.read(path, limit: 4096)
  guard bytes.count >= 16 else { throw .failure("the application secret needs at least 16 bytes") }
  return bytes
}
