import Foundation
import MLS
import MLSCrypto

/// `--profile ROW`: repeats one operation on a FULL group so a profiler (perf, callgrind) sees
/// little else than it. ROW: process, commit, fresh, fresh-process, add, join, encrypt, decrypt (100 B, leaf 0
/// to leaf N-1), create (a group of N in one commit). Prints the mean time per repetition.
enum Profile {
  static func run(options: Options) throws {
    let provider = try CipherSuiteProvider(options.suite)
    let size = options.sizes.first ?? 1_000
    var clients: [Client] = []
    for index in 0...size { clients.append(try Client.make(index, provider: provider)) }
    let full = try Scenario.build(
      provider: provider, creator: clients[0], members: Array(clients[1..<size]),
      full: !(options.profile ?? "").hasPrefix("fresh"))
    let addProposal = [Proposal.add(Add(keyPackage: clients[size].bundle.keyPackage))]
    var sender = full.creator
    let update = try sender.commit(forcePath: true).commit
    var adder = full.creator
    let welcome = try adder.commit(proposals: addProposal).welcome
    let payload = [UInt8](repeating: 0x61, count: 100)
    var encrypter = full.creator
    var messages: [MLSMessage] = []
    if options.profile == "decrypt" {
      for _ in 0..<(options.reps + 1) {
        messages.append(try encrypter.encrypt(application: payload))
      }
    }
    var nextMessage = messages.makeIterator()
    var decrypter = full.receiver
    let body: () throws -> Void
    switch options.profile {
    case "encrypt":
      body = { _ = try encrypter.encrypt(application: payload) }
    case "decrypt":
      body = {
        guard let message = nextMessage.next() else { return }
        _ = try decrypter.process(message)
      }
    case "create":
      body = {
        _ = try Scenario.createGroup(
          provider: provider, creator: clients[0], members: Array(clients[1..<size]))
      }
    case "process", "fresh-process":
      body = {
        var state = full.receiver
        _ = try state.process(update)
      }
    case "commit", "fresh":
      body = {
        var state = full.creator
        _ = try state.commit(forcePath: true)
      }
    case "add":
      body = {
        var state = full.creator
        _ = try state.commit(proposals: addProposal)
      }
    default:
      body = { _ = try clients[size].join(welcome) }
    }
    FileHandle.standardError.write(Data("profiling \(options.profile ?? "")\n".utf8))
    let stats = try Measure.run(reps: options.reps, warmup: 1, body)
    let text = String(format: "%.3f ms median", stats.median / 1e6)
    print("\(options.profile ?? "") N=\(size): \(text) over \(options.reps)")
  }
}
