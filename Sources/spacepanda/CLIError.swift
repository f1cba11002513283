import SpacePanda

/// A failure the CLI reports as one line on standard error plus an exit status, instead of
/// crashing: every error a command can meet (bad arguments, missing files, any `MLSError`)
/// ends up here.
struct CLIError: Error, Sendable {
  /// What went wrong, for a human; never a secret (MLSError descriptions carry none).
  var message: String
  /// 1 for a failed operation, 2 for a usage error.
  var status: Int32

  static func usage(_ message: String) -> CLIError { CLIError(message: message, status: 2) }
  static func failure(_ message: String) -> CLIError { CLIError(message: message, status: 1) }

  init(message: String, status: Int32) {
    self.message = message
    self.status = status
  }

  init(_ error: MLSError) {
    self.init(message: error.description, status: 1)
  }
}

/// Runs `body`, turning an `MLSError` into a `CLIError` that names what was being done.
func mls<T>(_ action: String, _ body: () throws(MLSError) -> T) throws(CLIError) -> T {
  do {
    return try body()
  } catch {
    throw CLIError.failure("\(action): \(error.description)")
  }
}
