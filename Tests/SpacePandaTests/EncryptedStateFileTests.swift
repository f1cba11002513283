import MLSCodec
import MLSCrypto
import Testing

@testable import SpacePanda

@Suite("Encrypted state file")
struct EncryptedStateFileTests {
  static let passphrase = "correct horse battery staple"
  static let state: [UInt8] = Array("group state: epoch 7, tree, secrets".utf8)
  static let sealer = EncryptedStateFile(parameters: cheapArgon2)

  // Offsets of the version 1 layout.
  static let saltOffset = 19
  static let nonceOffset = 35
  static let macOffset = 47
  static let ciphertextOffset = 79

  static func sealed(_ state: [UInt8] = state, associatedData: [UInt8] = []) throws -> [UInt8] {
    try sealer.seal(state, passphrase: passphrase, associatedData: associatedData)
  }

  /// Rewrites the trailing checksum so only the keyed checks can notice a change.
  static func rechecksummed(_ file: [UInt8]) throws -> [UInt8] {
    let body = Array(file.dropLast(32))
    return body + (try Digest.hash(.sha256, body))
  }

  @Test func argon2idKnownAnswer() throws {
    // Argon2id v1.3, m = 65536 KiB, t = 2, p = 1, password "password", salt "somesalt": the
    // reference implementation's test value.
    let key = try Argon2id.deriveKey(
      passphrase: "password", salt: Array("somesalt".utf8),
      parameters: Argon2Parameters(memoryKiB: 65_536, iterations: 2, lanes: 1))
    #expect(
      key.revealed()
        == Hex.bytes("09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7"))
  }

  @Test func argon2idRefusesOutOfBoundParameters() {
    let salt = [UInt8](repeating: 1, count: 16)
    let bad: [(Argon2Parameters, String)] = [
      (
        Argon2Parameters(memoryKiB: 31, iterations: 1, lanes: 4),
        "argon2 memory 31 KiB outside 32...1048576"
      ),
      (
        Argon2Parameters(memoryKiB: 64, iterations: 0, lanes: 4),
        "argon2 iterations 0 outside 1...16"
      ),
      (Argon2Parameters(memoryKiB: 64, iterations: 1, lanes: 0), "argon2 lanes 0 outside 1...16"),
      (
        Argon2Parameters(memoryKiB: 1 << 21, iterations: 1, lanes: 1),
        "argon2 memory 2097152 KiB outside 8...1048576"
      ),
    ]
    for (parameters, rule) in bad {
      #expect(throws: MLSError.invalidConfiguration(rule)) {
        try Argon2id.deriveKey(passphrase: "x", salt: salt, parameters: parameters)
      }
    }
  }

  @Test func roundTrip() throws {
    let file = try Self.sealed()
    #expect(file.count == 79 + Self.state.count + 16 + 32)
    #expect(Array(file.prefix(7)) == Array("SPMLS".utf8) + [1, 1])
    #expect(try Self.sealer.open(file, passphrase: Self.passphrase) == Self.state)
    // Fresh salt and nonce every time.
    let again = try Self.sealed()
    #expect(Array(again[19..<47]) != Array(file[19..<47]))
  }

  @Test func emptyStateRoundTrips() throws {
    let file = try Self.sealed([])
    #expect(file.count == EncryptedStateFile.minimumLength)
    #expect(try Self.sealer.open(file, passphrase: Self.passphrase) == [])
  }

  @Test func defaultCostRoundTrip() throws {
    let sealer = EncryptedStateFile()
    #expect(sealer.parameters == Argon2Parameters(memoryKiB: 65_536, iterations: 3, lanes: 4))
    let file = try sealer.seal(Self.state, passphrase: Self.passphrase)
    // m = 65536, t = 3, p = 4, big-endian, after magic, version, kdf.
    #expect(Array(file[7..<19]) == [0, 1, 0, 0, 0, 0, 0, 3, 0, 0, 0, 4])
    #expect(try sealer.open(file, passphrase: Self.passphrase) == Self.state)
  }

  @Test func wrongPassphrase() throws {
    let file = try Self.sealed()
    #expect(throws: MLSError.wrongPassphrase) {
      try Self.sealer.open(file, passphrase: "correct horse battery stapler")
    }
    #expect(throws: MLSError.wrongPassphrase) { try Self.sealer.open(file, passphrase: "") }
  }

  @Test func weakPassphraseRefusedOnSave() throws {
    #expect(throws: MLSError.weakPassphrase(minimumLength: 12)) {
      try Self.sealer.seal(Self.state, passphrase: "elevenchars")
    }
    let strict = EncryptedStateFile(
      passphrasePolicy: PassphrasePolicy(minimumLength: 16), parameters: cheapArgon2)
    #expect(throws: MLSError.weakPassphrase(minimumLength: 16)) {
      try strict.seal(Self.state, passphrase: "fifteen chars!!")
    }
    _ = try Self.sealer.seal(Self.state, passphrase: "twelve chars")
  }

  @Test func associatedDataMustMatch() throws {
    let file = try Self.sealed(associatedData: [1, 2, 3])
    #expect(
      try Self.sealer.open(file, passphrase: Self.passphrase, associatedData: [1, 2, 3])
        == Self.state)
    #expect(throws: MLSError.corruptedState("ciphertext authentication failed")) {
      try Self.sealer.open(file, passphrase: Self.passphrase, associatedData: [1, 2, 4])
    }
  }

  @Test func everyFlippedByteIsCorruption() throws {
    let file = try Self.sealed()
    for index in file.indices {
      var damaged = file
      damaged[index] ^= 0x01
      let expected =
        switch index {
        case 0..<5: "not a SpacePanda state file"
        case 5: "unsupported state file version 0"
        default: "checksum mismatch"
        }
      #expect(
        corruptionReason { _ = try Self.sealer.open(damaged, passphrase: Self.passphrase) }
          == expected, "byte \(index)")
    }
  }

  @Test func everyTruncationIsCorruption() throws {
    let file = try Self.sealed()
    for length in 0..<file.count {
      let reason = corruptionReason {
        _ = try Self.sealer.open(Array(file.prefix(length)), passphrase: Self.passphrase)
      }
      #expect(reason != nil, "length \(length)")
    }
    #expect(
      corruptionReason { _ = try Self.sealer.open(Array(file.prefix(100)), passphrase: "x") }
        == "file truncated")
    #expect(
      corruptionReason { _ = try Self.sealer.open(file + [0], passphrase: Self.passphrase) }
        == "checksum mismatch")
  }

  @Test func alteredCiphertextOrTagWithValidChecksumIsCorruption() throws {
    let file = try Self.sealed()
    for index in [Self.ciphertextOffset, Self.ciphertextOffset + 5, file.count - 33] {
      var altered = file
      altered[index] ^= 0x80
      #expect(throws: MLSError.corruptedState("ciphertext authentication failed")) {
        try Self.sealer.open(Self.rechecksummed(altered), passphrase: Self.passphrase)
      }
    }
  }

  @Test func alteredKeyInputsWithValidChecksumReadAsWrongPassphrase() throws {
    // Salt, nonce or MAC changed deliberately (checksum recomputed): the keyed MAC cannot tell
    // this from a wrong passphrase. Either way nothing decrypts.
    let file = try Self.sealed()
    for index in [Self.saltOffset, Self.nonceOffset + 11, Self.macOffset, Self.macOffset + 31] {
      var altered = file
      altered[index] ^= 0x01
      #expect(throws: MLSError.wrongPassphrase, "byte \(index)") {
        try Self.sealer.open(Self.rechecksummed(altered), passphrase: Self.passphrase)
      }
    }
  }

  @Test func headerFieldsAreCheckedBeforeKeyDerivation() throws {
    let file = try Self.sealed()
    let cases: [(Int, [UInt8], String)] = [
      (6, [9], "unknown key derivation function 9"),
      (7, [0, 0x20, 0, 0], "argon2 memory 2097152 KiB outside 32...1048576"),
      (7, [0, 0, 0, 16], "argon2 memory 16 KiB outside 32...1048576"),
      (11, [0xff, 0xff, 0xff, 0xff], "argon2 iterations 4294967295 outside 1...16"),
      (15, [0, 0, 0, 17], "argon2 lanes 17 outside 1...16"),
    ]
    for (offset, bytes, reason) in cases {
      var altered = file
      altered.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
      #expect(throws: MLSError.corruptedState(reason)) {
        try Self.sealer.open(Self.rechecksummed(altered), passphrase: Self.passphrase)
      }
    }
  }

  @Test func unknownVersionIsReportedBeforeTheChecksum() throws {
    var file = try Self.sealed()
    file[5] = 2
    #expect(throws: MLSError.corruptedState("unsupported state file version 2")) {
      try Self.sealer.open(file, passphrase: Self.passphrase)
    }
    #expect(throws: MLSError.corruptedState("unsupported state file version 2")) {
      try Self.sealer.open(Array(file.prefix(6)), passphrase: Self.passphrase)
    }
  }

  @Test func raisedButValidCostIsAuthenticated() throws {
    // A cheaper or dearer cost within bounds still fails: the header MAC covers it.
    var altered = try Self.sealed()
    altered[14] = 2  // iterations 1 -> 2
    #expect(throws: MLSError.wrongPassphrase) {
      try Self.sealer.open(Self.rechecksummed(altered), passphrase: Self.passphrase)
    }
  }
}

extension Hex {
  /// Test vectors are valid hex; an invalid literal yields an empty array (and a failed test).
  static func bytes(_ text: String) -> [UInt8] { decode(text) ?? [] }
}
