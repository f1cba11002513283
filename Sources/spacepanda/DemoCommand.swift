import Foundation
import SpacePanda

/// `spacepanda demo [--members N]`: a narrated group session that checks, one claim at a time,
/// every security property the product's guide promises, and exits non-zero if any fails.
enum DemoCommand: Subcommand {
  static let name = "demo"
  static let summary = "narrated session checking every security property (exit 1 on a failure)"
  static let help = """
    usage: spacepanda demo [--members N]

    Runs a group of N members (default 5, 3...20) in memory and checks, printing ✔ or ✘ for
    each claim: end-to-end encryption, forward secrecy, post-compromise security, removal,
    authentication, replay protection, epoch confusion, bit flips, unauthorized operations
    and encrypted persistence (which writes to a temporary folder, deleted afterwards).
    Exits 1 when any claim fails. Needs no store and no passphrase.
    """
  static let spec = ArgumentSpec(valueOptions: ["--members"])

  static func run(_ arguments: ParsedArguments) throws(CLIError) {
    let count = try arguments.integer("--members", default: 5, in: 3...20)
    let narrator = Narrator()
    let started = ContinuousClock.now
    do throws(MLSError) {
      let demo = try Demo(memberCount: count, narrator: narrator)
      try demo.runAll()
    } catch {
      narrator.check("the session ran to the end", false, detail: error.description)
    }
    let elapsed = ContinuousClock.now - started
    narrator.summary(elapsed: elapsed)
    if narrator.failed > 0 {
      throw .failure("\(narrator.failed) claim(s) failed")
    }
  }
}

/// Prints the story and keeps the score.
final class Narrator {
  private(set) var passed = 0
  private(set) var failed = 0

  func section(_ title: String) {
    Console.out("\n\(title)")
  }

  func say(_ text: String) {
    Console.out("   · \(text)")
  }

  /// Records a claim; `detail` explains a failure.
  func check(_ claim: String, _ holds: Bool, detail: String? = nil) {
    if holds {
      passed += 1
      Console.out("   ✔ \(claim)")
    } else {
      failed += 1
      Console.out("   ✘ \(claim)" + (detail.map { " (\($0))" } ?? ""))
    }
  }

  /// Records a claim that `body` is refused with the `expected` error.
  func refuses(
    _ claim: String, expected: ExpectedError, _ body: () throws(MLSError) -> Void
  ) {
    do throws(MLSError) {
      try body()
      check(claim, false, detail: "it was accepted")
    } catch {
      check(
        claim + " → \(error.shortName)", expected.matches(error),
        detail: "expected \(expected)")
    }
  }

  func summary(elapsed: Duration) {
    let seconds =
      Double(elapsed.components.seconds)
      + Double(elapsed.components.attoseconds) / 1e18
    let time = String(format: "%.1f", seconds)
    Console.out("\n\(passed) claims hold, \(failed) failed (\(time) s)")
  }
}

extension MLSError {
  /// The case name, as the product's guide spells its errors.
  var shortName: String {
    switch self {
    case .replayDetected: "replayDetected"
    case .epochMismatch(let expected, let received):
      "epochMismatch(expected \(expected), received \(received))"
    case .cryptoError: "cryptoError"
    case .unauthorized: "unauthorized"
    case .wrongPassphrase: "wrongPassphrase"
    case .weakPassphrase: "weakPassphrase"
    case .notAMember: "notAMember"
    default: description
    }
  }
}

/// The refusal a claim expects: the product guide's error names.
enum ExpectedError: CustomStringConvertible {
  case replayDetected, epochMismatch, cryptoError, unauthorized, wrongPassphrase, weakPassphrase
  case notAMember
  /// Any refusal (the claim is only that the operation fails).
  case anyError

  func matches(_ error: MLSError) -> Bool {
    switch (self, error) {
    case (.replayDetected, .replayDetected), (.epochMismatch, .epochMismatch),
      (.cryptoError, .cryptoError), (.unauthorized, .unauthorized),
      (.wrongPassphrase, .wrongPassphrase), (.weakPassphrase, .weakPassphrase),
      (.notAMember, .notAMember), (.anyError, _):
      true
    default:
      false
    }
  }

  var description: String {
    switch self {
    case .replayDetected: "replayDetected"
    case .epochMismatch: "epochMismatch"
    case .cryptoError: "cryptoError"
    case .unauthorized: "unauthorized"
    case .wrongPassphrase: "wrongPassphrase"
    case .weakPassphrase: "weakPassphrase"
    case .notAMember: "notAMember"
    case .anyError: "an error"
    }
  }
}
