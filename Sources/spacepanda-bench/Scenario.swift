import MLS
import MLSCodec
import MLSCrypto

/// A prospective member: a signature key and a KeyPackage with its private keys.
struct Client: Sendable {
  let signaturePrivateKey: SecretBytes
  let bundle: KeyPackageBundle

  static func make(_ index: Int, provider: CipherSuiteProvider) throws -> Client {
    let key = try provider.generateSignatureKeyPair().privateKey
    let bundle = try KeyPackageBuilder(
      cipherSuite: provider.suite, credential: .basic(identity: Array("member \(index)".utf8)),
      signaturePrivateKey: key
    ).build()
    return Client(signaturePrivateKey: key, bundle: bundle)
  }

  func join(_ welcome: MLSMessage?, options: GroupOptions = GroupOptions()) throws -> GroupState {
    guard let welcome, case .welcome(let body) = welcome.body else { throw BenchFailure.noWelcome }
    return try GroupState.join(
      welcome: body, keyPackage: bundle.keyPackage, initPrivateKey: bundle.initPrivateKey,
      encryptionPrivateKey: bundle.encryptionPrivateKey, signaturePrivateKey: signaturePrivateKey,
      options: options)
  }
}

enum BenchFailure: Error {
  case noWelcome
  case notACommit
  case notApplication
  case notRestored
}

/// Groups of N members as the benchmark needs them.
///
/// FRESH: the creator (leaf 0) adds N-1 members in one commit without a path, so every parent
/// node is blank and an UpdatePath from leaf 0 encrypts to every other leaf.
///
/// FULL: every parent on the committer's copath (and so on the far receiver's side) is set with
/// no unmerged leaves, which is what makes an update cost O(log N) ciphertexts. It is built
/// with one commit from the last member of each subtree on leaf 0's copath (log N committers,
/// each joined from the batch Welcome), then one from leaf 0. Making literally every member
/// commit once needs N joins of O(N) each, which is quadratic set-up; the commit being measured
/// touches only the creator's and the receiver's paths, so their state is the same.
struct Scenario {
  let provider: CipherSuiteProvider
  let size: Int
  /// Leaf 0, the creator and the committer being measured.
  var creator: GroupState
  /// Leaf N-1, the member farthest from leaf 0, which processes the creator's commits.
  var receiver: GroupState

  /// The last member of each subtree on leaf 0's copath, deepest first.
  static func copathCommitters(size: Int) -> [Int] {
    var result: [Int] = []
    var low = 1
    while low < size {
      result.append(min(2 * low, size) - 1)
      low *= 2
    }
    return result
  }

  /// Creates the creator's group with `clients` as members 1..., in one commit.
  static func createGroup(provider: CipherSuiteProvider, creator: Client, members: [Client])
    throws -> (state: GroupState, output: CommitOutput)
  {
    var state = try GroupState.create(
      groupID: Array("bench".utf8), cipherSuite: provider.suite,
      leafNode: creator.bundle.keyPackage.leafNode,
      encryptionPrivateKey: creator.bundle.encryptionPrivateKey,
      signaturePrivateKey: creator.signaturePrivateKey)
    let adds = members.map { Proposal.add(Add(keyPackage: $0.bundle.keyPackage)) }
    let output = try state.commit(proposals: adds)
    return (state, output)
  }

  /// Processes `commit` at every state in `states` except `sender`, and merges it everywhere.
  static func deliver(_ commit: MLSMessage, states: inout [GroupState], sender: Int) throws {
    for index in states.indices where index != sender {
      let processed = try states[index].process(commit)
      guard case .commit(let staged) = processed.content else { throw BenchFailure.notACommit }
      try states[index].merge(staged)
    }
    try states[sender].mergePendingCommit()
  }

  /// A FRESH group (`full == false`) or a FULL one, from the creator and N-1 clients.
  static func build(
    provider: CipherSuiteProvider, creator: Client, members: [Client], full: Bool
  ) throws -> Scenario {
    let size = members.count + 1
    var (state, output) = try createGroup(provider: provider, creator: creator, members: members)
    try state.mergePendingCommit()
    let committers = full ? copathCommitters(size: size) : [size - 1]
    // states[0] is the creator; then the committers, the last being leaf N-1 (the receiver).
    var states = [state]
    for leaf in committers { states.append(try members[leaf - 1].join(output.welcome)) }
    if full {
      let order = Array(states.indices.dropFirst().reversed()) + [0]
      for sender in order {
        let commit = try states[sender].commit(forcePath: true)
        try deliver(commit.commit, states: &states, sender: sender)
      }
    }
    guard let receiver = states.last, states.count > 1 else { throw BenchFailure.notACommit }
    return Scenario(provider: provider, size: size, creator: states[0], receiver: receiver)
  }
}
