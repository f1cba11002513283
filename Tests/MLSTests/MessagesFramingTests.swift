import MLS
import MLSCodec
import MLSCrypto
import Testing

func sampleContent(sender: Sender, content: MessageContent) -> FramedContent {
  FramedContent(
    groupID: [0xAA], epoch: 1, sender: sender, authenticatedData: [], content: content)
}

func sampleGroupContext() -> GroupContext {
  GroupContext(
    cipherSuite: .x25519Aes128Sha256Ed25519, groupID: [0xAA], epoch: 1, treeHash: [0x01],
    confirmedTranscriptHash: [0x02], extensions: [])
}

@Suite("Messages: framing (RFC 9420 §6)")
struct MessagesFramingTests {
  /// FramedContent for an application message from member 0: group_id, epoch, sender, aad,
  /// content_type, application_data.
  static let applicationContentHex =
    "01aa000000000000000101000000000001026869"

  @Test func publicMessageKnownBytes() throws {
    let message = MLSMessage(
      body: .publicMessage(
        PublicMessage(
          content: sampleContent(
            sender: .member(LeafIndex(0)), content: .application([0x68, 0x69])),
          auth: FramedContentAuthData(signature: [0x55], confirmationTag: nil),
          membershipTag: [0x77])))
    let hex = "00010001" + Self.applicationContentHex + "01550177"
    #expect(Hex.encode(try message.tlsSerialized()) == hex)
    let decoded = try MLSMessage(tlsSerialized: Hex.decode(hex) ?? [])
    #expect(decoded == message)
    #expect(decoded.wireFormat == .publicMessage)
  }

  @Test func publicMessageFromExternalSenderHasNoMembershipTag() throws {
    let proposal = Proposal.remove(Remove(removed: LeafIndex(5)))
    let message = PublicMessage(
      content: sampleContent(sender: .external(senderIndex: 2), content: .proposal(proposal)),
      auth: FramedContentAuthData(signature: [0x55], confirmationTag: nil), membershipTag: nil)
    let bytes = try message.tlsSerialized()
    // sender 02 00000002; content_type 02; proposal 0003 00000005; signature 01 55; no tag.
    let tail = "020000000200020003000000050155"
    #expect(Hex.encode(bytes).hasSuffix(tail))
    #expect(try PublicMessage(tlsSerialized: bytes) == message)
  }

  @Test func publicMessageTagRules() {
    let application = sampleContent(sender: .member(LeafIndex(0)), content: .application([]))
    let noTag = FramedContentAuthData(signature: [], confirmationTag: nil)
    #expect(throws: MessageError.membershipTagMismatch(senderIsMember: true)) {
      try PublicMessage(content: application, auth: noTag, membershipTag: nil).tlsSerialized()
    }
    let external = sampleContent(sender: .newMemberProposal, content: .application([]))
    #expect(throws: MessageError.membershipTagMismatch(senderIsMember: false)) {
      try PublicMessage(content: external, auth: noTag, membershipTag: [1]).tlsSerialized()
    }
    let commit = sampleContent(
      sender: .member(LeafIndex(0)), content: .commit(Commit(proposals: [], path: nil)))
    #expect(throws: MessageError.confirmationTagMismatch(isCommit: true)) {
      try PublicMessage(content: commit, auth: noTag, membershipTag: [1]).tlsSerialized()
    }
    let tagged = FramedContentAuthData(signature: [], confirmationTag: [9])
    #expect(throws: MessageError.confirmationTagMismatch(isCommit: false)) {
      try PublicMessage(content: application, auth: tagged, membershipTag: [1]).tlsSerialized()
    }
  }

  @Test func commitCarriesConfirmationTag() throws {
    let commit = Commit(
      proposals: [.reference([0xF0, 0xF1]), .proposal(.remove(Remove(removed: LeafIndex(1))))],
      path: nil)
    let content = sampleContent(sender: .newMemberCommit, content: .commit(commit))
    let authenticated = AuthenticatedContent(
      wireFormat: .publicMessage, content: content,
      auth: FramedContentAuthData(signature: [0x01], confirmationTag: [0x02, 0x03]))
    let bytes = try authenticated.tlsSerialized()
    let commitHex = "0b0202f0f10100030000000100"
    let suffix = "040003" + commitHex + "0101020203"
    #expect(Hex.encode(bytes).hasSuffix(suffix))
    #expect(try AuthenticatedContent(tlsSerialized: bytes) == authenticated)
  }

  @Test func framedContentTBSIncludesContextOnlyForMemberSenders() throws {
    let context = sampleGroupContext()
    let member = sampleContent(sender: .member(LeafIndex(0)), content: .application([0x68, 0x69]))
    let tbs = FramedContentTBS(wireFormat: .privateMessage, content: member, context: context)
    let expected =
      [0x00, 0x01, 0x00, 0x02] + (try member.tlsSerialized()) + (try context.tlsSerialized())
    #expect(try tbs.tlsSerialized() == expected)
    #expect(throws: MessageError.missingGroupContext) {
      try FramedContentTBS(wireFormat: .publicMessage, content: member, context: nil)
        .tlsSerialized()
    }
    let newCommit = sampleContent(
      sender: .newMemberCommit, content: .commit(Commit(proposals: [], path: nil)))
    #expect(throws: MessageError.missingGroupContext) {
      try FramedContentTBS(wireFormat: .publicMessage, content: newCommit, context: nil)
        .tlsSerialized()
    }
    let external = sampleContent(sender: .external(senderIndex: 0), content: .application([]))
    let externalTBS = FramedContentTBS(
      wireFormat: .publicMessage, content: external, context: context)
    #expect(try externalTBS.tlsSerialized() == [0x00, 0x01, 0x00, 0x01] + external.tlsSerialized())
  }

  @Test func authenticatedContentTBMIsTBSThenAuth() throws {
    let content = sampleContent(sender: .member(LeafIndex(3)), content: .application([]))
    let tbs = FramedContentTBS(
      wireFormat: .publicMessage, content: content, context: sampleGroupContext())
    let auth = FramedContentAuthData(signature: [0xAB], confirmationTag: nil)
    let tbm = AuthenticatedContentTBM(contentTBS: tbs, auth: auth)
    #expect(try tbm.tlsSerialized() == (try tbs.tlsSerialized()) + [0x01, 0xAB])
  }

  @Test(arguments: [0, 5, 255] as [UInt8])
  func senderRejectsUnknownType(code: UInt8) {
    #expect(throws: TLSDecodingError.unknownEnumValue(type: "SenderType", value: UInt64(code))) {
      try Sender(tlsSerialized: [code, 0, 0, 0, 0])
    }
  }

  @Test func senderKnownBytes() throws {
    #expect(try Sender.member(LeafIndex(3)).tlsSerialized() == [1, 0, 0, 0, 3])
    #expect(try Sender.external(senderIndex: 0x0102).tlsSerialized() == [2, 0, 0, 1, 2])
    #expect(try Sender.newMemberProposal.tlsSerialized() == [3])
    #expect(try Sender(tlsSerialized: [4]) == .newMemberCommit)
  }

  @Test(arguments: [0, 4, 0xFF] as [UInt8])
  func contentTypeRejectsUnknownCode(code: UInt8) {
    let bytes: [UInt8] = [0x01, 0xAA, 0, 0, 0, 0, 0, 0, 0, 1, code, 0x00, 0x00, 0x00]
    #expect(throws: TLSDecodingError.unknownEnumValue(type: "ContentType", value: UInt64(code))) {
      try PrivateMessage(tlsSerialized: bytes)
    }
  }

  @Test(arguments: [0, 6, 0xF000] as [UInt16])
  func wireFormatRejectsUnknownCode(code: UInt16) {
    let bytes: [UInt8] = [0x00, 0x01, UInt8(code >> 8), UInt8(code & 0xFF), 0x00]
    #expect(throws: TLSDecodingError.unknownEnumValue(type: "WireFormat", value: UInt64(code))) {
      try MLSMessage(tlsSerialized: bytes)
    }
  }

  @Test func mlsMessageRejectsTrailingBytes() throws {
    let message = MLSMessage(
      body: .privateMessage(
        PrivateMessage(
          groupID: [1], epoch: 2, contentType: .application, authenticatedData: [],
          encryptedSenderData: [3], ciphertext: [4, 5])))
    let bytes = try message.tlsSerialized()
    #expect(Hex.encode(bytes) == "000100020101000000000000000201000103020405")
    #expect(try MLSMessage(tlsSerialized: bytes) == message)
    #expect(throws: TLSDecodingError.trailingBytes(count: 1)) {
      try MLSMessage(tlsSerialized: bytes + [0])
    }
  }

  @Test func privateMessageContentPadding() throws {
    let content = PrivateMessageContent(
      content: .application([0x68, 0x69]),
      auth: FramedContentAuthData(signature: [0x55], confirmationTag: nil), paddingLength: 5)
    let plaintext = try content.tlsSerialized()
    #expect(plaintext == [0x02, 0x68, 0x69, 0x01, 0x55, 0, 0, 0, 0, 0])
    #expect(try PrivateMessageContent(plaintext: plaintext, contentType: .application) == content)
    #expect(throws: MessageError.nonZeroPadding) {
      try PrivateMessageContent(
        plaintext: [0x02, 0x68, 0x69, 0x01, 0x55, 0, 0, 0x01, 0], contentType: .application)
    }
    #expect(throws: MessageError.invalidField("padding")) {
      try PrivateMessageContent(
        content: .application([]), auth: FramedContentAuthData(signature: [], confirmationTag: nil),
        paddingLength: -1
      ).tlsSerialized()
    }
  }

  @Test func privateMessageContentCommitNeedsConfirmationTag() throws {
    let plaintext: [UInt8] = [0x00, 0x00, 0x01, 0x55, 0x01, 0x66]
    let content = try PrivateMessageContent(plaintext: plaintext, contentType: .commit)
    #expect(content.content == .commit(Commit(proposals: [], path: nil)))
    #expect(content.auth.confirmationTag == [0x66])
    #expect(content.paddingLength == 0)
    // Read as a proposal, the same bytes fail: 0x0000 is the reserved proposal type.
    #expect(throws: TLSDecodingError.unknownEnumValue(type: "ProposalType", value: 0)) {
      try PrivateMessageContent(plaintext: plaintext, contentType: .proposal)
    }
  }

  @Test func senderDataKnownBytes() throws {
    let senderData = SenderData(
      leafIndex: LeafIndex(2), generation: 0x0102_0304, reuseGuard: [0xA, 0xB, 0xC, 0xD])
    let hex = "00000002010203040a0b0c0d"
    #expect(Hex.encode(try senderData.tlsSerialized()) == hex)
    #expect(try SenderData(tlsSerialized: Hex.decode(hex) ?? []) == senderData)
    #expect(throws: MessageError.invalidField("reuse_guard")) {
      try SenderData(leafIndex: LeafIndex(0), generation: 0, reuseGuard: [1, 2, 3]).tlsSerialized()
    }
    #expect(throws: TLSDecodingError.truncated(needed: 4, remaining: 3)) {
      try SenderData(tlsSerialized: Hex.decode("00000002010203040a0b0c") ?? [])
    }
  }

  @Test func aadKnownBytes() throws {
    let senderAAD = SenderDataAAD(groupID: [0xAA], epoch: 1, contentType: .commit)
    #expect(Hex.encode(try senderAAD.tlsSerialized()) == "01aa000000000000000103")
    let contentAAD = PrivateContentAAD(
      groupID: [0xAA], epoch: 1, contentType: .proposal, authenticatedData: [0x42])
    #expect(
      Hex.encode(try contentAAD.tlsSerialized()) == "01aa0000000000000001020142")
    #expect(try PrivateContentAAD(tlsSerialized: try contentAAD.tlsSerialized()) == contentAAD)
  }
}

@Suite("Messages: proposals, commit, welcome, group info (RFC 9420 §12)")
struct MessagesProposalTests {
  @Test func proposalKnownBytes() throws {
    let reInit = Proposal.reInit(
      ReInit(groupID: [0x01], version: .mls10, cipherSuite: .p384Aes256Sha384P384, extensions: []))
    #expect(Hex.encode(try reInit.tlsSerialized()) == "000501010001000700")
    let externalInit = Proposal.externalInit(ExternalInit(kemOutput: [0xEE]))
    #expect(Hex.encode(try externalInit.tlsSerialized()) == "000601ee")
    let gce = Proposal.groupContextExtensions(
      GroupContextExtensions(extensions: [
        Extension(extensionType: ExtensionType(rawValue: 0x5A5A), extensionData: [])
      ]))
    #expect(Hex.encode(try gce.tlsSerialized()) == "0007035a5a00")
    for proposal in [reInit, externalInit, gce] {
      #expect(try Proposal(tlsSerialized: try proposal.tlsSerialized()) == proposal)
    }
  }

  @Test func addAndUpdateRoundTrip() throws {
    let leaf = sampleLeafNode(source: .keyPackage(Lifetime(notBefore: 0, notAfter: 1)))
    let add = Proposal.add(
      Add(
        keyPackage: KeyPackage(
          cipherSuite: .x25519Aes128Sha256Ed25519, initKey: [1], leafNode: leaf, extensions: [],
          signature: [2])))
    let update = Proposal.update(Update(leafNode: sampleLeafNode(source: .update)))
    for proposal in [add, update] {
      let bytes = try proposal.tlsSerialized()
      #expect(Array(bytes.prefix(2)) == [0x00, UInt8(proposal.proposalType.rawValue)])
      #expect(try Proposal(tlsSerialized: bytes) == proposal)
    }
  }

  @Test func preSharedKeyProposalRoundTrip() throws {
    // psktype external(1), psk_id "ab", psk_nonce 0x0102.
    let external = Hex.decode("000401026162020102") ?? []
    // psktype resumption(2), usage branch(3), psk_group_id 0xaa, psk_epoch 7, empty nonce.
    let resumption = Hex.decode("0004020301aa000000000000000700") ?? []
    for bytes in [external, resumption] {
      let proposal = try Proposal(tlsSerialized: bytes)
      #expect(proposal.proposalType == .psk)
      #expect(try proposal.tlsSerialized() == bytes)
    }
  }

  @Test(arguments: [0x0000, 0x0008, 0x0A0A, 0xFFFF] as [UInt16])
  func proposalRejectsUnknownType(type: UInt16) {
    let bytes: [UInt8] = [UInt8(type >> 8), UInt8(type & 0xFF), 0x00, 0x00, 0x00, 0x00]
    #expect(throws: TLSDecodingError.unknownEnumValue(type: "ProposalType", value: UInt64(type))) {
      try Proposal(tlsSerialized: bytes)
    }
  }

  @Test(arguments: [0, 3] as [UInt8])
  func proposalOrRefRejectsUnknownType(type: UInt8) {
    #expect(
      throws: TLSDecodingError.unknownEnumValue(type: "ProposalOrRefType", value: UInt64(type))
    ) {
      try Commit(tlsSerialized: [0x02, type, 0x00, 0x00])
    }
  }

  @Test func commitWithPathRoundTrip() throws {
    let path = UpdatePath(leafNode: sampleLeafNode(source: .commit(parentHash: [0x33])), nodes: [])
    let commit = Commit(proposals: [.reference([0x01])], path: path)
    let bytes = try commit.tlsSerialized()
    #expect(Array(bytes.prefix(5)) == [0x03, 0x02, 0x01, 0x01, 0x01])
    #expect(try Commit(tlsSerialized: bytes) == commit)
    #expect(throws: TLSDecodingError.invalidValue("optional presence")) {
      try Commit(tlsSerialized: [0x00, 0x02])
    }
  }

  @Test func welcomeKnownBytes() throws {
    let welcome = Welcome(
      cipherSuite: .x25519ChaCha20Sha256Ed25519,
      secrets: [
        EncryptedGroupSecrets(
          newMember: [0xAB], encryptedGroupSecrets: HPKECiphertext(kemOutput: [1], ciphertext: [2]))
      ],
      encryptedGroupInfo: [0xCD])
    let hex = "00030601ab0101010201cd"
    #expect(Hex.encode(try welcome.tlsSerialized()) == hex)
    let message = MLSMessage(body: .welcome(welcome))
    #expect(try MLSMessage(tlsSerialized: try message.tlsSerialized()) == message)
  }

  @Test func groupSecretsRoundTrip() throws {
    let secrets = GroupSecrets(
      joinerSecret: [0x11, 0x22], pathSecret: PathSecret(pathSecret: [0x33]), psks: [])
    #expect(Hex.encode(try secrets.tlsSerialized()) == "02112201013300")
    #expect(try GroupSecrets(tlsSerialized: try secrets.tlsSerialized()) == secrets)
    let withPSK = Hex.decode("02112200050101610100") ?? []
    let decoded = try GroupSecrets(tlsSerialized: withPSK)
    #expect(decoded.pathSecret == nil)
    #expect(decoded.psks.count == 1)
    #expect(try decoded.tlsSerialized() == withPSK)
  }

  @Test func groupInfoTBSIsGroupInfoWithoutSignature() throws {
    let info = GroupInfo(
      groupContext: sampleGroupContext(),
      extensions: [try Extension(ExternalPub(externalPub: [0x44]))], confirmationTag: [0x55],
      signer: LeafIndex(9), signature: [0x66, 0x77])
    let bytes = try info.tlsSerialized()
    let tbs = try info.toBeSigned.tlsSerialized()
    #expect(bytes == tbs + [0x02, 0x66, 0x77])
    #expect(Array(tbs.suffix(6)) == [0x01, 0x55, 0x00, 0x00, 0x00, 0x09])
    #expect(try GroupInfo(tlsSerialized: bytes) == info)
    #expect(try GroupInfoTBS(tlsSerialized: tbs) == info.toBeSigned)
  }
}

@Suite("Messages: truncated input never traps (RFC 9420 §2.1)")
struct MessagesTruncationTests {
  /// Every proper prefix of a valid message fails with a decoding error rather than trapping or
  /// decoding to something else.
  @Test func everyPrefixOfAMessageIsRejected() throws {
    let path = UpdatePath(
      leafNode: sampleLeafNode(source: .commit(parentHash: [0x33])),
      nodes: [
        UpdatePathNode(
          encryptionKey: [0x0E],
          encryptedPathSecret: [HPKECiphertext(kemOutput: [0x01], ciphertext: [0x02])])
      ])
    let commit = Commit(proposals: [.proposal(.remove(Remove(removed: LeafIndex(1))))], path: path)
    let message = MLSMessage(
      body: .publicMessage(
        PublicMessage(
          content: sampleContent(sender: .member(LeafIndex(0)), content: .commit(commit)),
          auth: FramedContentAuthData(signature: [0x55], confirmationTag: [0x66]),
          membershipTag: [0x77])))
    let bytes = try message.tlsSerialized()
    #expect(try MLSMessage(tlsSerialized: bytes) == message)
    for length in 0..<bytes.count {
      #expect(throws: TLSDecodingError.self) {
        try MLSMessage(tlsSerialized: Array(bytes.prefix(length)))
      }
    }
  }
}
