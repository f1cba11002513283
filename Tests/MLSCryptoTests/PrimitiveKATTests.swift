import MLSCodec
import MLSCrypto
import Testing

@Suite("Hash known answers (FIPS 180-4 \"abc\")")
struct DigestKATTests {
  @Test func sha256abc() throws {
    let expected = try hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(try Digest.hash(.sha256, ascii("abc")) == expected)
  }

  @Test func sha384abc() throws {
    let expected = try hex(
      "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
        + "8086072ba1e7cc2358baeca134c825a7")
    #expect(try Digest.hash(.sha384, ascii("abc")) == expected)
  }

  @Test func sha512abc() throws {
    let expected = try hex(
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
        + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
    #expect(try Digest.hash(.sha512, ascii("abc")) == expected)
  }

  @Test func sha256Empty() throws {
    let expected = try hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(try Digest.hash(.sha256, []) == expected)
  }
}

@Suite("HMAC known answers (RFC 4231)")
struct HMACKATTests {
  let key1 = [UInt8](repeating: 0x0b, count: 20)

  @Test func case1() throws {
    let data = ascii("Hi There")
    #expect(
      try HMAC.mac(.sha256, key: key1, data: data)
        == hex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"))
    #expect(
      try HMAC.mac(.sha384, key: key1, data: data)
        == hex(
          "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
            + "faea9ea9076ede7f4af152e8b2fa9cb6"))
    #expect(
      try HMAC.mac(.sha512, key: key1, data: data)
        == hex(
          "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
            + "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"))
  }

  @Test func case2() throws {
    let key = ascii("Jefe")
    let data = ascii("what do ya want for nothing?")
    #expect(
      try HMAC.mac(.sha256, key: key, data: data)
        == hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"))
    #expect(
      try HMAC.mac(.sha384, key: key, data: data)
        == hex(
          "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
            + "8e2240ca5e69e2c78b3239ecfab21649"))
    #expect(
      try HMAC.mac(.sha512, key: key, data: data)
        == hex(
          "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
            + "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"))
  }

  @Test func secretKeyOverloadMatches() throws {
    let data = ascii("Hi There")
    #expect(
      try HMAC.mac(.sha256, key: SecretBytes(key1), data: data)
        == hex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"))
  }

  /// HMAC zero-pads keys, so the empty key equals a block of zeros (RFC 2104 §2).
  @Test func emptyKeyAndDataEqualZeroKey() throws {
    let empty = try HMAC.mac(.sha256, key: [], data: [])
    let zeros = try HMAC.mac(.sha256, key: [UInt8](repeating: 0, count: 64), data: [])
    #expect(empty == zeros)
    #expect(
      empty == (try hex("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")))
  }
}

@Suite("HKDF known answers (RFC 5869 A.1-A.3)")
struct HKDFKATTests {
  @Test func case1() throws {
    let ikm = [UInt8](repeating: 0x0b, count: 22)
    let salt = try hex("000102030405060708090a0b0c")
    let info = try hex("f0f1f2f3f4f5f6f7f8f9")
    let prk = try HKDF.extract(.sha256, salt: salt, ikm: ikm)
    #expect(prk == (try hex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5")))
    let okm = try HKDF.expand(.sha256, prk: prk, info: info, length: 42)
    #expect(
      okm
        == (try hex(
          "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")))
    // The SecretBytes overloads produce the same bytes.
    let secretPRK = try HKDF.extract(.sha256, salt: SecretBytes(salt), ikm: SecretBytes(ikm))
    #expect(secretPRK.revealed() == prk)
    #expect(try HKDF.expand(.sha256, prk: secretPRK, info: info, length: 42).revealed() == okm)
  }

  @Test func case2LongInputs() throws {
    let ikm = (0x00...0x4f).map { UInt8($0) }
    let salt = (0x60...0xaf).map { UInt8($0) }
    let info = (0xb0...0xff).map { UInt8($0) }
    let prk = try HKDF.extract(.sha256, salt: salt, ikm: ikm)
    #expect(prk == (try hex("06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244")))
    let okm = try HKDF.expand(.sha256, prk: prk, info: info, length: 82)
    let expected = try hex(
      "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
        + "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
        + "cc30c58179ec3e87c14c01d5c1f3434f1d87")
    #expect(okm == expected)
  }

  @Test func case3EmptySaltAndInfo() throws {
    let ikm = [UInt8](repeating: 0x0b, count: 22)
    let prk = try HKDF.extract(.sha256, salt: [], ikm: ikm)
    #expect(prk == (try hex("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04")))
    let okm = try HKDF.expand(.sha256, prk: prk, info: [], length: 42)
    #expect(
      okm
        == (try hex(
          "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8")))
  }

  /// Several expands under one PRK (HMAC keyed once) give the RFC 5869 A.1 output and the
  /// same bytes as separate expands, whatever the order, lengths (multi-block, zero) and infos.
  @Test func expandManyMatchesSeparateExpands() throws {
    let prk = try hex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5")
    let info = try hex("f0f1f2f3f4f5f6f7f8f9")
    let longInfo = (0xb0...0xff).map { UInt8($0) }
    let requests: [(info: [UInt8], length: Int)] = [
      ([], 0), (info, 42), (longInfo, 82), ([], 7), (info, 42), ([], 32),
    ]
    let outputs = try HKDF.expand(.sha256, prk: SecretBytes(prk), requests: requests)
    #expect(outputs.count == requests.count)
    #expect(
      outputs[1].revealed()
        == (try hex(
          "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")))
    for (output, request) in zip(outputs, requests) {
      let separate = try HKDF.expand(.sha256, prk: prk, info: request.info, length: request.length)
      #expect(output.revealed() == separate)
    }
    #expect(throws: CryptoError.invalidLength("HKDF-Expand length")) {
      try HKDF.expand(.sha256, prk: SecretBytes(prk), requests: [(info, 32), (info, 255 * 32 + 1)])
    }
    #expect(try HKDF.expand(.sha256, prk: SecretBytes(prk), requests: []).isEmpty)
  }

  @Test func expandLengthLimits() throws {
    let prk = [UInt8](repeating: 1, count: 32)
    #expect(try HKDF.expand(.sha256, prk: prk, info: [], length: 0).isEmpty)
    #expect(try HKDF.expand(.sha256, prk: prk, info: [], length: 255 * 32).count == 255 * 32)
    #expect(throws: CryptoError.invalidLength("HKDF-Expand length")) {
      try HKDF.expand(.sha256, prk: prk, info: [], length: 255 * 32 + 1)
    }
    #expect(throws: CryptoError.invalidLength("HKDF-Expand length")) {
      try HKDF.expand(.sha512, prk: SecretBytes(prk), info: [], length: -1)
    }
  }

  /// OpenSSL 3.0's own HKDF silently fails above 32 KiB of info; ours must not. The expected
  /// value is the RFC 5869 definition computed with HMAC directly.
  @Test func infoAbove32KiB() throws {
    let prk = [UInt8](repeating: 7, count: 32)
    let info = [UInt8](repeating: 0xa5, count: 40_000)
    let okm = try HKDF.expand(.sha256, prk: prk, info: info, length: 40)
    let t1 = try HMAC.mac(.sha256, key: prk, data: info + [1])
    let t2 = try HMAC.mac(.sha256, key: prk, data: t1 + info + [2])
    #expect(okm == Array((t1 + t2).prefix(40)))
  }
}

@Suite("AEAD known answers and rejections")
struct AEADKATTests {
  // McGrew-Viega GCM specification test cases 2-4 (AES-128) and 14-16 (AES-256).
  static let gcmPlaintext =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
  static let gcmNonce = "cafebabefacedbaddecaf888"
  static let gcmAAD = "feedfacedeadbeeffeedfacedeadbeefabaddad2"
  static let gcmKey128 = "feffe9928665731c6d6a8f9467308308"

  @Test func aes128GCMCase2() throws {
    let sealed = try AEAD.seal(
      .aes128GCM, key: [UInt8](repeating: 0, count: 16), nonce: [UInt8](repeating: 0, count: 12),
      aad: [], plaintext: [UInt8](repeating: 0, count: 16))
    #expect(
      sealed == (try hex("0388dace60b6a392f328c2b971b2fe78" + "ab6e47d42cec13bdf53a67b21257bddf")))
  }

  @Test func aes128GCMCase3And4() throws {
    let key = try hex(Self.gcmKey128)
    let nonce = try hex(Self.gcmNonce)
    let plaintext = try hex(Self.gcmPlaintext)
    let case3 = try AEAD.seal(.aes128GCM, key: key, nonce: nonce, aad: [], plaintext: plaintext)
    let expected3 = try hex(
      "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
        + "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985"
        + "4d5c2af327cd64a62cf35abd2ba6fab4")
    #expect(case3 == expected3)

    let aad = try hex(Self.gcmAAD)
    let plaintext4 = Array(plaintext.prefix(60))
    let case4 = try AEAD.seal(
      .aes128GCM, key: SecretBytes(key), nonce: nonce, aad: aad, plaintext: plaintext4)
    let expected4 = try hex(
      "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
        + "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
        + "5bc94fbc3221a5db94fae95ae7121a47")
    #expect(case4 == expected4)
    #expect(
      try AEAD.open(.aes128GCM, key: key, nonce: nonce, aad: aad, ciphertext: expected4)
        == plaintext4)
  }

  @Test func aes256GCMCase13EmptyPlaintext() throws {
    let sealed = try AEAD.seal(
      .aes256GCM, key: [UInt8](repeating: 0, count: 32), nonce: [UInt8](repeating: 0, count: 12),
      aad: [], plaintext: [])
    #expect(sealed == (try hex("530f8afbc74536b9a963b4f1c4cb738b")))
    #expect(
      try AEAD.open(
        .aes256GCM, key: [UInt8](repeating: 0, count: 32), nonce: [UInt8](repeating: 0, count: 12),
        aad: [], ciphertext: sealed
      ).isEmpty)
  }

  @Test func aes256GCMCase15And16() throws {
    let key = try hex(Self.gcmKey128 + Self.gcmKey128)
    let nonce = try hex(Self.gcmNonce)
    let plaintext = try hex(Self.gcmPlaintext)
    let case15 = try AEAD.seal(.aes256GCM, key: key, nonce: nonce, aad: [], plaintext: plaintext)
    let expected15 = try hex(
      "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
        + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad"
        + "b094dac5d93471bdec1a502270e3cc6c")
    #expect(case15 == expected15)

    let aad = try hex(Self.gcmAAD)
    let expected16 = try hex(
      "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
        + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
        + "76fc6ece0f4e1768cddf8853bb2d551b")
    let case16 = try AEAD.seal(
      .aes256GCM, key: key, nonce: nonce, aad: aad, plaintext: Array(plaintext.prefix(60)))
    #expect(case16 == expected16)
    #expect(
      try AEAD.open(.aes256GCM, key: SecretBytes(key), nonce: nonce, aad: aad, ciphertext: case16)
        == Array(plaintext.prefix(60)))
  }

  /// RFC 8439 §2.8.2.
  @Test func chaCha20Poly1305RFC8439() throws {
    let plaintext = ascii(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future,"
        + " sunscreen would be it.")
    let key = (0x80...0x9f).map { UInt8($0) }
    let nonce = try hex("070000004041424344454647")
    let aad = try hex("50515253c0c1c2c3c4c5c6c7")
    let expected = try hex(
      "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
        + "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
        + "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
        + "3ff4def08e4b7a9de576d26586cec64b6116"
        + "1ae10b594f09e26a7e902ecbd0600691")
    let sealed = try AEAD.seal(
      .chaCha20Poly1305, key: key, nonce: nonce, aad: aad, plaintext: plaintext)
    #expect(sealed == expected)
    #expect(
      try AEAD.open(.chaCha20Poly1305, key: key, nonce: nonce, aad: aad, ciphertext: sealed)
        == plaintext)
  }

  static let algorithms: [AEADAlgorithm] = [.aes128GCM, .aes256GCM, .chaCha20Poly1305]

  @Test(arguments: algorithms)
  func tamperingRejected(_ alg: AEADAlgorithm) throws {
    let key = [UInt8](repeating: 0x42, count: alg.keyLength)
    let nonce = [UInt8](repeating: 0x24, count: alg.nonceLength)
    let aad = ascii("header")
    let sealed = try AEAD.seal(alg, key: key, nonce: nonce, aad: aad, plaintext: ascii("hello"))
    #expect(
      try AEAD.open(alg, key: key, nonce: nonce, aad: aad, ciphertext: sealed) == ascii("hello"))

    var flippedBody = sealed
    flippedBody[0] ^= 0x01
    var flippedTag = sealed
    flippedTag[sealed.count - 1] ^= 0x80
    var otherKey = key
    otherKey[3] ^= 0x10
    var otherNonce = nonce
    otherNonce[11] ^= 0x01
    let failure = CryptoError.authenticationFailed
    #expect(throws: failure) {
      try AEAD.open(alg, key: key, nonce: nonce, aad: aad, ciphertext: flippedBody)
    }
    #expect(throws: failure) {
      try AEAD.open(alg, key: key, nonce: nonce, aad: aad, ciphertext: flippedTag)
    }
    #expect(throws: failure) {
      try AEAD.open(alg, key: key, nonce: nonce, aad: ascii("headeR"), ciphertext: sealed)
    }
    #expect(throws: failure) {
      try AEAD.open(alg, key: key, nonce: nonce, aad: [], ciphertext: sealed)
    }
    #expect(throws: failure) {
      try AEAD.open(alg, key: otherKey, nonce: nonce, aad: aad, ciphertext: sealed)
    }
    #expect(throws: failure) {
      try AEAD.open(alg, key: key, nonce: otherNonce, aad: aad, ciphertext: sealed)
    }
    #expect(throws: failure) {
      try AEAD.open(alg, key: key, nonce: nonce, aad: aad, ciphertext: Array(sealed.prefix(15)))
    }
    #expect(throws: failure) {
      try AEAD.open(alg, key: key, nonce: nonce, aad: aad, ciphertext: Array(sealed.dropFirst()))
    }
    // A good open after failures still works (no stale OpenSSL error state).
    #expect(
      try AEAD.open(alg, key: key, nonce: nonce, aad: aad, ciphertext: sealed) == ascii("hello"))
  }

  @Test(arguments: algorithms)
  func wrongSizesRejected(_ alg: AEADAlgorithm) throws {
    let nonce = [UInt8](repeating: 0, count: alg.nonceLength)
    for keyLength in [0, 15, 24, alg.keyLength + 1] where keyLength != alg.keyLength {
      let key = [UInt8](repeating: 1, count: keyLength)
      #expect(throws: CryptoError.invalidLength("AEAD key")) {
        try AEAD.seal(alg, key: key, nonce: nonce, aad: [], plaintext: [1])
      }
      #expect(throws: CryptoError.invalidLength("AEAD key")) {
        try AEAD.open(
          alg, key: SecretBytes(key), nonce: nonce, aad: [],
          ciphertext: [UInt8](repeating: 0, count: 17))
      }
    }
    let key = [UInt8](repeating: 1, count: alg.keyLength)
    for nonceLength in [0, 8, 11, 13, 16] {
      let badNonce = [UInt8](repeating: 0, count: nonceLength)
      #expect(throws: CryptoError.invalidLength("AEAD nonce")) {
        try AEAD.seal(alg, key: key, nonce: badNonce, aad: [], plaintext: [1])
      }
      #expect(throws: CryptoError.invalidLength("AEAD nonce")) {
        try AEAD.open(
          alg, key: key, nonce: badNonce, aad: [], ciphertext: [UInt8](repeating: 0, count: 17))
      }
    }
  }
}

@Suite("Secure random")
struct SecureRandomTests {
  @Test func lengthsAndFreshness() throws {
    let a = try SecureRandom.bytes(32)
    let b = try SecureRandom.bytes(32)
    #expect(a.count == 32)
    #expect(a != b)
    #expect(try SecureRandom.bytes(0).isEmpty)
    let s = try SecureRandom.secret(48)
    #expect(s.count == 48)
    #expect(s.revealed() != [UInt8](repeating: 0, count: 48))
    #expect(throws: CryptoError.invalidLength("random length exceeds Int32")) {
      try SecureRandom.bytes(-1)
    }
  }
}
