import Foundation

/// What running one vector file produced.
public struct FileReport: Sendable {
  public let path: String
  public let outcomes: [CaseOutcome]
  /// Set when the file could not be run at all (unrecognised, unreadable).
  public let note: String?

  public var passed: Int { outcomes.count { $0 == .passed } }
  public var failed: Int { outcomes.count { if case .failed = $0 { true } else { false } } }
  public var skipped: Int { outcomes.count { if case .skipped = $0 { true } else { false } } }
}

/// Runs the official RFC 9420 test vectors (and RFC 9180's HPKE vectors) by file name.
public enum Conformance {
  /// A runner takes a file's JSON and returns one outcome per case.
  public typealias Runner = @Sendable (Data) throws -> [CaseOutcome]

  /// The runner for a vector file, chosen by its name; nil when the file is not recognised.
  public static func runner(forFileNamed name: String) -> Runner? {
    registry[name]
  }

  /// The file names this build can run.
  public static var recognisedFiles: [String] { registry.keys.sorted() }

  /// Runs one file. An unrecognised file reports each of its cases as skipped.
  public static func run(file url: URL) -> FileReport {
    let name = url.lastPathComponent
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      return FileReport(path: url.path, outcomes: [.failed("unreadable: \(error)")], note: nil)
    }
    guard let runner = runner(forFileNamed: name) else {
      let count = (try? JSONSerialization.jsonObject(with: data) as? [Any])?.count ?? 1
      let reason = "not recognised by this build"
      return FileReport(
        path: url.path, outcomes: Array(repeating: .skipped(reason), count: count), note: reason)
    }
    do {
      return FileReport(path: url.path, outcomes: try runner(data), note: nil)
    } catch {
      return FileReport(path: url.path, outcomes: [.failed("could not parse: \(error)")], note: nil)
    }
  }

  /// Expands files and folders into the JSON files to run, sorted by path.
  public static func vectorFiles(in paths: [String]) -> [URL] {
    var files: [URL] = []
    let manager = FileManager.default
    for path in paths {
      var isDirectory: ObjCBool = false
      guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
        files.append(URL(fileURLWithPath: path))
        continue
      }
      if isDirectory.boolValue {
        let entries = (try? manager.contentsOfDirectory(atPath: path)) ?? []
        for entry in entries.sorted() where entry.hasSuffix(".json") {
          files.append(URL(fileURLWithPath: path).appendingPathComponent(entry))
        }
      } else {
        files.append(URL(fileURLWithPath: path))
      }
    }
    return files
  }
}
