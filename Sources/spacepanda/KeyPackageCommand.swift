import SpacePanda

/// `spacepanda key-package`: publishes a KeyPackage (RFC 9420 §10) so another member can add
/// this client; its private keys stay sealed in the store until the Welcome arrives.
enum KeyPackageCommand: Subcommand {
  static let name = "key-package"
  static let summary = "write a new KeyPackage for others to add you"
  static let help = """
    usage: spacepanda key-package [--out FILE|-] [--store DIR]

    Generates a KeyPackage for the store's identity and writes it (an MLSMessage) to FILE, or
    to standard output with `-` (the default; refused on a terminal). Its private keys are
    kept sealed in the store and used by `group join`.
      --out FILE    where to write the KeyPackage
      --store DIR   the store folder (default ./.spacepanda)
    """
  static let spec = ArgumentSpec(valueOptions: ["--out"])

  static func run(_ arguments: ParsedArguments) throws(CLIError) {
    let store = try ClientStore(directory: arguments.storeDirectory)
    let passphrase = try Passphrase.obtain(confirm: false)
    let identity = try store.loadIdentity(passphrase: passphrase)
    var pending = try store.loadPendingKeyPackages(passphrase: passphrase)
    let package = try mls("generating a KeyPackage") { () throws(MLSError) in
      try MLSHandle.generateKeyPackage(identity: identity, config: store.config)
    }
    pending.append(package)
    try store.savePendingKeyPackages(pending, passphrase: passphrase)
    let out = arguments.values["--out"] ?? "-"
    try Console.write(package.message, to: out)
    if out != "-" { Console.out("KeyPackage for \(identity.name) written to \(out)") }
  }
}
