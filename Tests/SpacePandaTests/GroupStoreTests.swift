import Foundation
import Synchronization
import Testing

@testable import SpacePanda

@Suite("Group store and atomic writes")
struct GroupStoreTests {
  static let passphrase = "a long enough passphrase"
  static let groupA: [UInt8] = [0xa1, 0xb2, 0xc3]
  static let groupB: [UInt8] = [0x00, 0xff]

  static func store(
    in folder: TemporaryDirectory, writer: AtomicFileWriter = AtomicFileWriter()
  ) throws -> GroupStore {
    try GroupStore(
      directory: folder.path + "/groups", stateFile: EncryptedStateFile(parameters: cheapArgon2),
      writer: writer)
  }

  static func mode(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as? Int) ?? -1
  }

  @Test func saveLoadListDelete() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let store = try Self.store(in: folder)
    #expect(try Self.mode(store.directory) == 0o700)
    try store.save([1, 2, 3], groupID: Self.groupA, passphrase: Self.passphrase)
    try store.save([4], groupID: Self.groupB, passphrase: Self.passphrase)
    #expect(try store.load(groupID: Self.groupA, passphrase: Self.passphrase) == [1, 2, 3])
    #expect(try store.load(groupID: Self.groupB, passphrase: Self.passphrase) == [4])
    #expect(try store.groupIDs() == [Self.groupB, Self.groupA])
    #expect(try GroupStore.fileName(for: Self.groupA) == "a1b2c3.spmls")
    #expect(store.contains(groupID: Self.groupA))
    // Replacing a state keeps one file.
    try store.save([9, 9], groupID: Self.groupA, passphrase: Self.passphrase)
    #expect(try store.load(groupID: Self.groupA, passphrase: Self.passphrase) == [9, 9])
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: store.directory).sorted() == [
        "00ff.spmls", "a1b2c3.spmls",
      ])
    try store.delete(groupID: Self.groupA)
    #expect(!store.contains(groupID: Self.groupA))
    #expect(try store.groupIDs() == [Self.groupB])
    #expect(throws: MLSError.groupNotFound) { try store.delete(groupID: Self.groupA) }
    #expect(throws: MLSError.groupNotFound) {
      try store.load(groupID: Self.groupA, passphrase: Self.passphrase)
    }
  }

  @Test func filesAreOwnerOnly() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let store = try Self.store(in: folder)
    try store.save([1], groupID: Self.groupA, passphrase: Self.passphrase)
    #expect(try Self.mode(store.path(for: Self.groupA)) == 0o600)
    // Even if the previous file was world-readable, the replacement is 0600.
    try FileManager.default.setAttributes(
      [.posixPermissions: 0o644], ofItemAtPath: try store.path(for: Self.groupA))
    try store.save([2], groupID: Self.groupA, passphrase: Self.passphrase)
    #expect(try Self.mode(store.path(for: Self.groupA)) == 0o600)
  }

  @Test func wrongPassphraseAndWeakPassphrase() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let store = try Self.store(in: folder)
    try store.save([1], groupID: Self.groupA, passphrase: Self.passphrase)
    #expect(throws: MLSError.wrongPassphrase) {
      try store.load(groupID: Self.groupA, passphrase: "another long passphrase")
    }
    #expect(throws: MLSError.weakPassphrase(minimumLength: 12)) {
      try store.save([1], groupID: Self.groupB, passphrase: "short")
    }
    #expect(!store.contains(groupID: Self.groupB))
  }

  @Test func fileMovedToAnotherGroupDoesNotOpen() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let store = try Self.store(in: folder)
    try store.save([1], groupID: Self.groupA, passphrase: Self.passphrase)
    try FileManager.default.moveItem(
      atPath: try store.path(for: Self.groupA), toPath: try store.path(for: Self.groupB))
    #expect(throws: MLSError.corruptedState("ciphertext authentication failed")) {
      try store.load(groupID: Self.groupB, passphrase: Self.passphrase)
    }
  }

  @Test func damagedAndTruncatedFilesOnDisk() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let store = try Self.store(in: folder)
    try store.save([1, 2, 3], groupID: Self.groupA, passphrase: Self.passphrase)
    let path = try store.path(for: Self.groupA)
    let original = try Data(contentsOf: URL(fileURLWithPath: path))
    var damaged = original
    damaged[40] ^= 0xff
    try damaged.write(to: URL(fileURLWithPath: path))
    #expect(throws: MLSError.corruptedState("checksum mismatch")) {
      try store.load(groupID: Self.groupA, passphrase: Self.passphrase)
    }
    try original.prefix(60).write(to: URL(fileURLWithPath: path))
    #expect(throws: MLSError.corruptedState("file truncated")) {
      try store.load(groupID: Self.groupA, passphrase: Self.passphrase)
    }
    try Data().write(to: URL(fileURLWithPath: path))
    #expect(throws: MLSError.corruptedState("not a SpacePanda state file")) {
      try store.load(groupID: Self.groupA, passphrase: Self.passphrase)
    }
  }

  @Test func oversizedFileIsRefusedBeforeReading() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let path = folder.path + "/huge.spmls"
    #expect(FileManager.default.createFile(atPath: path, contents: Data("SPMLS".utf8)))
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.truncate(atOffset: UInt64(EncryptedStateFile.maximumFileSize + 1))  // sparse
    try handle.close()
    #expect(throws: MLSError.corruptedState("file larger than 268435456 bytes")) {
      try EncryptedStateFile(parameters: cheapArgon2).load(from: path, passphrase: "x")
    }
  }

  @Test func directoryIsNotAStateFile() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    #expect(throws: MLSError.storage("not a regular file")) {
      try EncryptedStateFile(parameters: cheapArgon2).load(from: folder.path, passphrase: "x")
    }
  }

  @Test func groupIDLimitsAndForeignFiles() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let store = try Self.store(in: folder)
    let rule = MLSError.invalidConfiguration("group ID length must be 1...120")
    #expect(throws: rule) { try store.save([1], groupID: [], passphrase: Self.passphrase) }
    #expect(throws: rule) {
      try store.save([1], groupID: [UInt8](repeating: 7, count: 121), passphrase: Self.passphrase)
    }
    try store.save([1], groupID: [UInt8](repeating: 7, count: 120), passphrase: Self.passphrase)
    for name in ["notes.txt", "zz.spmls", "ABCD.spmls", "abc.spmls", ".00.spmls"] {
      #expect(
        FileManager.default.createFile(atPath: store.directory + "/" + name, contents: Data()))
    }
    #expect(try store.groupIDs() == [[UInt8](repeating: 7, count: 120)])
    #expect(throws: MLSError.invalidConfiguration("store directory is empty")) {
      try GroupStore(directory: "")
    }
  }

  @Test(arguments: [AtomicFileWriter.Step.created, .written, .synced])
  func failedWriteLeavesTheOldFileIntact(step: AtomicFileWriter.Step) throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    try Self.store(in: folder).save([1, 1, 1], groupID: Self.groupA, passphrase: Self.passphrase)
    let failing = AtomicFileWriter { (reached) throws(MLSError) in
      if reached == step { throw .storage("injected failure") }
    }
    let store = try Self.store(in: folder, writer: failing)
    #expect(throws: MLSError.storage("injected failure")) {
      try store.save([2, 2, 2], groupID: Self.groupA, passphrase: Self.passphrase)
    }
    #expect(try store.load(groupID: Self.groupA, passphrase: Self.passphrase) == [1, 1, 1])
    // No temporary file is left behind.
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: store.directory) == ["a1b2c3.spmls"])
  }

  @Test func failureAfterRenameKeepsTheNewFile() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let steps = Mutex<[AtomicFileWriter.Step]>([])
    let writer = AtomicFileWriter { (reached) throws(MLSError) in
      steps.withLock { $0.append(reached) }
      if reached == .renamed { throw .storage("injected failure") }
    }
    let store = try Self.store(in: folder, writer: writer)
    #expect(throws: MLSError.storage("injected failure")) {
      try store.save([5], groupID: Self.groupA, passphrase: Self.passphrase)
    }
    #expect(steps.withLock { $0 } == [.created, .written, .synced, .renamed])
    #expect(try store.load(groupID: Self.groupA, passphrase: Self.passphrase) == [5])
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: store.directory) == ["a1b2c3.spmls"])
  }

  @Test func publicSaveAndLoadByPath() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let file = EncryptedStateFile(parameters: cheapArgon2)
    let path = folder.path + "/state.spmls"
    try file.save([7, 7], to: path, passphrase: Self.passphrase, associatedData: [1])
    #expect(try Self.mode(path) == 0o600)
    #expect(try file.load(from: path, passphrase: Self.passphrase, associatedData: [1]) == [7, 7])
    #expect(throws: MLSError.groupNotFound) {
      try file.load(from: folder.path + "/absent", passphrase: Self.passphrase)
    }
    #expect(try folder.entries() == ["state.spmls"])
  }

  @Test func storePathMustBeADirectory() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let path = folder.path + "/plain-file"
    #expect(FileManager.default.createFile(atPath: path, contents: Data([1])))
    #expect(throws: MLSError.storage("store path is not a directory")) {
      try GroupStore(directory: path)
    }
  }

  @Test func failedRenameRemovesTheTemporaryFile() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    // The target is a non-empty directory: rename(2) refuses to replace it.
    let target = folder.path + "/target"
    try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
    #expect(FileManager.default.createFile(atPath: target + "/inside", contents: Data()))
    let reason = storageReason { try AtomicFileWriter().write([1, 2], to: target) }
    #expect(reason?.hasPrefix("rename failed (errno ") == true)
    #expect(try folder.entries() == ["target"])
  }

  @Test func directoryOfPath() {
    #expect(AtomicFileWriter.directory(of: "/a/b/c") == "/a/b")
    #expect(AtomicFileWriter.directory(of: "/c") == "/")
    #expect(AtomicFileWriter.directory(of: "c") == ".")
  }

  @Test func missingDirectoryIsAStorageError() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let writer = AtomicFileWriter()
    let reason = storageReason {
      try writer.write([1], to: folder.path + "/absent/file.spmls")
    }
    #expect(reason == "open failed (errno 2)")
  }
}

/// The message of a `storage` error, or nil for any other outcome.
func storageReason(_ body: () throws -> Void) -> String? {
  do {
    try body()
  } catch let error as MLSError {
    if case .storage(let reason) = error { return reason }
    return nil
  } catch {
    return nil
  }
  return nil
}
