import MLS
import MLSCodec
import MLSCrypto
import Testing

/// The GREASE values of RFC 9420 §13.5: 0x0A0A, 0x1A1A, ... 0xEAEA.
let greaseValues: [UInt16] = (0..<15).map { UInt16($0) * 0x1010 + 0x0A0A }

func sampleCapabilities(grease: Bool = true) -> Capabilities {
  let extra = grease ? greaseValues : []
  return Capabilities(
    versions: [.mls10],
    cipherSuites: [.x25519Aes128Sha256Ed25519] + extra.map { CipherSuite(rawValue: $0) },
    extensions: [.applicationID] + extra.map { ExtensionType(rawValue: $0) },
    proposals: extra.map { ProposalType(rawValue: $0) },
    credentials: [.basic] + extra.map { CredentialType(rawValue: $0) })
}

func sampleLeafNode(source: LeafNodeSource, extensions: [Extension] = []) -> LeafNode {
  LeafNode(
    encryptionKey: [0x01, 0x02], signatureKey: [0x03], credential: .basic(identity: [0x61]),
    capabilities: sampleCapabilities(), source: source, extensions: extensions,
    signature: [0x5A, 0x5B])
}

@Suite("Messages: credentials, capabilities, leaf nodes (RFC 9420 §5.3, §7.2)")
struct MessagesLeafNodeTests {
  @Test func greaseValuesAreTheRFCs() {
    #expect(greaseValues.first == 0x0A0A)
    #expect(greaseValues.last == 0xEAEA)
    #expect(greaseValues.count == 15)
  }

  @Test func basicCredentialKnownBytes() throws {
    let credential = Credential.basic(identity: Array("alice".utf8))
    #expect(Hex.encode(try credential.tlsSerialized()) == "000105616c696365")
    #expect(try Credential(tlsSerialized: Hex.decode("000105616c696365") ?? []) == credential)
  }

  @Test func x509CredentialKnownBytes() throws {
    let credential = Credential.x509(certificates: [
      Certificate(certData: [0xC1]), Certificate(certData: [0xC2, 0xC3]),
    ])
    #expect(Hex.encode(try credential.tlsSerialized()) == "00020501c102c2c3")
    #expect(try Credential(tlsSerialized: Hex.decode("00020501c102c2c3") ?? []) == credential)
  }

  @Test func unknownCredentialTypeKeptAsOpaqueBody() throws {
    let bytes = Hex.decode("0a0a03010203") ?? []
    let credential = try Credential(tlsSerialized: bytes)
    #expect(credential == .other(type: CredentialType(rawValue: 0x0A0A), body: [1, 2, 3]))
    #expect(credential.credentialType.rawValue == 0x0A0A)
    #expect(try credential.tlsSerialized() == bytes)
  }

  @Test func capabilitiesWithGreaseRoundTrip() throws {
    let capabilities = sampleCapabilities()
    let bytes = try capabilities.tlsSerialized()
    // versions: 1 + 2 bytes; suites, extensions, credentials: 2 + 15 * 2 = 32 bytes of content
    // (varint 0x20); proposals: 30 bytes.
    #expect(bytes.count == 3 + 33 + 33 + 31 + 33)
    #expect(Array(bytes.prefix(7)) == [0x02, 0x00, 0x01, 0x20, 0x00, 0x01, 0x0A])
    let decoded = try Capabilities(tlsSerialized: bytes)
    #expect(decoded == capabilities)
    #expect(decoded.proposals.map(\.rawValue) == greaseValues)
  }

  @Test func capabilitiesKnownBytes() throws {
    let capabilities = Capabilities(
      versions: [.mls10], cipherSuites: [.p256Aes128Sha256P256], extensions: [],
      proposals: [.groupContextExtensions], credentials: [.basic, .x509])
    let hex = "020001" + "020002" + "00" + "020007" + "0400010002"
    #expect(Hex.encode(try capabilities.tlsSerialized()) == hex)
  }

  @Test func leafNodeKeepsUnknownExtensionsAndGrease() throws {
    let extensions = [
      Extension(extensionType: ExtensionType(rawValue: 0xFF00), extensionData: [0xDE, 0xAD]),
      Extension(extensionType: ExtensionType(rawValue: 0x3A3A), extensionData: []),
    ]
    let leaf = sampleLeafNode(
      source: .keyPackage(Lifetime(notBefore: 1, notAfter: 2)), extensions: extensions)
    let bytes = try leaf.tlsSerialized()
    let decoded = try LeafNode(tlsSerialized: bytes)
    #expect(decoded == leaf)
    #expect(decoded.extensions == extensions)
    #expect(try decoded.tlsSerialized() == bytes)
  }

  @Test(arguments: [
    LeafNodeSource.keyPackage(Lifetime(notBefore: 0x0102, notAfter: 0xFFFF_FFFF_FFFF_FFFF)),
    .update, .commit(parentHash: [0xAB, 0xCD]),
  ])
  func leafNodeSourceRoundTrip(source: LeafNodeSource) throws {
    let bytes = try source.tlsSerialized()
    #expect(bytes.first == source.code)
    #expect(try LeafNodeSource(tlsSerialized: bytes) == source)
  }

  @Test func leafNodeSourceKnownBytes() throws {
    #expect(Hex.encode(try LeafNodeSource.update.tlsSerialized()) == "02")
    #expect(Hex.encode(try LeafNodeSource.commit(parentHash: [0xAB]).tlsSerialized()) == "0301ab")
    let lifetime = LeafNodeSource.keyPackage(Lifetime(notBefore: 1, notAfter: 2))
    #expect(
      Hex.encode(try lifetime.tlsSerialized()) == "0100000000000000010000000000000002")
  }

  @Test(arguments: [0, 4, 255] as [UInt8])
  func leafNodeSourceRejectsUnknownCode(code: UInt8) {
    #expect(throws: TLSDecodingError.unknownEnumValue(type: "LeafNodeSource", value: UInt64(code)))
    {
      try LeafNodeSource(tlsSerialized: [code])
    }
  }

  @Test func leafNodeTBSForKeyPackageHasNoGroupBinding() throws {
    let leaf = sampleLeafNode(source: .keyPackage(Lifetime(notBefore: 1, notAfter: 2)))
    let full = try leaf.tlsSerialized()
    let tbs = try leaf.toBeSigned().tlsSerialized()
    // The TBS is the leaf without its trailing signature (opaque of 2 bytes: 3 bytes).
    #expect(tbs == Array(full.dropLast(3)))
    // Context is ignored for key_package leaves.
    let withContext = try leaf.toBeSigned(groupID: [9], leafIndex: LeafIndex(1)).tlsSerialized()
    #expect(withContext == tbs)
  }

  @Test(arguments: [LeafNodeSource.update, .commit(parentHash: [0x11])])
  func leafNodeTBSBindsGroupAndIndex(source: LeafNodeSource) throws {
    let leaf = sampleLeafNode(source: source)
    let unsigned = Array(try leaf.tlsSerialized().dropLast(3))
    let tbs = try leaf.toBeSigned(groupID: [0xAA, 0xBB], leafIndex: LeafIndex(7)).tlsSerialized()
    #expect(tbs == unsigned + [0x02, 0xAA, 0xBB, 0x00, 0x00, 0x00, 0x07])
    #expect(throws: MessageError.missingLeafNodeContext) {
      try leaf.toBeSigned(groupID: [0xAA]).tlsSerialized()
    }
    #expect(throws: MessageError.missingLeafNodeContext) {
      try leaf.toBeSigned().tlsSerialized()
    }
  }

  @Test func keyPackageRoundTripAndTBS() throws {
    let leaf = sampleLeafNode(source: .keyPackage(Lifetime(notBefore: 1, notAfter: 2)))
    let keyPackage = KeyPackage(
      cipherSuite: .x448Aes256Sha512Ed448, initKey: [0x10, 0x11], leafNode: leaf,
      extensions: [Extension(extensionType: ExtensionType(rawValue: 0x4A4A), extensionData: [1])],
      signature: [0x99])
    let bytes = try keyPackage.tlsSerialized()
    #expect(Array(bytes.prefix(7)) == [0x00, 0x01, 0x00, 0x04, 0x02, 0x10, 0x11])
    #expect(try keyPackage.toBeSigned.tlsSerialized() == Array(bytes.dropLast(2)))
    #expect(try KeyPackage(tlsSerialized: bytes) == keyPackage)
  }

  @Test func ratchetTreeKnownBytes() throws {
    let parent = ParentNode(
      encryptionKey: [0xE1], parentHash: [], unmergedLeaves: [LeafIndex(0), LeafIndex(2)])
    let tree = RatchetTree(nodes: [nil, .parent(parent), nil])
    // optional<Node>: 00 blank; 01 02 <parent>; parent = 01 e1 | 00 | 08 00000000 00000002.
    let hex = "10" + "00" + "0102" + "01e1" + "00" + "08" + "00000000" + "00000002" + "00"
    #expect(Hex.encode(try tree.tlsSerialized()) == hex)
    #expect(try RatchetTree(tlsSerialized: Hex.decode(hex) ?? []) == tree)
  }

  @Test func ratchetTreeWithLeafRoundTrip() throws {
    let tree = RatchetTree(nodes: [.leaf(sampleLeafNode(source: .update)), nil])
    let decoded = try RatchetTree(tlsSerialized: try tree.tlsSerialized())
    #expect(decoded == tree)
    #expect(decoded.nodes[0]?.leafNode?.source == .update)
    #expect(decoded.nodes[0]?.encryptionKey == [0x01, 0x02])
  }

  @Test(arguments: [0, 3] as [UInt8])
  func nodeRejectsUnknownType(type: UInt8) {
    #expect(throws: TLSDecodingError.unknownEnumValue(type: "NodeType", value: UInt64(type))) {
      try RatchetTree(tlsSerialized: [0x02, 0x01, type])
    }
  }

  @Test func ratchetTreeRejectsBadPresenceByte() {
    #expect(throws: TLSDecodingError.invalidValue("optional presence")) {
      try RatchetTree(tlsSerialized: [0x01, 0x02])
    }
  }

  @Test func updatePathKnownBytes() throws {
    let path = UpdatePath(
      leafNode: sampleLeafNode(source: .commit(parentHash: [])),
      nodes: [
        UpdatePathNode(
          encryptionKey: [0x0E],
          encryptedPathSecret: [HPKECiphertext(kemOutput: [0x01], ciphertext: [0x02, 0x03])])
      ])
    let bytes = try path.tlsSerialized()
    let leafBytes = try path.leafNode.tlsSerialized()
    #expect(
      Array(bytes.dropFirst(leafBytes.count)) == [
        0x08, 0x01, 0x0E, 0x05, 0x01, 0x01, 0x02, 0x02, 0x03,
      ])
    #expect(try UpdatePath(tlsSerialized: bytes) == path)
  }
}

@Suite("Messages: typed extension payloads (RFC 9420 §5.3.3, §11.1, §12.1.8.1, §12.4.3.2)")
struct MessagesExtensionTests {
  @Test func requiredCapabilitiesWithGrease() throws {
    let required = RequiredCapabilities(
      extensionTypes: [ExtensionType(rawValue: 0x0A0A), .externalSenders],
      proposalTypes: [ProposalType(rawValue: 0xEAEA)], credentialTypes: [.x509])
    let ext = try Extension(required)
    #expect(ext.extensionType == .requiredCapabilities)
    #expect(Hex.encode(ext.extensionData) == "040a0a000502eaea020002")
    #expect(try ext.payload(RequiredCapabilities.self) == required)
    #expect(try ext.payload(ExternalPub.self) == nil)
  }

  @Test func payloadLookupInList() throws {
    let list = [
      Extension(extensionType: ExtensionType(rawValue: 0x1A1A), extensionData: [0xFF]),
      try Extension(ApplicationID(applicationID: [0x42])),
      try Extension(ExternalPub(externalPub: [0x01, 0x02])),
    ]
    #expect(try list.payload(ApplicationID.self)?.applicationID == [0x42])
    #expect(try list.payload(ExternalPub.self)?.externalPub == [0x01, 0x02])
    #expect(try list.payload(ExternalSenders.self) == nil)
  }

  @Test func externalSendersRoundTrip() throws {
    let senders = ExternalSenders(senders: [
      ExternalSender(signatureKey: [0x0B], credential: .basic(identity: [0x61]))
    ])
    let ext = try Extension(senders)
    #expect(ext.extensionType.rawValue == 0x0005)
    #expect(Hex.encode(ext.extensionData) == "06010b00010161")
    #expect(try ext.payload(ExternalSenders.self) == senders)
  }

  @Test func payloadWithTrailingBytesRejected() {
    let ext = Extension(extensionType: .externalPub, extensionData: [0x01, 0xAA, 0xBB])
    #expect(throws: TLSDecodingError.trailingBytes(count: 1)) {
      try ext.payload(ExternalPub.self)
    }
  }

  @Test func ratchetTreeExtension() throws {
    let tree = RatchetTree(nodes: [.leaf(sampleLeafNode(source: .update))])
    let ext = try Extension(tree)
    #expect(ext.extensionType == .ratchetTree)
    #expect(try [ext].payload(RatchetTree.self) == tree)
  }
}
