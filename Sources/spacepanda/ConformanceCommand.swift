import Foundation
import MLSConformance

/// `spacepanda conformance PATH...`: runs every case of every vector file it is given.
enum ConformanceCommand {
  static let help = """
    usage: spacepanda conformance [--verbose] PATH...

    Runs the official RFC 9420 test vectors (and RFC 9180's HPKE vectors, test-vectors.json)
    found in the given files and folders. Prints one line per file,
      FILE: P passed, F failed, S skipped
    and a last line with the totals. A file this build does not recognise is listed with all its
    cases skipped. Exits 1 when any case failed, 2 on a usage error.
      --verbose   also print the reason of every failed or skipped case
    """

  static func run(_ arguments: [String]) -> Int32 {
    var verbose = false
    var paths: [String] = []
    for argument in arguments {
      switch argument {
      case "-h", "--help":
        print(help)
        return 0
      case "-v", "--verbose": verbose = true
      default: paths.append(argument)
      }
    }
    guard !paths.isEmpty else {
      FileHandle.standardError.write(Data((help + "\n").utf8))
      return 2
    }
    var totals = (passed: 0, failed: 0, skipped: 0)
    for file in Conformance.vectorFiles(in: paths) {
      let report = Conformance.run(file: file)
      totals.passed += report.passed
      totals.failed += report.failed
      totals.skipped += report.skipped
      var line = "\(file.lastPathComponent): \(report.passed) passed, "
      line += "\(report.failed) failed, \(report.skipped) skipped"
      if let note = report.note { line += " (\(note))" }
      print(line)
      let shown = verbose ? report.outcomes : report.outcomes.filter { !isSkip($0) }
      for outcome in shown.prefix(verbose ? .max : 5) {
        switch outcome {
        case .failed(let reason): print("  failed: \(reason)")
        case .skipped(let reason) where verbose: print("  skipped: \(reason)")
        default: break
        }
      }
    }
    print(
      "conformance: \(totals.passed) passed, \(totals.failed) failed, \(totals.skipped) skipped")
    return totals.failed == 0 ? 0 : 1
  }

  private static func isSkip(_ outcome: CaseOutcome) -> Bool {
    if case .skipped = outcome { return true }
    return false
  }
}
