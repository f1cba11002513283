import MLSCodec
import MLSCrypto

extension Framing {
  /// The length of `reuse_guard`. RFC 9420 §6.3.2.
  static let reuseGuardLength = 4

  /// Encrypts `authenticated` as a PrivateMessage from a member. RFC 9420 §6.3.
  ///
  /// The content key comes from the sender's handshake ratchet (proposals, commits) or
  /// application ratchet, at its next generation. A fresh random reuse guard is XORed into the
  /// nonce, so a sender that lost its state and reuses a generation still does not reuse a
  /// nonce (§6.3.2). The sender data is then encrypted under a key derived from a sample of
  /// the content ciphertext.
  public static func protectPrivate(
    _ authenticated: AuthenticatedContent, keys: inout FramingKeys,
    padding: PaddingPolicy = .none, provider: CipherSuiteProvider
  ) throws(FramingError) -> PrivateMessage {
    guard authenticated.wireFormat == .privateMessage else {
      throw .wireFormatMismatch(expected: .privateMessage, received: authenticated.wireFormat)
    }
    let content = authenticated.content
    let contentType = content.contentType
    guard case .member(let leaf) = content.sender else {
      throw .senderNotAllowed(senderType: content.sender.senderTypeCode, contentType: contentType)
    }
    try checkGroupAndEpoch(groupID: content.groupID, epoch: content.epoch, keys: keys)
    try checkAuth(authenticated.auth, contentType)

    var plaintext = try encode(
      PrivateMessageContent(content: content.content, auth: authenticated.auth),
      "PrivateMessageContent")
    let paddingLength = padding.paddingLength(forPlaintextLength: plaintext.count)
    plaintext.append(contentsOf: repeatElement(UInt8(0), count: paddingLength))

    let ratchetKey: RatchetKey
    do throws(SecretTreeError) {
      ratchetKey = try keys.secretTree.nextKey(for: leaf, kind: ratchetKind(contentType))
    } catch {
      throw .keyUnavailable(error)
    }
    let reuseGuard = try crypto { () throws(CryptoError) -> [UInt8] in
      try SecureRandom.publicBytes(reuseGuardLength)
    }
    let aad = try encode(
      PrivateContentAAD(
        groupID: content.groupID, epoch: content.epoch, contentType: contentType,
        authenticatedData: content.authenticatedData),
      "PrivateContentAAD")
    let nonce = applyReuseGuard(reuseGuard, to: ratchetKey.nonce)
    // One cipher context for the content and the sender data, each under its own key.
    let aead = try aeadContext(provider)
    let ciphertext = try crypto { () throws(CryptoError) -> [UInt8] in
      try aead.seal(key: ratchetKey.key, nonce: nonce, aad: aad, plaintext: plaintext)
    }

    let senderData = SenderData(
      leafIndex: leaf, generation: ratchetKey.generation, reuseGuard: reuseGuard)
    let encryptedSenderData = try sealSenderData(
      senderData, ciphertext: ciphertext, content: content, keys: keys, provider: provider,
      aead: aead)
    return PrivateMessage(
      groupID: content.groupID, epoch: content.epoch, contentType: contentType,
      authenticatedData: content.authenticatedData, encryptedSenderData: encryptedSenderData,
      ciphertext: ciphertext)
  }

  /// Decrypts a PrivateMessage and rebuilds its AuthenticatedContent. RFC 9420 §6.3.
  ///
  /// Checks group and epoch, decrypts the sender data, requires the sender leaf to be in the
  /// tree and `isMember`, then decrypts the content with the key of the stated generation. That
  /// key is deleted only if decryption succeeds (§9.2), so a forgery cannot burn it; once used
  /// it is gone, so a replay fails with `.keyUnavailable`. Padding must be zero. The signature
  /// is NOT verified here: the caller knows the sender's key.
  public static func unprotectPrivate(
    _ message: PrivateMessage, keys: inout FramingKeys, isMember: (LeafIndex) -> Bool,
    provider: CipherSuiteProvider
  ) throws(FramingError) -> AuthenticatedContent {
    try unprotectPrivate(
      message, keys: &keys, isMember: isMember, provider: provider, authenticate: { _ in })
  }

  /// `unprotectPrivate` that also runs `authenticate` (the caller's signature check) before
  /// the content key is consumed. RFC 9420 §6.3, §9.2.
  ///
  /// The key is deleted only when decryption, decoding AND `authenticate` succeed, so a caller
  /// can work on its live keys in place (no copy of the secret tree to discard on failure)
  /// and a refused message changes nothing (`SecretTree.withKey`).
  public static func unprotectPrivate(
    _ message: PrivateMessage, keys: inout FramingKeys, isMember: (LeafIndex) -> Bool,
    provider: CipherSuiteProvider,
    authenticate: (AuthenticatedContent) throws(FramingError) -> Void
  ) throws(FramingError) -> AuthenticatedContent {
    try checkGroupAndEpoch(groupID: message.groupID, epoch: message.epoch, keys: keys)
    // One cipher context for the sender data and the content, each under its own key.
    let aead = try aeadContext(provider)
    let senderData = try openSenderData(message, keys: keys, provider: provider, aead: aead)
    let leaf = senderData.leafIndex
    let leafCount = keys.secretTree.leafCount
    guard leaf.rawValue < leafCount else {
      throw .senderLeafOutOfRange(leaf: leaf.rawValue, leafCount: leafCount)
    }
    guard isMember(leaf) else { throw .senderLeafBlank(leaf: leaf.rawValue) }

    let aad = try encode(
      PrivateContentAAD(
        groupID: message.groupID, epoch: message.epoch, contentType: message.contentType,
        authenticatedData: message.authenticatedData),
      "PrivateContentAAD")
    let opened: Result<AuthenticatedContent, FramingError>
    do throws(SecretTreeError) {
      opened = try keys.secretTree.withKey(
        for: leaf, kind: ratchetKind(message.contentType), generation: senderData.generation
      ) { (ratchetKey) throws(FramingError) -> AuthenticatedContent in
        let nonce = applyReuseGuard(senderData.reuseGuard, to: ratchetKey.nonce)
        let plaintext: [UInt8]
        do throws(CryptoError) {
          plaintext = try aead.open(
            key: ratchetKey.key, nonce: nonce, aad: aad, ciphertext: message.ciphertext)
        } catch .authenticationFailed {
          throw .decryptionFailed
        } catch {
          throw .crypto(error)
        }
        let decoded = try decodeContent(plaintext, contentType: message.contentType)
        let content = FramedContent(
          groupID: message.groupID, epoch: message.epoch, sender: .member(leaf),
          authenticatedData: message.authenticatedData, content: decoded.content)
        let authenticated = AuthenticatedContent(
          wireFormat: .privateMessage, content: content, auth: decoded.auth)
        try authenticate(authenticated)
        return authenticated
      }
    } catch {
      throw .keyUnavailable(error)
    }
    return try opened.get()
  }

  // MARK: - Helpers

  /// Proposals and commits use the handshake ratchet, application data its own. RFC 9420 §9.
  static func ratchetKind(_ contentType: ContentType) -> RatchetKind {
    contentType == .application ? .application : .handshake
  }

  /// XORs the reuse guard into the first four bytes of the nonce. RFC 9420 §6.3.2.
  static func applyReuseGuard(_ reuseGuard: [UInt8], to nonce: [UInt8]) -> [UInt8] {
    var result = nonce
    for index in 0..<min(reuseGuard.count, result.count) {
      result[index] ^= reuseGuard[index]
    }
    return result
  }

  /// Encrypts the SenderData under the key and nonce derived from the ciphertext sample.
  /// RFC 9420 §6.3.2.
  static func sealSenderData(
    _ senderData: SenderData, ciphertext: [UInt8], content: FramedContent, keys: FramingKeys,
    provider: CipherSuiteProvider, aead: borrowing AEADContext
  ) throws(FramingError) -> [UInt8] {
    let plaintext = try encode(senderData, "SenderData")
    let aad = try encode(
      SenderDataAAD(
        groupID: content.groupID, epoch: content.epoch, contentType: content.contentType),
      "SenderDataAAD")
    let senderKeys = try senderDataKeys(ciphertext: ciphertext, keys: keys, provider: provider)
    return try crypto { () throws(CryptoError) -> [UInt8] in
      try aead.seal(key: senderKeys.key, nonce: senderKeys.nonce, aad: aad, plaintext: plaintext)
    }
  }

  /// The cipher context one message's AEAD operations share (`AEADContext`).
  static func aeadContext(_ provider: CipherSuiteProvider) throws(FramingError) -> AEADContext {
    do throws(CryptoError) {
      return try AEADContext(provider.aead)
    } catch {
      throw .crypto(error)
    }
  }

  /// Decrypts and decodes a message's SenderData. RFC 9420 §6.3.2.
  static func openSenderData(
    _ message: PrivateMessage, keys: FramingKeys, provider: CipherSuiteProvider
  ) throws(FramingError) -> SenderData {
    try openSenderData(message, keys: keys, provider: provider, aead: aeadContext(provider))
  }

  /// `openSenderData` on the message's shared cipher context.
  static func openSenderData(
    _ message: PrivateMessage, keys: FramingKeys, provider: CipherSuiteProvider,
    aead: borrowing AEADContext
  ) throws(FramingError) -> SenderData {
    let aad = try encode(
      SenderDataAAD(
        groupID: message.groupID, epoch: message.epoch, contentType: message.contentType),
      "SenderDataAAD")
    let senderKeys = try senderDataKeys(
      ciphertext: message.ciphertext, keys: keys, provider: provider)
    let plaintext: [UInt8]
    do throws(CryptoError) {
      plaintext = try aead.open(
        key: senderKeys.key, nonce: senderKeys.nonce, aad: aad,
        ciphertext: message.encryptedSenderData)
    } catch .authenticationFailed {
      throw .senderDataDecryptionFailed
    } catch {
      throw .crypto(error)
    }
    do {
      return try SenderData(tlsSerialized: plaintext)
    } catch {
      throw .malformed("SenderData")
    }
  }

  static func senderDataKeys(
    ciphertext: [UInt8], keys: FramingKeys, provider: CipherSuiteProvider
  ) throws(FramingError) -> (key: SecretBytes, nonce: [UInt8]) {
    do throws(SecretTreeError) {
      if let key = keys.senderDataKey, key.hash == provider.hash {
        return try SenderDataKeys.derive(
          senderDataKey: key, ciphertext: ciphertext, provider: provider)
      }
      return try SenderDataKeys.derive(
        senderDataSecret: keys.senderDataSecret, ciphertext: ciphertext, provider: provider)
    } catch .crypto(let error) {
      throw .crypto(error)
    } catch {
      throw .keyUnavailable(error)
    }
  }

  /// Decodes a decrypted PrivateMessageContent, telling non-zero padding from other faults.
  static func decodeContent(
    _ plaintext: [UInt8], contentType: ContentType
  ) throws(FramingError) -> PrivateMessageContent {
    do {
      return try PrivateMessageContent(plaintext: plaintext, contentType: contentType)
    } catch MessageError.nonZeroPadding {
      throw .nonZeroPadding
    } catch {
      throw .malformed("PrivateMessageContent")
    }
  }
}
