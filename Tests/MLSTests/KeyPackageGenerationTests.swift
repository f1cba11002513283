import Foundation
import MLS
import MLSCodec
import MLSCrypto
import Testing

@Suite("KeyPackage generation (RFC 9420 §10, §7.2, §5.2)")
struct KeyPackageGenerationTests {
  @Test(arguments: CipherSuite.all)
  func generatedKeyPackageValidatesInEverySuite(suite: CipherSuite) throws {
    let fixture = try KeyPackageFixture(suite: suite)
    let keyPackage = fixture.keyPackage
    let validated = try kpValidator().validate(keyPackage, in: kpContext(suite))
    #expect(validated.keyPackage == keyPackage)
    #expect(validated.reference == fixture.bundle.reference)
    #expect(
      validated.identity
        == AuthenticatedIdentity(credentialType: .basic, identity: Array("alice".utf8)))
    // The private halves belong to the published keys.
    #expect(
      try fixture.provider.kemPublicKey(for: fixture.bundle.initPrivateKey) == keyPackage.initKey)
    #expect(
      try fixture.provider.kemPublicKey(for: fixture.bundle.encryptionPrivateKey)
        == keyPackage.leafNode.encryptionKey)
    #expect(
      try fixture.provider.signaturePublicKey(for: fixture.signaturePrivateKey)
        == keyPackage.leafNode.signatureKey)
    #expect(keyPackage.initKey != keyPackage.leafNode.encryptionKey)
    // Survives the wire byte for byte.
    let decoded = try KeyPackage(tlsSerialized: try keyPackage.tlsSerialized())
    #expect(decoded == keyPackage)
  }

  @Test func lifetimeStartsAnHourAgoAndLastsTwelveWeeks() throws {
    let fixture = try KeyPackageFixture()
    let lifetime = try #require(fixture.keyPackage.leafNode.source.lifetime)
    #expect(lifetime.notBefore == kpNow - 3600)
    #expect(lifetime.notAfter == kpNow - 3600 + 12 * 7 * 24 * 3600)
    let custom = try KeyPackageFixture { $0.lifetime = 86_400 }
    #expect(
      custom.keyPackage.leafNode.source.lifetime
        == Lifetime(notBefore: kpNow - 3600, notAfter: kpNow - 3600 + 86_400))
  }

  @Test func lifetimeOverflowIsRejected() throws {
    #expect(throws: KeyPackageGenerationError.lifetimeOverflow) {
      _ = try KeyPackageFixture { $0.lifetime = UInt64.max }
    }
  }

  @Test func defaultCapabilitiesListSuitesCredentialsAndOnlyGrease() {
    let plain = KeyPackageBuilder.defaultCapabilities(grease: false)
    #expect(plain.versions == [.mls10])
    #expect(plain.cipherSuites == CipherSuite.all)
    #expect(plain.credentials == [.basic, .x509])
    #expect(plain.extensions.isEmpty)
    #expect(plain.proposals.isEmpty)
    let greased = KeyPackageBuilder.defaultCapabilities(grease: true)
    let isGrease: (UInt16) -> Bool = { $0 & 0x0F0F == 0x0A0A && ($0 >> 12) == ($0 >> 4) & 0x0F }
    #expect(greased.cipherSuites.count == 8 && isGrease(greased.cipherSuites[7].rawValue))
    #expect(greased.extensions.count == 1 && isGrease(greased.extensions[0].rawValue))
    #expect(greased.proposals.count == 1 && isGrease(greased.proposals[0].rawValue))
    #expect(greased.credentials.count == 3 && isGrease(greased.credentials[2].rawValue))
  }

  @Test func referenceIsRefHashOfTheEncodedKeyPackage() throws {
    let fixture = try KeyPackageFixture()
    var writer = TLSWriter()
    try writer.writeOpaque(Array("MLS 1.0 KeyPackage Reference".utf8))
    try writer.writeOpaque(try fixture.keyPackage.tlsSerialized())
    #expect(fixture.bundle.reference == (try fixture.provider.hash(writer.bytes)))
    #expect(fixture.bundle.reference.count == 32)
  }

  @Test func builderRefusesCapabilitiesThatContradictTheKeyPackage() throws {
    var noBasic = KeyPackageBuilder.defaultCapabilities(grease: false)
    noBasic.credentials = [.x509]
    #expect(throws: KeyPackageGenerationError.capabilitiesIncomplete("credential type 1")) {
      _ = try KeyPackageFixture { $0.capabilities = noBasic }
    }
    var noSuite = KeyPackageBuilder.defaultCapabilities(grease: false)
    noSuite.cipherSuites = [.p256Aes128Sha256P256]
    #expect(throws: KeyPackageGenerationError.capabilitiesIncomplete("cipher suite 1")) {
      _ = try KeyPackageFixture { $0.capabilities = noSuite }
    }
    var noVersion = KeyPackageBuilder.defaultCapabilities(grease: false)
    noVersion.versions = []
    #expect(throws: KeyPackageGenerationError.capabilitiesIncomplete("version mls10")) {
      _ = try KeyPackageFixture { $0.capabilities = noVersion }
    }
    let unlisted = Extension(extensionType: ExtensionType(rawValue: 0xFF00), extensionData: [])
    #expect(throws: KeyPackageGenerationError.capabilitiesIncomplete("extension type 65280")) {
      _ = try KeyPackageFixture { $0.extensions = [unlisted] }
    }
    #expect(throws: KeyPackageGenerationError.capabilitiesIncomplete("extension type 65280")) {
      _ = try KeyPackageFixture { $0.leafExtensions = [unlisted] }
    }
    // Default extension types need no listing.
    let appID = try Extension(ApplicationID(applicationID: Array("device-1".utf8)))
    let withAppID = try KeyPackageFixture { $0.leafExtensions = [appID] }
    _ = try kpValidator().validate(withAppID.keyPackage, in: kpContext())
  }

  @Test func generationWithAnUnknownSuiteFails() throws {
    let key = try CipherSuiteProvider(.x25519Aes128Sha256Ed25519).generateSignatureKeyPair()
    var capabilities = KeyPackageBuilder.defaultCapabilities(grease: false)
    capabilities.cipherSuites.append(CipherSuite(rawValue: 0x0A0A))
    let builder = KeyPackageBuilder(
      cipherSuite: CipherSuite(rawValue: 0x0A0A), credential: .basic(identity: [1]),
      signaturePrivateKey: key.privateKey, capabilities: capabilities)
    #expect(throws: KeyPackageGenerationError.crypto(.unsupportedCipherSuite(0x0A0A))) {
      _ = try builder.build()
    }
  }

  @Test func clocks() {
    #expect(FixedClock(42).now == 42)
    // Any real clock is well past 2023 and before 2200.
    let now = SystemClock().now
    #expect(now > kpNow && now < 7_258_118_400)
  }
}

@Suite("KeyPackages of the official vectors (welcome.json, passive-client-welcome.json)")
struct KeyPackageVectorTests {
  struct WelcomeCase: Decodable {
    let cipher_suite: UInt16
    let key_package: String
    let welcome: String
  }

  @Test func welcomeVectorKeyPackagesValidateAndTheirReferenceNamesTheWelcomeSecret() throws {
    let cases = try JSONDecoder().decode([WelcomeCase].self, from: try kpVectorFile("welcome.json"))
    #expect(cases.count == 7)
    // These leaves list suites 1-6 only even in suite-7 cases (NOTES.md trap 10).
    let options = LeafNodeValidationOptions(
      checksLifetime: false, maximumLifetime: nil, requiresGroupParametersInCapabilities: false)
    for testCase in cases {
      let suite = CipherSuite(rawValue: testCase.cipher_suite)
      let keyPackage = try kpFromMessageHex(testCase.key_package)
      let welcomeMessage = try MLSMessage(tlsSerialized: try #require(Hex.decode(testCase.welcome)))
      guard case .welcome(let welcome) = welcomeMessage.body else {
        Issue.record("welcome is not a Welcome")
        continue
      }
      let validated = try kpValidator(options: options).validate(keyPackage, in: kpContext(suite))
      #expect(welcome.secrets.map(\.newMember).contains(validated.reference))
      var tampered = keyPackage
      tampered.signature[0] ^= 1
      #expect(
        kpRejection {
          _ = try kpValidator(options: options).validate(tampered, in: kpContext(suite))
        } == .signatureInvalid)
    }
  }

  struct PassiveCase: Decodable {
    let cipher_suite: UInt16
    let key_package: String
  }

  @Test func passiveClientKeyPackagesExpiredAndValidateWithLifetimeChecksOff() throws {
    let cases = try JSONDecoder().decode(
      [PassiveCase].self, from: try kpVectorFile("passive-client-welcome.json"))
    #expect(cases.count == 56)
    let relaxed = LeafNodeValidationOptions(
      checksLifetime: false, requiresGroupParametersInCapabilities: false)
    for testCase in cases {
      let suite = CipherSuite(rawValue: testCase.cipher_suite)
      let keyPackage = try kpFromMessageHex(testCase.key_package)
      _ = try kpValidator(options: relaxed).validate(keyPackage, in: kpContext(suite))
      let lifetime = try #require(keyPackage.leafNode.source.lifetime)
      // NOTES.md trap 8: these expired in 2024, so today's clock rejects them.
      var strict = relaxed
      strict.checksLifetime = true
      strict.maximumLifetime = nil
      let now = SystemClock().now
      let error = kpRejection {
        _ = try KeyPackageValidator(
          authenticationService: BasicCredentialAuthenticator(), clock: SystemClock(),
          options: strict
        ).validate(keyPackage, in: kpContext(suite))
      }
      guard case .leafNode(.lifetimeExpired(let notAfter, let seen)) = error else {
        Issue.record("expected lifetimeExpired, got \(String(describing: error))")
        continue
      }
      #expect(notAfter == lifetime.notAfter && seen >= now)
    }
  }
}
