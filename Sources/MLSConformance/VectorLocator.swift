import Foundation

/// Finds the official vectors: `MLS_TEST_VECTORS`, or `../shared/test-vectors` next to the
/// package; the HPKE vectors in `MLS_HPKE_VECTORS` or a sibling `hpke-vectors` folder.
public enum VectorLocator {
  /// The folder of RFC 9420 vectors, or nil when absent.
  public static func mlsVectors(packageRoot: URL) -> URL? {
    if let env = ProcessInfo.processInfo.environment["MLS_TEST_VECTORS"], !env.isEmpty {
      return existing(URL(fileURLWithPath: env))
    }
    return existing(
      packageRoot.deletingLastPathComponent().appendingPathComponent("shared/test-vectors"))
  }

  /// The RFC 9180 vector file, or nil when absent.
  public static func hpkeVectors(packageRoot: URL) -> URL? {
    if let env = ProcessInfo.processInfo.environment["MLS_HPKE_VECTORS"], !env.isEmpty {
      return existing(URL(fileURLWithPath: env))
    }
    if let mls = mlsVectors(packageRoot: packageRoot) {
      let sibling = mls.deletingLastPathComponent()
        .appendingPathComponent("hpke-vectors/test-vectors.json")
      if let found = existing(sibling) { return found }
    }
    return existing(
      packageRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/hpke-vectors/test-vectors.json"))
  }

  /// Whether this run must treat missing vectors as a failure (`CI=true`).
  public static var vectorsRequired: Bool {
    ProcessInfo.processInfo.environment["CI"] == "true"
  }

  private static func existing(_ url: URL) -> URL? {
    FileManager.default.fileExists(atPath: url.path) ? url.standardizedFileURL : nil
  }
}
