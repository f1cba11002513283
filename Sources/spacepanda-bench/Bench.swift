import Foundation
import MLS
import MLSCodec
import MLSCrypto

/// Command-line options. RFC-independent; see docs/BENCHMARKS.md.
struct Options {
  var json = false
  var suite = CipherSuite.x25519Aes128Sha256Ed25519
  var sizes = [2, 10, 100, 1_000, 10_000]
  /// Repetitions of the cheap (O(log N)) rows; linear rows use fewer at large N.
  var reps = 30
  /// `--profile ROW`: only repeat one operation on a FULL group of the first size (for a
  /// profiler); ROW is `process`, `commit`, `add`, `join`, `fresh`, `encrypt`, `decrypt` or `create`.
  var profile: String?

  static let profiles = [
    "process", "commit", "add", "join", "fresh", "fresh-process", "encrypt", "decrypt", "create",
  ]

  static let usage = """
    usage: spacepanda-bench [--json] [--large] [--suite N] [--sizes a,b,c] [--reps N]
                            [--profile process|commit|add|join|fresh|fresh-process|encrypt|
                                      decrypt|create]
    """

  init(arguments: [String]) throws {
    var rest = arguments[...]
    while let argument = rest.popFirst() {
      switch argument {
      case "--json": json = true
      case "--large": sizes.append(50_000)
      case "--suite":
        guard let text = rest.popFirst(), let value = UInt16(text, radix: 16) ?? UInt16(text)
        else { throw OptionError.invalid(argument) }
        suite = CipherSuite(rawValue: value)
      case "--sizes":
        let values = rest.popFirst()?.split(separator: ",").compactMap { Int($0) } ?? []
        guard !values.isEmpty, values.allSatisfy({ $0 >= 2 }) else {
          throw OptionError.invalid(argument)
        }
        sizes = values
      case "--reps":
        guard let text = rest.popFirst(), let value = Int(text), value > 0 else {
          throw OptionError.invalid(argument)
        }
        reps = value
      case "--profile":
        guard let text = rest.popFirst(),
          Self.profiles.contains(text)
        else { throw OptionError.invalid(argument) }
        profile = text
      default: throw OptionError.invalid(argument)
      }
    }
  }
}

enum OptionError: Error {
  case invalid(String)
}

/// The benchmark: floors first, then every row per group size.
struct Bench {
  let options: Options
  let provider: CipherSuiteProvider
  let cores = ProcessInfo.processInfo.activeProcessorCount
  var floors: Floors
  var rows: [Row] = []
  /// One Argon2id passphrase stretch (the floor of saving and loading), measured once.
  var stretch: Double = 0

  init(options: Options) throws {
    self.options = options
    provider = try CipherSuiteProvider(options.suite)
    floors = try Floors.measure(provider: provider, reps: max(options.reps * 10, 100))
  }

  /// Repetitions for a row whose cost grows linearly with N.
  func linearReps(_ size: Int) -> Int {
    switch size {
    case ..<101: options.reps
    case ..<1_001: max(3, options.reps / 6)
    case ..<10_001: 3
    default: 2
    }
  }

  mutating func record(
    _ name: String, size: Int?, stats: Stats, floor: (String, Double)? = nil,
    target: (String, Bool)? = nil
  ) {
    var row = Row(
      name: name, size: size, unit: "ns", median: stats.median, p90: stats.p90,
      reps: stats.samples.count)
    if let floor {
      row.floor = floor.0
      row.floorValue = floor.1
      row.ratio = floor.1 > 0 ? stats.median / floor.1 : nil
    }
    if let target {
      row.target = target.0
      row.withinTarget = target.1
    }
    rows.append(row)
    if !options.json {
      let text = String(format: "%.3f ms", stats.median / 1e6)
      FileHandle.standardError.write(Data("  \(name) N=\(size ?? 0): \(text)\n".utf8))
    }
  }

  func floorRows(size: Int? = nil) -> [Row] {
    let entries: [(String, Stats)] = [
      ("floor: sign 100 B", floors.sign), ("floor: verify 100 B", floors.verify),
      ("floor: DH derive", floors.derive), ("floor: AEAD seal 100 B", floors.seal),
      ("floor: HPKE EncryptWithLabel 32 B", floors.hpkeSeal),
    ]
    return entries.map { name, stats in
      Row(
        name: name, size: size, unit: "ns", median: stats.median, p90: stats.p90,
        reps: stats.samples.count)
    }
  }

  /// Measures the floors again and records them as rows of `size`. This VM's speed drifts by
  /// up to 2x within one run (other tenants), so every size's rows are compared with floors
  /// measured just before them, not with those of the run's start.
  mutating func refreshFloors(size: Int) throws {
    floors = try Floors.measure(provider: provider, reps: max(options.reps * 10, 100))
    rows += floorRows(size: size)
  }

  static func milliseconds(_ value: Double) -> String {
    value >= 1 ? String(format: "%g ms", value) : String(format: "%g us", value * 1e3)
  }

  /// A fixed target in milliseconds at the given size, if the issue sets one.
  static func target(_ table: [Int: Double], size: Int, median: Double) -> (String, Bool)? {
    guard let limit = table[size] else { return nil }
    return ("<= " + milliseconds(limit), median <= limit * 1e6)
  }

  mutating func run() throws {
    // Warm-up: one whole small round, unreported, so lazy set-up is not in the first row.
    let saved = rows
    try runSize(4, reps: 3)
    rows = saved

    let kpStats = try Measure.run(reps: options.reps * 3, warmup: options.reps) {
      _ = try Client.make(0, provider: provider)
    }
    record(
      "KeyPackage generation", size: nil, stats: kpStats,
      floor: ("2 x sign", 2 * floors.sign.median))
    try measureHostileCaps()
    stretch = try measureStretch()
    for size in options.sizes { try runSize(size, reps: options.reps) }
  }

  mutating func runSize(_ size: Int, reps: Int) throws {
    try refreshFloors(size: size)
    let provider = provider
    var clients: [Client] = []
    clients.reserveCapacity(size + 1)
    for index in 0...size { clients.append(try Client.make(index, provider: provider)) }
    let creatorClient = clients[0]
    let members = Array(clients[1..<size])
    let joiner = clients[size]
    let linear = linearReps(size)
    let warm = size <= 1_000 ? 1 : 0

    // Creating a group of N in one commit.
    let create = try Measure.run(reps: linear, warmup: warm) {
      _ = try Scenario.createGroup(provider: provider, creator: creatorClient, members: members)
    }
    let perMember = 2 * floors.verify.median + floors.hpkeSeal.median
    record(
      "create group of N in one commit", size: size, stats: create,
      floor: ("(N-1) x (2 verify + HPKE)", Double(size - 1) * perMember),
      target: Self.target([1_000: 150], size: size, median: create.median))

    // FRESH: blank parents, the path encrypts to every other leaf.
    let fresh = try Scenario.build(
      provider: provider, creator: creatorClient, members: members, full: false)
    try measureUpdate(fresh, label: "FRESH", reps: linear, warm: warm)

    // FULL.
    var full = try Scenario.build(
      provider: provider, creator: creatorClient, members: members, full: true)
    try measureUpdate(full, label: "FULL", reps: reps, warm: max(1, reps / 5))

    // Adding one member, and joining from its Welcome (the tree in the extension).
    let addProposal = [Proposal.add(Add(keyPackage: joiner.bundle.keyPackage))]
    let add = try Measure.run(reps: reps, warmup: max(1, reps / 5), copying: full.creator) {
      var state = $0
      _ = try state.commit(proposals: addProposal)
    }
    var adder = full.creator
    let welcome = try adder.commit(proposals: addProposal).welcome
    // The GroupInfo carries the whole tree and is signed: a signature over that many bytes
    // (about the Welcome's size) is part of the floor, and grows with N.
    let welcomeBytes = try welcome?.tlsSerialized().count ?? 0
    let signWelcome = try Floors.sign(length: welcomeBytes, provider: provider, reps: 5)
    record(
      "add one member (commit + Welcome)", size: size, stats: add,
      floor: (
        "2 verify + HPKE + sign \(welcomeBytes / 1_024) KiB", perMember + signWelcome.median
      ),
      target: Self.target([1_000: 3, 10_000: 10], size: size, median: add.median))
    let join = try Measure.run(reps: linear, warmup: warm) { _ = try joiner.join(welcome) }
    record(
      "join from Welcome (tree in extension)", size: size, stats: join,
      floor: ("N x verify", Double(size + 1) * floors.verify.median),
      target: Self.target(
        [1_000: 40, 10_000: 400, 50_000: 2_000], size: size, median: join.median))
    try measureHostileWelcome(welcome, joiner: joiner, size: size, reps: linear)

    // Removing one member.
    let removed = LeafIndex(UInt32(size / 2))
    let remove = [Proposal.remove(Remove(removed: removed))]
    let copath = Double(full.creator.tree.math.copath(NodeIndex(0)).count)
    let removeCreate = try Measure.run(
      reps: reps, warmup: max(1, reps / 5), copying: full.creator
    ) {
      var state = $0
      _ = try state.commit(proposals: remove)
    }
    record(
      "remove one member: create", size: size, stats: removeCreate,
      floor: ("log N x HPKE + sign", copath * floors.hpkeSeal.median + floors.sign.median))
    var remover = full.creator
    let removal = try remover.commit(proposals: remove).commit
    let removeProcess = try Measure.run(
      reps: reps, warmup: max(1, reps / 5), copying: full.receiver
    ) {
      var state = $0
      _ = try state.process(removal)
    }
    record(
      "remove one member: process", size: size, stats: removeProcess,
      floor: ("verify + DH", floors.verify.median + floors.derive.median))

    try measureMessages(&full, size: size, reps: reps)
    if stretch > 0 { try measurePersistence(full.creator, size: size, stretch: stretch) }
    addMemory(full, size: size)
  }

  /// An update commit by leaf 0, processed by leaf N-1.
  mutating func measureUpdate(_ scenario: Scenario, label: String, reps: Int, warm: Int) throws {
    let size = scenario.size
    let creator = scenario.creator
    let created = try Measure.run(reps: reps, warmup: warm, copying: creator) {
      var state = $0
      _ = try state.commit(forcePath: true)
    }
    var sender = creator
    let commit = try sender.commit(forcePath: true).commit
    let receiver = scenario.receiver
    let processed = try Measure.run(reps: reps, warmup: warm, copying: receiver) {
      var state = $0
      _ = try state.process(commit)
    }
    let createFloor: (String, Double)
    let createTarget: (String, Bool)?
    let processTarget: (String, Bool)?
    if label == "FRESH" {
      let value = Double(size - 1) * floors.hpkeSeal.median / Double(max(cores, 1))
      createFloor = ("(N-1) x HPKE / cores", value)
      createTarget =
        size >= 1_000 ? ("<= 1.3 x floor", created.median <= 1.3 * value) : nil
      processTarget = Self.target([1_000: 1.5], size: size, median: processed.median)
    } else {
      let copath = Double(creator.tree.math.copath(NodeIndex(0)).count)
      createFloor = ("log N x HPKE + sign", copath * floors.hpkeSeal.median + floors.sign.median)
      createTarget = Self.target([1_000: 2.5, 10_000: 4], size: size, median: created.median)
      processTarget = Self.target([1_000: 1.5, 10_000: 2.5], size: size, median: processed.median)
    }
    record(
      "update commit \(label): create", size: size, stats: created, floor: createFloor,
      target: createTarget)
    record(
      "update commit \(label): process (far member)", size: size, stats: processed,
      floor: ("verify + DH", floors.verify.median + floors.derive.median), target: processTarget)
  }

  /// Application messages from leaf 0 to leaf N-1.
  mutating func measureMessages(_ scenario: inout Scenario, size: Int, reps: Int) throws {
    let signature = try Floors.signatureOperations(provider: provider)
    for length in [100, 1_024, 65_536] {
      let payload = [UInt8](repeating: 0x61, count: length)
      let warm = max(1, reps / 5)
      let (signFloor, encrypted) = try Measure.interleaved(
        reps: reps, warmup: warm, floor: signature.sign
      ) {
        _ = try scenario.creator.encrypt(application: payload)
      }
      var messages: [MLSMessage] = []
      for _ in 0..<(reps + warm) {
        messages.append(try scenario.creator.encrypt(application: payload))
      }
      var next = messages.makeIterator()
      var receiver = scenario.receiver
      var wrong = false
      let (verifyFloor, decrypted) = try Measure.interleaved(
        reps: reps, warmup: warm, floor: signature.verify
      ) {
        guard let message = next.next() else { return }
        let result = try receiver.process(message)
        if case .application(let data) = result.content, data.count == length { return }
        wrong = true
      }
      if wrong { throw BenchFailure.notApplication }
      scenario.receiver = receiver
      let label = length >= 1_024 ? "\(length / 1_024) KiB" : "\(length) B"
      let small = length == 100
      let sign = signFloor.median
      let verify = verifyFloor.median
      record(
        "encrypt application \(label)", size: size, stats: encrypted,
        floor: ("sign (interleaved)", sign),
        target: small ? ("<= 1.25 x sign", encrypted.median <= 1.25 * sign) : nil)
      record(
        "decrypt application \(label)", size: size, stats: decrypted,
        floor: ("verify (interleaved)", verify),
        target: small ? ("<= 1.25 x verify", decrypted.median <= 1.25 * verify) : nil)
    }
  }

  /// Bytes per member: see `Memory`.
  mutating func addMemory(_ scenario: Scenario, size: Int) {
    let bytes = Memory.estimate(scenario.creator) / Double(size)
    var row = Row(
      name: "memory per member (FULL)", size: size, unit: "bytes", median: bytes, p90: bytes,
      reps: 1)
    if size == 10_000 {
      row.target = "<= 600 B"
      row.withinTarget = bytes <= 600
    }
    rows.append(row)
  }

  func report() -> Report {
    let machine = [
      ProcessInfo.processInfo.operatingSystemVersionString,
      "\(ProcessInfo.processInfo.physicalMemory / 1_048_576) MiB",
    ].joined(separator: ", ")
    return Report(
      date: ISO8601DateFormatter().string(from: Date()), suite: options.suite.rawValue,
      cores: cores, machine: machine, floors: floorRows(), rows: rows)
  }
}
