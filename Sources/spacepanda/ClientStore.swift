import Foundation
import MLSCodec
import SpacePanda

/// One client's folder (`--store DIR`): everything sealed under the passphrase with
/// `EncryptedStateFile` (Argon2id + AES-256-GCM), as the product's "Secure Storage" asks.
///
///     identity.spid     the long-term identity (credential + signature private key)
///     keypackages.spkp  KeyPackages published and not yet used, with their private keys
///     group.spmls       the group membership (`MLSHandle.save`)
///     events.log        the group's events, one line each: public facts only (MLSEvent
///                       carries no secret), kept readable for audit like a server log
///
/// One store holds one identity and at most one group: three users are three stores.
struct ClientStore {
  let directory: String
  let config: MLSConfig = .default

  init(directory: String) throws(CLIError) {
    self.directory = directory
    do {
      try FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true,
        attributes: [.posixPermissions: 0o700])
    } catch {
      throw .failure("cannot create the store folder \(directory)")
    }
  }

  var identityPath: String { directory + "/identity.spid" }
  var keyPackagesPath: String { directory + "/keypackages.spkp" }
  var groupPath: String { directory + "/group.spmls" }
  var eventsPath: String { directory + "/events.log" }

  var hasIdentity: Bool { FileManager.default.fileExists(atPath: identityPath) }
  var hasGroup: Bool { FileManager.default.fileExists(atPath: groupPath) }

  /// Associated data binding each sealed file to its role, so one cannot be swapped for another.
  private static let identityLabel = Array("spacepanda-cli identity".utf8)
  private static let keyPackagesLabel = Array("spacepanda-cli keypackages".utf8)

  private var stateFile: EncryptedStateFile {
    EncryptedStateFile(passphrasePolicy: config.passphrasePolicy)
  }

  // MARK: identity

  func saveIdentity(_ identity: MLSHandle.Identity, passphrase: String) throws(CLIError) {
    let bytes = try mls("encoding the identity") { () throws(MLSError) in
      try identity.serialized()
    }
    try mls("saving the identity") { () throws(MLSError) in
      try stateFile.save(
        bytes, to: identityPath, passphrase: passphrase, associatedData: Self.identityLabel)
    }
  }

  func loadIdentity(passphrase: String) throws(CLIError) -> MLSHandle.Identity {
    guard hasIdentity else {
      throw .failure("no identity in \(directory); run `spacepanda identity new NAME` first")
    }
    let bytes = try mls("opening the identity") { () throws(MLSError) in
      try stateFile.load(
        from: identityPath, passphrase: passphrase, associatedData: Self.identityLabel)
    }
    return try mls("reading the identity") { () throws(MLSError) in
      try MLSHandle.Identity(serialized: bytes)
    }
  }

  // MARK: pending KeyPackages

  func savePendingKeyPackages(
    _ packages: [MLSHandle.PendingKeyPackage], passphrase: String
  ) throws(CLIError) {
    var writer = TLSWriter()
    let encoded = try mls("encoding KeyPackages") { () throws(MLSError) in
      try packages.map { (package) throws(MLSError) in try package.serialized() }
    }
    do {
      try writer.writeVector { (inner: inout TLSWriter) throws in
        for bytes in encoded { try inner.writeOpaque(bytes) }
      }
    } catch {
      throw .failure("encoding KeyPackages failed")
    }
    try mls("saving KeyPackages") { () throws(MLSError) in
      try stateFile.save(
        writer.bytes, to: keyPackagesPath, passphrase: passphrase,
        associatedData: Self.keyPackagesLabel)
    }
  }

  func loadPendingKeyPackages(passphrase: String) throws(CLIError)
    -> [MLSHandle.PendingKeyPackage]
  {
    guard FileManager.default.fileExists(atPath: keyPackagesPath) else { return [] }
    let bytes = try mls("opening KeyPackages") { () throws(MLSError) in
      try stateFile.load(
        from: keyPackagesPath, passphrase: passphrase, associatedData: Self.keyPackagesLabel)
    }
    let items: [[UInt8]]
    do {
      var reader = TLSReader(bytes)
      items = try reader.readVector { (inner: inout TLSReader) throws in try inner.readOpaque() }
      try reader.finish()
    } catch {
      throw .failure("the KeyPackage file is corrupted")
    }
    return try mls("reading KeyPackages") { () throws(MLSError) in
      try items.map { (item) throws(MLSError) in
        try MLSHandle.PendingKeyPackage(serialized: item)
      }
    }
  }

  // MARK: group

  func saveGroup(_ handle: MLSHandle, passphrase: String) throws(CLIError) {
    try mls("saving the group") { () throws(MLSError) in
      try handle.save(to: groupPath, passphrase: passphrase)
    }
  }

  func loadGroup(passphrase: String) throws(CLIError) -> MLSHandle {
    guard hasGroup else {
      throw .failure("no group in \(directory); run `spacepanda group create` or `group join`")
    }
    return try mls("opening the group") { () throws(MLSError) in
      try MLSHandle.load(
        from: groupPath, passphrase: passphrase, config: config)
    }
  }

  // MARK: events

  /// Appends events to the log (created with mode 0600).
  func appendEvents(_ lines: [String]) {
    guard !lines.isEmpty else { return }
    let text = lines.map { $0 + "\n" }.joined()
    if !FileManager.default.fileExists(atPath: eventsPath) {
      _ = FileManager.default.createFile(
        atPath: eventsPath, contents: nil, attributes: [.posixPermissions: 0o600])
    }
    guard let file = FileHandle(forWritingAtPath: eventsPath) else { return }
    defer { try? file.close() }
    _ = try? file.seekToEnd()
    try? file.write(contentsOf: Data(text.utf8))
  }

  func readEvents() -> [String] {
    guard let data = FileManager.default.contents(atPath: eventsPath) else { return [] }
    return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
  }
}
