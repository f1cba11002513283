import Foundation

// spacepanda-bench: timings of the MLS operations against the primitive floors (issue 6).
// Build in release mode: `make bench` (BENCH_ARGS="--json --large").
do {
  let options = try Options(arguments: Array(CommandLine.arguments.dropFirst()))
  if options.profile != nil {
    try Profile.run(options: options)
    exit(0)
  }
  var bench = try Bench(options: options)
  try bench.run()
  let report = bench.report()
  print(options.json ? try report.json() : report.table())
} catch let error as OptionError {
  FileHandle.standardError.write(Data("\(error)\n\(Options.usage)\n".utf8))
  exit(2)
} catch {
  FileHandle.standardError.write(Data("spacepanda-bench: \(error)\n".utf8))
  exit(1)
}
