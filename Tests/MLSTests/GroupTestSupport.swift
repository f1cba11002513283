import MLSCodec
import MLSCrypto
import Testing

@testable import MLS

/// A client with a signature key and a fresh KeyPackage.
struct GroupClient {
  let name: String
  let suite: CipherSuite
  let provider: CipherSuiteProvider
  let signaturePrivateKey: SecretBytes
  let bundle: KeyPackageBundle

  init(
    _ name: String, suite: CipherSuite = .x25519Aes128Sha256Ed25519,
    signaturePrivateKey: SecretBytes? = nil, clock: any MLSClock = SystemClock()
  ) throws {
    self.name = name
    self.suite = suite
    provider = try CipherSuiteProvider(suite)
    let key = try signaturePrivateKey ?? provider.generateSignatureKeyPair().privateKey
    self.signaturePrivateKey = key
    bundle = try KeyPackageBuilder(
      cipherSuite: suite, credential: .basic(identity: Array(name.utf8)),
      signaturePrivateKey: key, clock: clock
    ).build()
  }

  var keyPackage: KeyPackage { bundle.keyPackage }

  /// Creates a group with this client as its only member.
  func createGroup(
    id: String = "group", extensions: [Extension] = [], options: GroupOptions = GroupOptions()
  ) throws -> GroupState {
    try GroupState.create(
      groupID: Array(id.utf8), cipherSuite: suite, leafNode: keyPackage.leafNode,
      encryptionPrivateKey: bundle.encryptionPrivateKey, signaturePrivateKey: signaturePrivateKey,
      extensions: extensions, options: options)
  }

  /// Joins from a Welcome message.
  func join(
    _ welcome: MLSMessage?, ratchetTree: RatchetTree? = nil, psks: PSKStore = PSKStore(),
    options: GroupOptions = GroupOptions()
  ) throws -> GroupState {
    guard case .welcome(let body) = try #require(welcome).body else {
      throw GroupTestFailure.notAWelcome
    }
    return try GroupState.join(
      welcome: body, keyPackage: keyPackage, initPrivateKey: bundle.initPrivateKey,
      encryptionPrivateKey: bundle.encryptionPrivateKey, signaturePrivateKey: signaturePrivateKey,
      ratchetTree: ratchetTree, psks: psks, options: options)
  }
}

enum GroupTestFailure: Error {
  case notAWelcome
  case notACommit
  case notAProposal
}

/// Three members in epoch 1: alice (leaf 0) created the group and added bob (1) and carol (2).
func threeMemberGroup(
  suite: CipherSuite = .x25519Aes128Sha256Ed25519, options: GroupOptions = GroupOptions()
) throws -> (clients: [GroupClient], states: [GroupState]) {
  let clients = try ["alice", "bob", "carol"].map { try GroupClient($0, suite: suite) }
  var alice = try clients[0].createGroup(options: options)
  let output = try alice.commit(proposals: [
    .add(Add(keyPackage: clients[1].keyPackage)), .add(Add(keyPackage: clients[2].keyPackage)),
  ])
  try alice.mergePendingCommit()
  let bob = try clients[1].join(output.welcome, options: options)
  let carol = try clients[2].join(output.welcome, options: options)
  return (clients, [alice, bob, carol])
}

/// Processes a commit at every receiver and merges it; returns the staged commits.
@discardableResult
func deliver(_ commit: MLSMessage, to states: inout [GroupState], except sender: Int) throws
  -> [StagedCommit]
{
  var staged: [StagedCommit] = []
  for index in states.indices where index != sender {
    let processed = try states[index].process(commit)
    guard case .commit(let result) = processed.content else { throw GroupTestFailure.notACommit }
    try states[index].merge(result)
    staged.append(result)
  }
  try states[sender].mergePendingCommit()
  return staged
}

/// Asserts every state is in the same epoch with the same authenticator, exporter and tree.
func expectAgreement(_ states: [GroupState]) throws {
  let first = try #require(states.first)
  let exported = try first.exporter(label: "test", context: [1, 2, 3], length: 32)
  for state in states.dropFirst() {
    #expect(state.epoch == first.epoch)
    #expect(state.epochAuthenticator == first.epochAuthenticator)
    #expect(state.groupContext == first.groupContext)
    #expect(state.tree == first.tree)
    #expect(try state.exporter(label: "test", context: [1, 2, 3], length: 32) == exported)
  }
}

extension GroupState {
  /// Frames an arbitrary commit as this member, with a chosen confirmation tag, for tests of
  /// the receiver's checks.
  mutating func forgeCommit(_ commit: Commit, confirmationTag: [UInt8]? = nil) throws
    -> MLSMessage
  {
    let tag = confirmationTag ?? Array(repeating: 0xAB, count: provider.hashLength)
    return try frame(.commit(commit), wireFormat: .publicMessage, authenticatedData: []) {
      _, _, _ in tag
    }.message
  }

  /// Frames an arbitrary proposal as this member without validating it.
  mutating func forgeProposal(_ proposal: Proposal) throws -> MLSMessage {
    try frame(.proposal(proposal), wireFormat: .publicMessage, authenticatedData: []).message
  }
}

/// The Commit inside a PublicMessage.
func commitBody(_ message: MLSMessage) throws -> Commit {
  guard case .publicMessage(let body) = message.body,
    case .commit(let commit) = body.content.content
  else { throw GroupTestFailure.notACommit }
  return commit
}
