import Foundation
import MLS
import MLSCodec
import MLSCrypto
import Testing

/// A fixed instant for lifetime checks: 2023-11-14T22:13:20Z.
let kpNow: UInt64 = 1_700_000_000

/// A member's long-term signature key and a KeyPackage generated at `kpNow`.
struct KeyPackageFixture {
  let suite: CipherSuite
  let provider: CipherSuiteProvider
  let signaturePrivateKey: SecretBytes
  let bundle: KeyPackageBundle

  var keyPackage: KeyPackage { bundle.keyPackage }

  init(
    suite: CipherSuite = .x25519Aes128Sha256Ed25519, identity: String = "alice",
    configure: (inout KeyPackageBuilder) -> Void = { _ in }
  ) throws {
    self.suite = suite
    provider = try CipherSuiteProvider(suite)
    signaturePrivateKey = try provider.generateSignatureKeyPair().privateKey
    var builder = KeyPackageBuilder(
      cipherSuite: suite, credential: .basic(identity: Array(identity.utf8)),
      signaturePrivateKey: signaturePrivateKey, clock: FixedClock(kpNow))
    configure(&builder)
    bundle = try builder.build()
  }

  /// `keyPackage` after `change`, with the leaf and the package signed again so only the
  /// changed rule is broken.
  func resigned(_ change: (inout KeyPackage) -> Void) throws -> KeyPackage {
    var keyPackage = bundle.keyPackage
    change(&keyPackage)
    try keyPackage.leafNode.signLeaf(
      privateKey: signaturePrivateKey, provider: provider, groupID: kpGroupID,
      leafIndex: LeafIndex(0))
    try keyPackage.signKeyPackage(privateKey: signaturePrivateKey, provider: provider)
    return keyPackage
  }
}

let kpGroupID = Array("group".utf8)

func kpContext(
  _ suite: CipherSuite = .x25519Aes128Sha256Ed25519,
  configure: (inout LeafNodeValidationContext) -> Void = { _ in }
) -> LeafNodeValidationContext {
  var context = LeafNodeValidationContext(cipherSuite: suite, groupID: kpGroupID)
  configure(&context)
  return context
}

func kpValidator(
  clock: UInt64 = kpNow, options: LeafNodeValidationOptions = LeafNodeValidationOptions(),
  service: any AuthenticationService = BasicCredentialAuthenticator()
) -> KeyPackageValidator {
  KeyPackageValidator(authenticationService: service, clock: FixedClock(clock), options: options)
}

/// The error `body` throws as a KeyPackageValidationError; a test fails when nothing is thrown.
func kpRejection(_ body: () throws -> Void) -> KeyPackageValidationError? {
  do {
    try body()
  } catch let error as KeyPackageValidationError {
    return error
  } catch {
    Issue.record("unexpected error \(error)")
    return nil
  }
  Issue.record("expected a KeyPackageValidationError, got success")
  return nil
}

/// The official vector file `name`: from `MLS_TEST_VECTORS`, or `shared/test-vectors` next to
/// the package (as the conformance runner finds them).
func kpVectorFile(_ name: String) throws -> Data {
  let folder: URL
  if let env = ProcessInfo.processInfo.environment["MLS_TEST_VECTORS"], !env.isEmpty {
    folder = URL(fileURLWithPath: env)
  } else {
    folder = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("shared/test-vectors")
  }
  return try Data(contentsOf: folder.appendingPathComponent(name))
}

/// The KeyPackage inside a vector's `key_package` field, an MLSMessage (NOTES.md trap 5).
func kpFromMessageHex(_ text: String) throws -> KeyPackage {
  let bytes = try #require(Hex.decode(text))
  let message = try MLSMessage(tlsSerialized: bytes)
  guard case .keyPackage(let keyPackage) = message.body else {
    throw KeyPackageTestFailure.notAKeyPackage
  }
  return keyPackage
}

enum KeyPackageTestFailure: Error { case notAKeyPackage }
