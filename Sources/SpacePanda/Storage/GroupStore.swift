import MLSCodec

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A folder of encrypted group states, one file per group: `<hex group id>.spmls`.
///
/// The group ID is bound to each file as AEAD associated data, so a file renamed to another
/// group's name fails to open (`corruptedState`) instead of loading the wrong group. The folder
/// is created with mode 0700 and files with 0600.
public struct GroupStore: Sendable {
  public static let fileExtension = ".spmls"
  /// Longest group ID stored: its hex name plus the extension must fit the usual 255-byte
  /// file name limit.
  public static let maximumGroupIDLength = 120

  public let directory: String
  var stateFile: EncryptedStateFile
  var writer: AtomicFileWriter

  /// A store in `directory`, created if missing.
  public init(directory: String, passphrasePolicy: PassphrasePolicy = PassphrasePolicy())
    throws(MLSError)
  {
    try self.init(
      directory: directory, stateFile: EncryptedStateFile(passphrasePolicy: passphrasePolicy))
  }

  init(
    directory: String, stateFile: EncryptedStateFile,
    writer: AtomicFileWriter = AtomicFileWriter()
  ) throws(MLSError) {
    guard !directory.isEmpty else { throw .invalidConfiguration("store directory is empty") }
    try POSIX.makeDirectory(directory)
    guard POSIX.isDirectory(directory) else { throw .storage("store path is not a directory") }
    self.directory = directory
    self.stateFile = stateFile
    self.writer = writer
  }

  /// The file name of a group's state.
  public static func fileName(for groupID: [UInt8]) throws(MLSError) -> String {
    guard !groupID.isEmpty, groupID.count <= maximumGroupIDLength else {
      throw .invalidConfiguration("group ID length must be 1...\(maximumGroupIDLength)")
    }
    return Hex.encode(groupID) + fileExtension
  }

  /// The path of a group's state file.
  public func path(for groupID: [UInt8]) throws(MLSError) -> String {
    directory + "/" + (try Self.fileName(for: groupID))
  }

  /// Seals and atomically stores `state` for `groupID`, replacing any previous state.
  public func save(_ state: [UInt8], groupID: [UInt8], passphrase: String) throws(MLSError) {
    try stateFile.save(
      state, to: try path(for: groupID), passphrase: passphrase, associatedData: groupID,
      writer: writer)
  }

  /// The stored state of `groupID`; `groupNotFound` when none is stored.
  public func load(groupID: [UInt8], passphrase: String) throws(MLSError) -> [UInt8] {
    try stateFile.load(
      from: try path(for: groupID), passphrase: passphrase, associatedData: groupID)
  }

  /// Whether a state is stored for `groupID`.
  public func contains(groupID: [UInt8]) -> Bool {
    guard let path = try? path(for: groupID) else { return false }
    return POSIX.exists(path)
  }

  /// Deletes the stored state of `groupID`; `groupNotFound` when none is stored.
  public func delete(groupID: [UInt8]) throws(MLSError) {
    let path = try path(for: groupID)
    guard POSIX.exists(path) else { throw .groupNotFound }
    try POSIX.unlink(path)
    try AtomicFileWriter.syncDirectory(directory)
  }

  /// The IDs of all stored groups, sorted by their hex names. Other files (temporary files,
  /// foreign names) are ignored.
  public func groupIDs() throws(MLSError) -> [[UInt8]] {
    let names = try POSIX.directoryEntries(directory).sorted()
    return names.compactMap { name -> [UInt8]? in
      guard name.hasSuffix(Self.fileExtension), !name.hasPrefix(".") else { return nil }
      let hex = String(name.dropLast(Self.fileExtension.count))
      guard let id = Hex.decode(hex), !id.isEmpty, Hex.encode(id) == hex else { return nil }
      return id
    }
  }
}
