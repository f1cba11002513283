import SpacePanda

/// `spacepanda identity new NAME`: a long-term identity (BasicCredential + signature key pair,
/// RFC 9420 §5.3), sealed in the store.
enum IdentityNewCommand: Subcommand {
  static let name = "identity new"
  static let summary = "create this store's identity (a name and a signature key)"
  static let help = """
    usage: spacepanda identity new NAME [--force] [--store DIR]

    Creates the store's long-term identity: a BasicCredential carrying NAME and a fresh
    Ed25519 signature key pair (cipher suite 0x0001), sealed with the store passphrase
    (SPACEPANDA_PASSPHRASE, or asked twice on the terminal; at least 12 characters).
      --force       replace an existing identity (its groups become unusable for new KeyPackages)
      --store DIR   the store folder (default ./.spacepanda)
    """
  static let spec = ArgumentSpec(flags: ["--force"], positionals: 1...1)

  static func run(_ arguments: ParsedArguments) throws(CLIError) {
    let name = arguments.positionals[0]
    let store = try ClientStore(directory: arguments.storeDirectory)
    if store.hasIdentity, !arguments.flags.contains("--force") {
      throw .failure("\(store.directory) already has an identity (use --force to replace it)")
    }
    let passphrase = try Passphrase.obtain(confirm: true)
    guard store.config.passphrasePolicy.accepts(passphrase) else {
      throw CLIError(.weakPassphrase(minimumLength: store.config.passphrasePolicy.minimumLength))
    }
    let identity = try mls("creating the identity") { () throws(MLSError) in
      try MLSHandle.Identity.generate(name: name, cipherSuite: store.config.cipherSuite)
    }
    try store.saveIdentity(identity, passphrase: passphrase)
    Console.out("identity \(name) created in \(store.directory)")
  }
}
