import Foundation
import Testing

@testable import SpacePanda

/// A fresh directory under the system temporary folder, removed by `remove()`.
struct TemporaryDirectory {
  let path: String

  init() throws {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("spacepanda-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    path = url.path
  }

  func remove() {
    try? FileManager.default.removeItem(atPath: path)
  }

  func entries() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: path).sorted()
  }
}

/// Argon2id cost for tests: 256 KiB, one pass, four lanes (the product default is 64 MiB, 3, 4).
let cheapArgon2 = Argon2Parameters(memoryKiB: 256, iterations: 1, lanes: 4)

/// The message of a `corruptedState` error, or nil for any other outcome.
func corruptionReason(_ body: () throws -> Void) -> String? {
  do {
    try body()
  } catch let error as MLSError {
    if case .corruptedState(let reason) = error { return reason }
    return nil
  } catch {
    return nil
  }
  return nil
}
