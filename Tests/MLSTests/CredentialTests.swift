import MLS
import MLSCodec
@_spi(Testing) import MLSCrypto
import Testing

/// A CA (Ed25519) and certificates for MLS signature keys, generated at run time.
struct CredentialTestCA {
  let seed: SecretBytes
  let root: [UInt8]
  let name: String

  init(name: String = "Credential Test CA") throws {
    let pair = try Signature.generateKeyPair(.ed25519)
    seed = pair.privateKey
    self.name = name
    root = try X509TestCertificates.make(
      subject: name, subjectKey: pair.publicKey, subjectScheme: .ed25519, issuer: name,
      issuerSeed: seed, notBefore: kpNow - 86_400, notAfter: kpNow + 365 * 86_400, isCA: true)
  }

  func issue(
    _ subject: String, key: [UInt8], scheme: SignatureScheme,
    notAfter: UInt64 = kpNow + 365 * 86_400
  ) throws -> Credential {
    let leaf = try X509TestCertificates.make(
      subject: subject, subjectKey: key, subjectScheme: scheme, issuer: name, issuerSeed: seed,
      notBefore: kpNow - 86_400, notAfter: notAfter, isCA: false, serial: 7)
    return .x509(certificates: [Certificate(certData: leaf)])
  }
}

@Suite("Credentials and the Authentication Service (RFC 9420 §5.3)")
struct CredentialTests {
  func credentialError(_ body: () throws -> Void) -> CredentialValidationError? {
    do {
      try body()
    } catch let error as CredentialValidationError {
      return error
    } catch {
      Issue.record("unexpected error \(error)")
      return nil
    }
    Issue.record("expected a CredentialValidationError")
    return nil
  }

  @Test func basicAuthenticatorAcceptsBasicCredentialsAndHonoursTheAllowList() throws {
    let alice = Credential.basic(identity: Array("alice".utf8))
    let any = BasicCredentialAuthenticator()
    #expect(
      try any.validate(credential: alice, signatureKey: [1])
        == AuthenticatedIdentity(credentialType: .basic, identity: Array("alice".utf8)))
    let onlyBob = BasicCredentialAuthenticator(allowedIdentities: [Array("bob".utf8)])
    #expect(
      credentialError { _ = try onlyBob.validate(credential: alice, signatureKey: [1]) }
        == .identityNotAllowed)
    let x509 = Credential.x509(certificates: [])
    #expect(
      credentialError { _ = try any.validate(credential: x509, signatureKey: [1]) }
        == .unsupportedCredentialType(.x509))
    let other = Credential.other(type: CredentialType(rawValue: 0x0A0A), body: [])
    #expect(
      credentialError { _ = try any.presentedIdentity(of: other) }
        == .unsupportedCredentialType(CredentialType(rawValue: 0x0A0A)))
  }

  @Test func defaultSuccessorRuleRequiresTheSameIdentity() throws {
    let service = BasicCredentialAuthenticator()
    let alice = AuthenticatedIdentity(credentialType: .basic, identity: Array("alice".utf8))
    try service.validateSuccessor(alice, replacing: .basic(identity: Array("alice".utf8)))
    #expect(
      credentialError {
        try service.validateSuccessor(alice, replacing: .basic(identity: Array("eve".utf8)))
      } == .notValidSuccessor)
    let asX509 = AuthenticatedIdentity(credentialType: .x509, identity: Array("alice".utf8))
    #expect(
      credentialError {
        try service.validateSuccessor(asX509, replacing: .basic(identity: Array("alice".utf8)))
      } == .notValidSuccessor)
  }

  @Test(arguments: [
    CipherSuite.x25519Aes128Sha256Ed25519, .p256Aes128Sha256P256, .x448Aes256Sha512Ed448,
  ])
  func x509KeyPackageValidatesEndToEnd(suite: CipherSuite) throws {
    let ca = try CredentialTestCA()
    let provider = try CipherSuiteProvider(suite)
    let signer = try provider.generateSignatureKeyPair()
    let credential = try ca.issue(
      "alice@example.org", key: signer.publicKey, scheme: provider.signatureScheme)
    let bundle = try KeyPackageBuilder(
      cipherSuite: suite, credential: credential, signaturePrivateKey: signer.privateKey,
      clock: FixedClock(kpNow)
    ).build()
    let service = try X509Authenticator(trustAnchors: [ca.root], clock: FixedClock(kpNow))
    let validated = try kpValidator(service: service).validate(
      bundle.keyPackage, in: kpContext(suite))
    #expect(validated.identity.credentialType == .x509)
    guard case .x509(let certificates) = credential else { return }
    #expect(
      validated.identity.identity
        == (try X509ChainVerifier.subject(ofCertificate: certificates[0].certData)))
    #expect(try service.presentedIdentity(of: credential) == validated.identity.identity)
  }

  /// Validates a fresh KeyPackage whose X.509 credential `credential` makes: nil when accepted.
  func validateX509(
    _ credential: (SignatureScheme, [UInt8]) throws -> Credential, anchors: [[UInt8]],
    authenticatorClock: UInt64 = kpNow
  ) throws -> KeyPackageValidationError? {
    let provider = try CipherSuiteProvider(.x25519Aes128Sha256Ed25519)
    let signer = try provider.generateSignatureKeyPair()
    let bundle = try KeyPackageBuilder(
      cipherSuite: .x25519Aes128Sha256Ed25519,
      credential: try credential(provider.signatureScheme, signer.publicKey),
      signaturePrivateKey: signer.privateKey, clock: FixedClock(kpNow)
    ).build()
    let service = try X509Authenticator(
      trustAnchors: anchors, clock: FixedClock(authenticatorClock))
    do {
      _ = try kpValidator(service: service).validate(bundle.keyPackage, in: kpContext())
      return nil
    } catch {
      return error
    }
  }

  @Test func x509CredentialFromAnotherCAIsRejected() throws {
    let ca = try CredentialTestCA()
    let other = try CredentialTestCA(name: "Other CA")
    let error = try validateX509(
      { try ca.issue("alice", key: $1, scheme: $0) }, anchors: [other.root])
    #expect(error == .leafNode(.credentialRejected(.certificate(.untrusted(code: 20)))))
  }

  @Test func expiredX509CredentialIsRejectedByTheClock() throws {
    let ca = try CredentialTestCA()
    let issue: (SignatureScheme, [UInt8]) throws -> Credential = {
      try ca.issue("alice", key: $1, scheme: $0, notAfter: kpNow + 10)
    }
    // OpenSSL treats notAfter itself as already expired (X509_cmp_time), one second stricter
    // than RFC 5280's inclusive bound.
    #expect(try validateX509(issue, anchors: [ca.root], authenticatorClock: kpNow + 9) == nil)
    let error = try validateX509(issue, anchors: [ca.root], authenticatorClock: kpNow + 10)
    #expect(error == .leafNode(.credentialRejected(.certificate(.expired))))
  }

  @Test func x509CredentialForAnotherKeyIsRejected() throws {
    let ca = try CredentialTestCA()
    let otherKey = try Signature.generateKeyPair(.ed25519).publicKey
    let error = try validateX509(
      { scheme, _ in try ca.issue("alice", key: otherKey, scheme: scheme) }, anchors: [ca.root])
    #expect(error == .leafNode(.credentialRejected(.certificate(.publicKeyMismatch))))
  }

  @Test func malformedX509CredentialsAreRejected() throws {
    let ca = try CredentialTestCA()
    let garbage = try validateX509(
      { _, _ in .x509(certificates: [Certificate(certData: [0x30, 0x01, 0x00])]) },
      anchors: [ca.root])
    #expect(
      garbage == .leafNode(.credentialRejected(.certificate(.malformedCertificate(index: 0)))))
    let empty = try validateX509({ _, _ in .x509(certificates: []) }, anchors: [ca.root])
    #expect(empty == .leafNode(.credentialRejected(.emptyCertificateChain)))
    let service = try X509Authenticator(trustAnchors: [ca.root])
    #expect(
      credentialError {
        _ = try service.validate(credential: .basic(identity: [1]), signatureKey: [1])
      } == .unsupportedCredentialType(.basic))
    #expect(throws: X509Error.noTrustAnchors) { _ = try X509Authenticator(trustAnchors: []) }
  }

  @Test func x509SuccessorMustKeepTheSubject() throws {
    let ca = try CredentialTestCA()
    let service = try X509Authenticator(trustAnchors: [ca.root], clock: FixedClock(kpNow))
    let oldKey = try Signature.generateKeyPair(.ed25519).publicKey
    let newKey = try Signature.generateKeyPair(.ed25519).publicKey
    let old = try ca.issue("alice", key: oldKey, scheme: .ed25519)
    let renewed = try service.validate(
      credential: try ca.issue("alice", key: newKey, scheme: .ed25519), signatureKey: newKey)
    try service.validateSuccessor(renewed, replacing: old)
    let eve = try service.validate(
      credential: try ca.issue("eve", key: newKey, scheme: .ed25519), signatureKey: newKey)
    #expect(
      credentialError { try service.validateSuccessor(eve, replacing: old) } == .notValidSuccessor)
  }
}
