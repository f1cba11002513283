import MLSCodec
import Testing

@testable import MLSCrypto

/// `SecretBytes.withDerivedBytes`: a derivation computed once per secret and kept with it,
/// used for libsodium's expanded Ed25519 key.
@Suite("Derived secret bytes (expanded Ed25519 keys)")
struct SecretBytesDerivationTests {
  final class Counter: @unchecked Sendable {
    var calls = 0
  }

  static func xorDerive(_ counter: Counter)
    -> (UnsafeRawBufferPointer, UnsafeMutableRawBufferPointer) throws(CryptoError) -> Void
  {
    { source, out in
      counter.calls += 1
      for index in out.indices { out[index] = source[index % source.count] ^ 0xFF }
    }
  }

  @Test("The derivation runs once per secret; copies share it; other secrets get their own")
  func derivesOnce() throws {
    let counter = Counter()
    let secret = SecretBytes([1, 2, 3])
    let copy = secret
    let first = try secret.withDerivedBytes(count: 4, derive: Self.xorDerive(counter)) { Array($0) }
    let second = try copy.withDerivedBytes(count: 4, derive: Self.xorDerive(counter)) { Array($0) }
    #expect(first == [0xFE, 0xFD, 0xFC, 0xFE])
    #expect(second == first)
    #expect(counter.calls == 1)
    let other = SecretBytes([1, 2, 3])
    _ = try other.withDerivedBytes(count: 4, derive: Self.xorDerive(counter)) { Array($0) }
    #expect(counter.calls == 2)
  }

  @Test("A failed derivation is not kept")
  func failureNotCached() throws {
    let secret = SecretBytes([9, 9])
    let failing:
      (UnsafeRawBufferPointer, UnsafeMutableRawBufferPointer) throws(CryptoError) ->
        Void = { (_, _) throws(CryptoError) in throw CryptoError.library("test") }
    #expect(throws: CryptoError.library("test")) {
      try secret.withDerivedBytes(count: 2, derive: failing) { _ in }
    }
    let counter = Counter()
    let value = try secret.withDerivedBytes(count: 2, derive: Self.xorDerive(counter)) { Array($0) }
    #expect(value == [0xF6, 0xF6])
    #expect(counter.calls == 1)
  }

  @Test("Repeated signatures and the public key from one cached key match RFC 8032 test 2")
  func ed25519Repeated() throws {
    let secret = SecretBytes(
      try hex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"))
    let expected = try hex(
      "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
        + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")
    for _ in 0..<3 {
      #expect(try Signature.sign(.ed25519, privateKey: secret, message: [0x72]) == expected)
    }
    #expect(
      try Signature.publicKey(.ed25519, for: secret)
        == hex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"))
  }

  @Test("An Ed25519 key of the wrong length is rejected before any derivation")
  func ed25519WrongLength() {
    let short = SecretBytes([UInt8](repeating: 1, count: 31))
    #expect(throws: CryptoError.invalidPrivateKey("Ed25519 private key length")) {
      _ = try Signature.sign(.ed25519, privateKey: short, message: [])
    }
    #expect(throws: CryptoError.invalidPrivateKey("Ed25519 private key length")) {
      _ = try Signature.publicKey(.ed25519, for: short)
    }
  }
}
