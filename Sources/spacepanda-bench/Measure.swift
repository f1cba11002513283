/// Timing with `ContinuousClock`: warm-up iterations first (caches, lazy OpenSSL fetches, page
/// faults), then one sample per repetition; the median and the 90th percentile of the samples are
/// reported, so one descheduled run on the shared 2-core machine does not move the result.
struct Stats: Sendable {
  let samples: [Double]

  /// Nanoseconds per operation, by nearest rank.
  func percentile(_ p: Double) -> Double {
    let sorted = samples.sorted()
    guard !sorted.isEmpty else { return 0 }
    let rank = Int((p * Double(sorted.count - 1)).rounded())
    return sorted[min(max(rank, 0), sorted.count - 1)]
  }

  var median: Double { percentile(0.5) }
  var p90: Double { percentile(0.9) }
}

enum Measure {
  static func nanoseconds(_ duration: Duration) -> Double {
    let parts = duration.components
    return Double(parts.seconds) * 1e9 + Double(parts.attoseconds) / 1e9
  }

  /// Runs `body` `warmup` times untimed, then `reps` times timed.
  static func run(reps: Int, warmup: Int, _ body: () throws -> Void) rethrows -> Stats {
    for _ in 0..<warmup { try body() }
    let clock = ContinuousClock()
    var samples: [Double] = []
    samples.reserveCapacity(reps)
    for _ in 0..<max(reps, 1) {
      let start = clock.now
      try body()
      samples.append(nanoseconds(clock.now - start))
    }
    return Stats(samples: samples)
  }

  /// Alternates one timed `floor` and one timed `body` per repetition, so both see the same
  /// machine speed: this VM's speed drifts within a second, which made ratios of a row to a
  /// floor measured earlier range from 0.8 x to 2 x for the same code.
  static func interleaved(
    reps: Int, warmup: Int, floor: () throws -> Void, _ body: () throws -> Void
  ) rethrows -> (floor: Stats, row: Stats) {
    for _ in 0..<warmup {
      try floor()
      try body()
    }
    let clock = ContinuousClock()
    var floors: [Double] = []
    var samples: [Double] = []
    for _ in 0..<max(reps, 1) {
      var start = clock.now
      try floor()
      floors.append(nanoseconds(clock.now - start))
      start = clock.now
      try body()
      samples.append(nanoseconds(clock.now - start))
    }
    return (Stats(samples: floors), Stats(samples: samples))
  }

  /// Like `run`, each repetition on its own copy of `input` (a group state), so a mutation
  /// by one repetition never reaches the next.
  static func run<Input>(
    reps: Int, warmup: Int, copying input: Input, _ body: (Input) throws -> Void
  ) rethrows -> Stats {
    for _ in 0..<warmup { try body(input) }
    let clock = ContinuousClock()
    var samples: [Double] = []
    samples.reserveCapacity(reps)
    for _ in 0..<max(reps, 1) {
      let start = clock.now
      try body(input)
      samples.append(nanoseconds(clock.now - start))
    }
    return Stats(samples: samples)
  }
}
