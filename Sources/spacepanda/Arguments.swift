/// The options a subcommand accepts. Every subcommand also accepts `--store DIR` and `--help`.
struct ArgumentSpec: Sendable {
  /// Options followed by a value (`--out FILE` or `--out=FILE`).
  var valueOptions: Set<String> = []
  /// Options without a value.
  var flags: Set<String> = []
  /// The fewest and most positional arguments.
  var positionals: ClosedRange<Int> = 0...0

  /// Splits `arguments` into options and positionals. `-` is a positional (stdin/stdout), and
  /// everything after `--` is positional too.
  func parse(_ arguments: [String]) throws(CLIError) -> ParsedArguments {
    var parsed = ParsedArguments()
    var index = 0
    var onlyPositionals = false
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      if onlyPositionals || argument == "-" || !argument.hasPrefix("-") {
        parsed.positionals.append(argument)
        continue
      }
      if argument == "--" {
        onlyPositionals = true
        continue
      }
      if argument == "-h" || argument == "--help" {
        parsed.wantsHelp = true
        continue
      }
      let (name, inline) = Self.split(argument)
      if valueOptions.contains(name) || name == "--store" {
        if let inline {
          parsed.values[name] = inline
        } else if index < arguments.count {
          parsed.values[name] = arguments[index]
          index += 1
        } else {
          throw .usage("option \(name) needs a value")
        }
      } else if flags.contains(name), inline == nil {
        parsed.flags.insert(name)
      } else {
        throw .usage("unknown option \(name)")
      }
    }
    if !parsed.wantsHelp, !positionals.contains(parsed.positionals.count) {
      throw .usage(positionalRule)
    }
    return parsed
  }

  private var positionalRule: String {
    if positionals.lowerBound == positionals.upperBound {
      return positionals.lowerBound == 0
        ? "this command takes no arguments"
        : "this command takes exactly \(positionals.lowerBound) argument(s)"
    }
    if positionals.upperBound == Int.max {
      return "this command needs at least \(positionals.lowerBound) argument(s)"
    }
    return "this command takes \(positionals.lowerBound) to \(positionals.upperBound) arguments"
  }

  private static func split(_ argument: String) -> (String, String?) {
    guard let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
    let name = String(argument[..<equals])
    let value = String(argument[argument.index(after: equals)...])
    return (name, value)
  }
}

/// The result of `ArgumentSpec.parse`.
struct ParsedArguments: Sendable {
  var positionals: [String] = []
  var values: [String: String] = [:]
  var flags: Set<String> = []
  var wantsHelp = false

  /// The store folder: `--store DIR`, default `./.spacepanda`.
  var storeDirectory: String { values["--store"] ?? ".spacepanda" }

  /// A whole-number option within `range`, or `defaultValue` when absent.
  func integer(
    _ name: String, default defaultValue: Int, in range: ClosedRange<Int>
  ) throws(CLIError) -> Int {
    guard let text = values[name] else { return defaultValue }
    guard let value = Int(text), range.contains(value) else {
      throw .usage("\(name) must be a whole number in \(range.lowerBound)...\(range.upperBound)")
    }
    return value
  }
}
