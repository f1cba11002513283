@_spi(Testing) import MLSCrypto
import Testing

/// A root CA, an intermediate CA and an end entity, generated at run time.
struct X509TestPKI {
  static let now: UInt64 = 1_700_000_000
  static let notBefore = now - 86_400
  static let notAfter = now + 365 * 86_400

  let rootSeed: SecretBytes
  let root: [UInt8]
  let intermediateSeed: SecretBytes
  let intermediate: [UInt8]
  let leafKey: [UInt8]
  let leaf: [UInt8]

  init(
    leafScheme: SignatureScheme = .ed25519, leafNotAfter: UInt64 = Self.notAfter,
    intermediateNotAfter: UInt64 = Self.notAfter, intermediateIsCA: Bool = true,
    rootName: String = "Test Root"
  ) throws {
    let rootPair = try Signature.generateKeyPair(.ed25519)
    rootSeed = rootPair.privateKey
    root = try X509TestCertificates.make(
      subject: rootName, subjectKey: rootPair.publicKey, subjectScheme: .ed25519,
      issuer: rootName, issuerSeed: rootSeed, notBefore: Self.notBefore,
      notAfter: Self.notAfter, isCA: true)
    let intermediatePair = try Signature.generateKeyPair(.ed25519)
    intermediateSeed = intermediatePair.privateKey
    intermediate = try X509TestCertificates.make(
      subject: "Test Intermediate", subjectKey: intermediatePair.publicKey,
      subjectScheme: .ed25519, issuer: rootName, issuerSeed: rootSeed,
      notBefore: Self.notBefore, notAfter: intermediateNotAfter, isCA: intermediateIsCA,
      serial: 2)
    leafKey = try Signature.generateKeyPair(leafScheme).publicKey
    leaf = try X509TestCertificates.make(
      subject: "alice@example.org", subjectKey: leafKey, subjectScheme: leafScheme,
      issuer: "Test Intermediate", issuerSeed: intermediateSeed, notBefore: Self.notBefore,
      notAfter: leafNotAfter, isCA: false, serial: 3)
  }

  var chain: [[UInt8]] { [leaf, intermediate] }
}

@Suite("X.509 chains (RFC 9420 §5.3, RFC 5280)")
struct X509Tests {
  func rejection(_ body: () throws -> Void) -> X509Error? {
    do {
      try body()
    } catch let error as X509Error {
      return error
    } catch {
      Issue.record("unexpected error \(error)")
      return nil
    }
    Issue.record("expected an X509Error")
    return nil
  }

  @Test(arguments: [
    SignatureScheme.ed25519, .ed448, .ecdsaP256SHA256, .ecdsaP384SHA384, .ecdsaP521SHA512,
  ])
  func goodChainIsAcceptedForEveryScheme(scheme: SignatureScheme) throws {
    let pki = try X509TestPKI(leafScheme: scheme)
    let verifier = try X509ChainVerifier(trustAnchors: [pki.root])
    let verified = try verifier.verify(
      chain: pki.chain, at: X509TestPKI.now, signatureKey: pki.leafKey)
    #expect(verified.publicKey == pki.leafKey)
    // The subject is the DER Name holding CN=alice@example.org.
    let commonName = Array("alice@example.org".utf8)
    #expect(verified.subject.first == 0x30)
    #expect(
      verified.subject.count > commonName.count
        && Array(verified.subject.suffix(commonName.count)) == commonName)
    #expect(try X509ChainVerifier.subject(ofCertificate: pki.leaf) == verified.subject)
  }

  @Test func pinnedIntermediateTerminatesAShortenedChain() throws {
    let pki = try X509TestPKI()
    let verifier = try X509ChainVerifier(trustAnchors: [pki.intermediate])
    _ = try verifier.verify(chain: [pki.leaf], at: X509TestPKI.now, signatureKey: pki.leafKey)
  }

  @Test func wrongTrustAnchorIsRejected() throws {
    let pki = try X509TestPKI()
    let other = try X509TestPKI(rootName: "Other Root")
    let verifier = try X509ChainVerifier(trustAnchors: [other.root])
    // 20: X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY.
    #expect(
      rejection {
        _ = try verifier.verify(chain: pki.chain, at: X509TestPKI.now, signatureKey: pki.leafKey)
      } == .untrusted(code: 20))
    // Same name, different key: the issuer's signature does not verify. 7: X509_V_ERR_CERT_SIGNATURE_FAILURE.
    let impostor = try X509TestPKI()
    let sameName = try X509ChainVerifier(trustAnchors: [impostor.root])
    #expect(
      rejection {
        _ = try sameName.verify(chain: pki.chain, at: X509TestPKI.now, signatureKey: pki.leafKey)
      } == .untrusted(code: 7))
  }

  @Test func missingIntermediateIsRejected() throws {
    let pki = try X509TestPKI()
    let verifier = try X509ChainVerifier(trustAnchors: [pki.root])
    #expect(
      rejection {
        _ = try verifier.verify(chain: [pki.leaf], at: X509TestPKI.now, signatureKey: pki.leafKey)
      } == .untrusted(code: 20))
  }

  @Test func issuerThatIsNotACAIsRejected() throws {
    let pki = try X509TestPKI(intermediateIsCA: false)
    let verifier = try X509ChainVerifier(trustAnchors: [pki.root])
    // 79: X509_V_ERR_INVALID_CA.
    #expect(
      rejection {
        _ = try verifier.verify(chain: pki.chain, at: X509TestPKI.now, signatureKey: pki.leafKey)
      } == .untrusted(code: 79))
  }

  @Test func tamperedCertificateSignatureIsRejected() throws {
    let pki = try X509TestPKI()
    var leaf = pki.leaf
    leaf[leaf.count - 1] ^= 0x01
    let verifier = try X509ChainVerifier(trustAnchors: [pki.root])
    #expect(
      rejection {
        _ = try verifier.verify(
          chain: [leaf, pki.intermediate], at: X509TestPKI.now, signatureKey: pki.leafKey)
      } == .untrusted(code: 7))
  }

  @Test func validityIsCheckedAtTheGivenTime() throws {
    let pki = try X509TestPKI(leafNotAfter: X509TestPKI.now + 10)
    let verifier = try X509ChainVerifier(trustAnchors: [pki.root])
    _ = try verifier.verify(chain: pki.chain, at: X509TestPKI.now, signatureKey: pki.leafKey)
    #expect(
      rejection {
        _ = try verifier.verify(
          chain: pki.chain, at: X509TestPKI.now + 11, signatureKey: pki.leafKey)
      } == .expired)
    // OpenSSL counts notAfter itself as expired (X509_cmp_time), a second before RFC 5280 does.
    _ = try verifier.verify(chain: pki.chain, at: X509TestPKI.now + 9, signatureKey: pki.leafKey)
    #expect(
      rejection {
        _ = try verifier.verify(
          chain: pki.chain, at: X509TestPKI.now + 10, signatureKey: pki.leafKey)
      } == .expired)
    #expect(
      rejection {
        _ = try verifier.verify(
          chain: pki.chain, at: X509TestPKI.notBefore - 1, signatureKey: pki.leafKey)
      } == .notYetValid)
    // An expired intermediate invalidates the chain too.
    let staleCA = try X509TestPKI(intermediateNotAfter: X509TestPKI.now - 1)
    let staleVerifier = try X509ChainVerifier(trustAnchors: [staleCA.root])
    #expect(
      rejection {
        _ = try staleVerifier.verify(
          chain: staleCA.chain, at: X509TestPKI.now, signatureKey: staleCA.leafKey)
      } == .expired)
  }

  @Test func keyOtherThanTheSignatureKeyIsRejected() throws {
    let pki = try X509TestPKI(leafScheme: .ecdsaP256SHA256)
    let verifier = try X509ChainVerifier(trustAnchors: [pki.root])
    let other = try Signature.generateKeyPair(.ecdsaP256SHA256).publicKey
    #expect(
      rejection {
        _ = try verifier.verify(chain: pki.chain, at: X509TestPKI.now, signatureKey: other)
      } == .publicKeyMismatch)
    // Same key, another scheme's encoding (raw X coordinate only) does not match either.
    #expect(
      rejection {
        _ = try verifier.verify(
          chain: pki.chain, at: X509TestPKI.now, signatureKey: Array(pki.leafKey[1..<33]))
      } == .publicKeyMismatch)
  }

  @Test func garbageIsRejectedWithTypedErrors() throws {
    let pki = try X509TestPKI()
    let verifier = try X509ChainVerifier(trustAnchors: [pki.root])
    let garbage: [UInt8] = [0x30, 0x03, 0x02, 0x01, 0x05]
    let check: ([[UInt8]]) -> X509Error? = { chain in
      rejection {
        _ = try verifier.verify(chain: chain, at: X509TestPKI.now, signatureKey: pki.leafKey)
      }
    }
    #expect(check([garbage]) == .malformedCertificate(index: 0))
    #expect(check([pki.leaf, garbage]) == .malformedCertificate(index: 1))
    #expect(check([[]]) == .malformedCertificate(index: 0))
    #expect(check([pki.leaf + [0x00], pki.intermediate]) == .malformedCertificate(index: 0))
    #expect(
      check([Array(pki.leaf.dropLast()), pki.intermediate]) == .malformedCertificate(index: 0))
    #expect(check([]) == .emptyChain)
    #expect(rejection { _ = try X509ChainVerifier(trustAnchors: []) } == .noTrustAnchors)
    #expect(
      rejection { _ = try X509ChainVerifier(trustAnchors: [pki.root, garbage]) }
        == .malformedTrustAnchor(index: 1))
    #expect(
      rejection { _ = try X509ChainVerifier.subject(ofCertificate: garbage) }
        == .malformedCertificate(index: 0))
  }
}
